// Every INVALID_ARGUMENT case of the API contract, through the real binary:
// the status names the field, and the server goes on serving.
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::Event;

class ValidationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    riskd_ = RiskdProcess::Start(WriteConfig(MakeTempDir(), R"(
detectors:
  - plugin: @PLUGINS@/riskd-example.so
)"))
                 .release();
  }
  static void TearDownTestSuite() { delete riskd_; }

  // Expects INVALID_ARGUMENT with a message that starts with `field: `.
  static void ExpectRejected(const Event& event, const std::string& field,
                             const std::string& message_part) {
    ASSERT_NE(riskd_, nullptr);
    riskd::v1::AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, event, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(status.error_message().rfind(field + ": ", 0), 0u)
        << "message does not start with the field: " << status.error_message();
    EXPECT_NE(status.error_message().find(message_part), std::string::npos)
        << status.error_message();
    // Track validates the same way.
    riskd::v1::TrackResponse track;
    EXPECT_EQ(Track(*riskd_, event, &track).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    // And a good event is still decided afterwards.
    EXPECT_TRUE(Authenticate(*riskd_, BrowserLogin(), &response).ok());
  }

  static inline RiskdProcess* riskd_ = nullptr;
};

TEST_F(ValidationTest, UnparseableIp) {
  ExpectRejected(BrowserLogin("alice", "81.2.69.999"), "context.ip",
                 "\"81.2.69.999\" is not an IPv4 or IPv6 address");
}

TEST_F(ValidationTest, Ipv6AndMappedIpv4AreAccepted) {
  ASSERT_NE(riskd_, nullptr);
  riskd::v1::AuthenticateResponse response;
  EXPECT_TRUE(Authenticate(*riskd_, BrowserLogin("alice", "2001:db8::1"), &response).ok());
  EXPECT_TRUE(Authenticate(*riskd_, BrowserLogin("alice", "::ffff:81.2.69.160"), &response).ok());
}

TEST_F(ValidationTest, UnspecifiedType) {
  Event event = BrowserLogin();
  event.set_type(riskd::v1::EVENT_TYPE_UNSPECIFIED);
  ExpectRejected(event, "type", "must be set");
}

TEST_F(ValidationTest, LoginProfileUpdateAndTransactionNeedAUserId) {
  for (auto type : {riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, riskd::v1::EVENT_TYPE_LOGIN_FAILED,
                    riskd::v1::EVENT_TYPE_PROFILE_UPDATE, riskd::v1::EVENT_TYPE_TRANSACTION}) {
    Event event = BrowserLogin("");
    event.mutable_user()->clear_email();
    event.set_type(type);
    ExpectRejected(event, "user.id",
                   absl::StrCat("is required for ", riskd::v1::EventType_Name(type)));
  }
}

TEST_F(ValidationTest, RegistrationWithoutUserIdIsAccepted) {
  ASSERT_NE(riskd_, nullptr);
  Event event = BrowserLogin("");
  event.set_type(riskd::v1::EVENT_TYPE_REGISTRATION);
  event.mutable_user()->set_email("new.user@example.com");
  riskd::v1::AuthenticateResponse response;
  EXPECT_TRUE(Authenticate(*riskd_, event, &response).ok());
}

TEST_F(ValidationTest, OccurredAtMoreThanFiveMinutesInTheFuture) {
  Event event = BrowserLogin();
  *event.mutable_occurred_at() = google::protobuf::util::TimeUtil::GetCurrentTime() +
                                 google::protobuf::util::TimeUtil::SecondsToDuration(6 * 60);
  ExpectRejected(event, "occurred_at", "is more than 5 minutes in the future");
}

TEST_F(ValidationTest, PastOccurredAtIsHonouredForReplay) {
  ASSERT_NE(riskd_, nullptr);
  Event event = BrowserLogin();
  event.mutable_occurred_at()->set_seconds(1'500'000'000);  // 2017
  riskd::v1::AuthenticateResponse response;
  EXPECT_TRUE(Authenticate(*riskd_, event, &response).ok());
}

TEST_F(ValidationTest, EmailWithoutDomain) {
  Event event = BrowserLogin();
  event.mutable_user()->set_email("alice");
  ExpectRejected(event, "user.email", "\"alice\" has no domain");
  event.mutable_user()->set_email("alice@");
  ExpectRejected(event, "user.email", "has no domain");
}

TEST_F(ValidationTest, UserAgentOver8KiB) {
  Event event = BrowserLogin();
  event.mutable_context()->set_user_agent(std::string(8 * 1024 + 1, 'a'));
  ExpectRejected(event, "context.user_agent", "is 8193 bytes, more than the limit of 8192");
}

TEST_F(ValidationTest, UserAgentOfExactly8KiBIsAccepted) {
  ASSERT_NE(riskd_, nullptr);
  Event event = BrowserLogin();
  event.mutable_context()->set_user_agent(std::string(8 * 1024, 'a'));
  riskd::v1::AuthenticateResponse response;
  EXPECT_TRUE(Authenticate(*riskd_, event, &response).ok());
}

TEST_F(ValidationTest, MoreThan100Headers) {
  Event event = BrowserLogin();
  auto& headers = *event.mutable_context()->mutable_headers();
  for (int i = 0; headers.size() < 101; ++i) headers[absl::StrCat("x-h", i)] = "v";
  ExpectRejected(event, "context.headers", "has 101 entries, more than the limit of 100");
}

TEST_F(ValidationTest, BadRegisteredAt) {
  Event event = BrowserLogin();
  event.mutable_user()->set_registered_at("last tuesday");
  ExpectRejected(event, "user.registered_at", "is neither ISO 8601 nor unix seconds");
}

TEST_F(ValidationTest, RegisteredAtAsIsoOrUnixSecondsIsAccepted) {
  ASSERT_NE(riskd_, nullptr);
  for (const char* when : {"2024-05-01T10:00:00Z", "2024-05-01T12:00:00+02:00", "1714557600"}) {
    Event event = BrowserLogin();
    event.mutable_user()->set_registered_at(when);
    riskd::v1::AuthenticateResponse response;
    EXPECT_TRUE(Authenticate(*riskd_, event, &response).ok()) << when;
  }
}

TEST_F(ValidationTest, MissingEvent) {
  ASSERT_NE(riskd_, nullptr);
  grpc::ClientContext context;
  riskd::v1::AuthenticateRequest request;
  riskd::v1::AuthenticateResponse response;
  grpc::Status status = riskd_->stub().Authenticate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "event: is required");
}

}  // namespace
}  // namespace riskd::testing
