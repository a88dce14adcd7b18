#include "user_agent_memo.h"

#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace riskd_peer_profile {
namespace {

constexpr std::string_view kFirefox =
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
constexpr std::string_view kSafari =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15";

AgentFeatures FeaturesOf(std::string_view user_agent, uint64_t hash) {
  return {.agent = ParseUserAgent(user_agent),
          .os_hash = hash,
          .browser_hash = hash + 1,
          .user_agent_hash = hash + 2};
}

TEST(UserAgentMemoTest, FindsTheLastUserAgentOfThisThread) {
  RememberAgentFeatures(kFirefox, FeaturesOf(kFirefox, 10));
  std::optional<AgentFeatures> found = FindAgentFeatures(std::string(kFirefox));  // a copy
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->agent.browser, "Firefox");
  EXPECT_EQ(found->agent.major, 125);
  EXPECT_EQ(found->agent.os, "Linux");
  EXPECT_EQ(found->os_hash, 10u);
  EXPECT_EQ(found->browser_hash, 11u);
  EXPECT_EQ(found->user_agent_hash, 12u);
}

TEST(UserAgentMemoTest, AnotherUserAgentOrThreadMisses) {
  RememberAgentFeatures(kFirefox, FeaturesOf(kFirefox, 10));
  EXPECT_FALSE(FindAgentFeatures(kSafari).has_value());
  EXPECT_FALSE(FindAgentFeatures(kFirefox.substr(0, kFirefox.size() - 1)).has_value());
  bool found_elsewhere = true;
  std::thread([&] { found_elsewhere = FindAgentFeatures(kFirefox).has_value(); }).join();
  EXPECT_FALSE(found_elsewhere);
  // The next user agent replaces it.
  RememberAgentFeatures(kSafari, FeaturesOf(kSafari, 20));
  EXPECT_FALSE(FindAgentFeatures(kFirefox).has_value());
  ASSERT_TRUE(FindAgentFeatures(kSafari).has_value());
  EXPECT_EQ(FindAgentFeatures(kSafari)->agent.browser, "Safari");
}

TEST(UserAgentMemoTest, AnOverlongOrEmptyUserAgentIsNotKept) {
  RememberAgentFeatures(kFirefox, FeaturesOf(kFirefox, 10));
  const std::string overlong = std::string(kFirefox) + std::string(600, 'x');
  RememberAgentFeatures(overlong, FeaturesOf(overlong, 30));
  EXPECT_FALSE(FindAgentFeatures(overlong).has_value());
  EXPECT_FALSE(FindAgentFeatures(kFirefox).has_value());  // forgotten, not stale
  RememberAgentFeatures("", AgentFeatures{});
  EXPECT_FALSE(FindAgentFeatures("").has_value());
}

}  // namespace
}  // namespace riskd_peer_profile
