#include "server/webhooks/webhook_payload.h"

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace riskd {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

WebhookEvent Review() {
  WebhookEvent event;
  event.kind = "review.opened";
  event.case_id = "review.opened/alice/d-1/req-7";
  event.user_id = "alice";
  event.user_email = "alice@example.com";
  event.device_id = "d-1";
  event.device_user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0";
  event.device_last_ip = "81.2.69.160";
  event.device_country = "GB";
  event.request_id = "req-7";
  event.score = 0.75;
  event.signals = {{"geo", "new_country", "first login from GB"}, {"darknet-ip", "tor_exit", ""}};
  event.occurred_at = absl::FromUnixMillis(1'700'000'000'250);
  return event;
}

// Parsed as plain JSON, not as our own message, to check what receivers see.
Struct Parse(const std::string& json) {
  Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(json, &parsed);
  EXPECT_TRUE(status.ok()) << status << "\n" << json;
  return parsed;
}

const Value& Field(const Struct& s, const std::string& name) {
  static const Value kMissing;
  auto it = s.fields().find(name);
  EXPECT_TRUE(it != s.fields().end()) << "no field " << name;
  return it == s.fields().end() ? kMissing : it->second;
}

TEST(WebhookPayloadTest, CarriesEventUserDeviceDecisionAndTime) {
  const std::string id = WebhookDeliveryId("review.opened/alice/d-1/req-7", "app");
  const Struct body = Parse(WebhookPayloadJson(Review(), id));
  EXPECT_EQ(body.fields().size(), 6u);
  EXPECT_EQ(Field(body, "event").string_value(), "review.opened");
  EXPECT_EQ(Field(body, "delivery_id").string_value(), id);
  EXPECT_EQ(Field(body, "occurred_at").string_value(), "2023-11-14T22:13:20.250Z");

  const Struct& user = Field(body, "user").struct_value();
  EXPECT_EQ(Field(user, "id").string_value(), "alice");
  EXPECT_EQ(Field(user, "email").string_value(), "alice@example.com");

  const Struct& device = Field(body, "device").struct_value();
  EXPECT_EQ(Field(device, "id").string_value(), "d-1");
  EXPECT_EQ(Field(device, "user_agent").string_value(),
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0");
  EXPECT_EQ(Field(device, "last_ip").string_value(), "81.2.69.160");
  EXPECT_EQ(Field(Field(device, "location").struct_value(), "country").string_value(), "GB");

  const Struct& decision = Field(body, "decision").struct_value();
  EXPECT_EQ(Field(decision, "request_id").string_value(), "req-7");
  EXPECT_DOUBLE_EQ(Field(decision, "score").number_value(), 0.75);
  const auto& signals = Field(decision, "signals").list_value().values();
  ASSERT_EQ(signals.size(), 2);
  EXPECT_EQ(Field(signals[0].struct_value(), "detector").string_value(), "geo");
  EXPECT_EQ(Field(signals[0].struct_value(), "name").string_value(), "new_country");
  EXPECT_EQ(Field(signals[0].struct_value(), "detail").string_value(), "first login from GB");
  // Empty values are present too, so receivers need not guess.
  EXPECT_EQ(Field(signals[1].struct_value(), "detail").string_value(), "");
}

TEST(WebhookPayloadTest, EmptyFieldsArePresent) {
  WebhookEvent event;
  event.kind = "incident.recovered";
  const Struct body = Parse(WebhookPayloadJson(event, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(Field(Field(body, "user").struct_value(), "email").string_value(), "");
  EXPECT_EQ(Field(Field(Field(body, "device").struct_value(), "location").struct_value(), "country")
                .string_value(),
            "");
  EXPECT_EQ(Field(Field(body, "decision").struct_value(), "score").number_value(), 0);
  EXPECT_TRUE(Field(Field(body, "decision").struct_value(), "signals").has_list_value());
}

TEST(WebhookPayloadTest, ACutUserAgentStillMakesValidJson) {
  WebhookEvent event = Review();
  event.device_user_agent = "Mozilla/5.0 caf\xC3";  // "café" cut inside the é
  event.score = std::numeric_limits<double>::quiet_NaN();
  const Struct body = Parse(WebhookPayloadJson(event, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(Field(Field(body, "device").struct_value(), "user_agent").string_value(),
            "Mozilla/5.0 caf\xEF\xBF\xBD");
  EXPECT_EQ(Field(Field(body, "decision").struct_value(), "score").number_value(), 0);
}

TEST(WebhookPayloadTest, AnUnsetTimeStillMakesValidJson) {
  WebhookEvent event = Review();
  event.occurred_at = absl::InfinitePast();
  const Struct body = Parse(WebhookPayloadJson(event, "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(Field(body, "occurred_at").string_value(), "0001-01-01T00:00:00Z");
}

TEST(WebhookPayloadTest, DeliveryIdsAreStablePerCaseAndEndpoint) {
  // sha256("5:alicehooks")[:32], from Python.
  EXPECT_EQ(WebhookDeliveryId("alice", "hooks"), "6931a1f7fd2adb763ecc233ceb02768b");
  EXPECT_EQ(WebhookDeliveryId("case-1", "app"), WebhookDeliveryId("case-1", "app"));
  EXPECT_NE(WebhookDeliveryId("case-1", "app"), WebhookDeliveryId("case-2", "app"));
  EXPECT_NE(WebhookDeliveryId("case-1", "app"), WebhookDeliveryId("case-1", "siem"));
  EXPECT_NE(WebhookDeliveryId("a:b", "c"), WebhookDeliveryId("a", "b:c"));
}

}  // namespace
}  // namespace riskd
