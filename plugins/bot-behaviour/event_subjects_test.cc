#include "event_subjects.h"

#include <gtest/gtest.h>

#include "riskd/detector_testing.h"

namespace riskd_bot_behaviour {
namespace {

TEST(EventSubjectsTest, Ipv6NetworkKeepsThePrefixGroups) {
  const uint8_t ip[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02,
                          0xab, 0xcd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09};
  EXPECT_EQ(Ipv6Network(ip, 64), "2001:db8:1:2::/64");
  EXPECT_EQ(Ipv6Network(ip, 48), "2001:db8:1::/48");
  EXPECT_EQ(Ipv6Network(ip, 56), "2001:db8:1:0::/56");
  EXPECT_EQ(Ipv6Network(ip, 28), "2001:db0::/28");
  EXPECT_EQ(Ipv6Network(ip, 128), "2001:db8:1:2:abcd:0:0:9");
}

TEST(EventSubjectsTest, HashTagsEscapeBracesSoTheTagStaysWhole) {
  EXPECT_EQ(HashTag("u:", "alice"), "{u:alice}");
  EXPECT_EQ(HashTag("u:", "a{b}%c"), "{u:a%7Bb%7D%25c}");
  EXPECT_EQ(HashTag("", "203.0.113.9"), "{203.0.113.9}");
}

TEST(EventSubjectsTest, ShortHashIsFnv1a64) {
  EXPECT_EQ(ShortHash(""), "cbf29ce484222325");
  EXPECT_EQ(ShortHash("a"), "af63dc4c8601ec8c");
}

TEST(EventSubjectsTest, LoginsNeedAUser) {
  riskd::testing::EventBuilder builder;
  builder.set_type(riskd::EventType::kLoginFailed).set_ip("203.0.113.9").set_device_id("dev_1");
  EventSubjects s = SubjectsOf(builder.Build(), 64);
  EXPECT_TRUE(s.login);
  EXPECT_TRUE(s.failed);
  EXPECT_EQ(s.ip, "203.0.113.9");
  EXPECT_EQ(s.user_tag, "{u:alice}");
  EXPECT_EQ(s.device_tag, "{d:dev_1}");

  riskd::testing::EventBuilder anonymous;
  anonymous.set_type(riskd::EventType::kLoginFailed).set_user_id("");
  s = SubjectsOf(anonymous.Build(), 64);
  EXPECT_FALSE(s.login);
  EXPECT_EQ(s.ip_tag, "");
  EXPECT_EQ(s.user_tag, "");

  riskd::testing::EventBuilder registration;
  registration.set_type(riskd::EventType::kRegistration);
  EXPECT_FALSE(SubjectsOf(registration.Build(), 64).login);
}

}  // namespace
}  // namespace riskd_bot_behaviour
