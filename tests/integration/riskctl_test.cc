// riskctl, the newcomer's first client, against the real riskd.
#include <string>

#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

class RiskctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    riskd_ = RiskdProcess::Start(WriteConfig(MakeTempDir(), R"(
detectors:
  - plugin: @PLUGINS@/riskd-example.so
    weight: 0.8
policies:
  - name: challenge-scripted-logins
    when: {event_types: [login_succeeded], signals_any: [scripted_client]}
    then: challenge
)"));
    ASSERT_NE(riskd_, nullptr);
  }
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(RiskctlTest, AuthenticatePrintsVerdictScoreAndSignals) {
  RunResult out = RunRiskctl(riskd_->port(),
                             "authenticate --user alice --ip 81.2.69.160 --ua 'curl/8.5.0' "
                             "--type login-succeeded");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("verdict:    challenge"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("risk score: 0.7200"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("policy:     challenge-scripted-logins"), std::string::npos);
  EXPECT_NE(out.output.find("scripted_client"), std::string::npos);
  EXPECT_NE(out.output.find("user agent contains \"curl/\""), std::string::npos);
}

TEST_F(RiskctlTest, BadInputShowsTheServersErrorAndFails) {
  RunResult out = RunRiskctl(riskd_->port(), "authenticate --user alice --ip not-an-ip");
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.output.find("riskctl: INVALID_ARGUMENT: context.ip: \"not-an-ip\" is not an IPv4 "
                            "or IPv6 address"),
            std::string::npos)
      << out.output;
}

TEST_F(RiskctlTest, TrackJsonAndHealth) {
  RunResult track = RunRiskctl(riskd_->port(),
                               "track --user alice --type password-reset-succeeded "
                               "--request-id r-1 --json");
  EXPECT_EQ(track.exit_code, 0) << track.output;
  EXPECT_NE(track.output.find("\"requestId\": \"r-1\""), std::string::npos) << track.output;
  RunResult health = RunRiskctl(riskd_->port(), "health");
  EXPECT_EQ(health.exit_code, 0);
  EXPECT_EQ(health.output, "SERVING\n");
}

TEST_F(RiskctlTest, UserAndUsersShowWhatRiskdRemembers) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(RunRiskctl(riskd_->port(),
                         "authenticate --user bob --type login-failed "
                         "--ip 81.2.69.160 --ua 'Mozilla/5.0 Firefox/125'")
                  .exit_code,
              0);
  }
  ASSERT_EQ(RunRiskctl(riskd_->port(), "authenticate --user alice --ua 'Mozilla/5.0'").exit_code,
            0);
  RunResult user = RunRiskctl(riskd_->port(), "user bob");
  EXPECT_EQ(user.exit_code, 0) << user.output;
  EXPECT_NE(user.output.find("flags:                lost_password"), std::string::npos)
      << user.output;
  EXPECT_NE(user.output.find("logins:               0 succeeded, 3 failed, 3 failed in a row"),
            std::string::npos)
      << user.output;
  RunResult users = RunRiskctl(riskd_->port(), "users --flag lost_password");
  EXPECT_EQ(users.exit_code, 0) << users.output;
  EXPECT_NE(users.output.find("bob "), std::string::npos) << users.output;
  EXPECT_EQ(users.output.find("alice"), std::string::npos) << users.output;
  EXPECT_NE(users.output.find("1 users"), std::string::npos) << users.output;
  RunResult missing = RunRiskctl(riskd_->port(), "user nobody");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(
      missing.output.find("riskctl: NOT_FOUND: user_id: riskd has never seen user \"nobody\""),
      std::string::npos)
      << missing.output;
}

TEST_F(RiskctlTest, UnknownEventTypeIsAUsageError) {
  RunResult out = RunRiskctl(riskd_->port(), "authenticate --user alice --type logon");
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("riskctl: unknown --type \"logon\""), std::string::npos) << out.output;
}

TEST_F(RiskctlTest, DrivesTheRecoveryFunnel) {
  // A challenged login opens a review on the device.
  RunResult login = RunRiskctl(riskd_->port(),
                               "authenticate --user carol --ip 81.2.69.160 --ua 'curl/8.5.0' "
                               "--device laptop --request-id carol-1");
  ASSERT_EQ(login.exit_code, 0) << login.output;
  RunResult devices = RunRiskctl(riskd_->port(), "devices carol");
  EXPECT_EQ(devices.exit_code, 0) << devices.output;
  EXPECT_NE(devices.output.find("laptop"), std::string::npos) << devices.output;
  EXPECT_NE(devices.output.find("review open"), std::string::npos) << devices.output;

  // "This was not me", naming the decision.
  RunResult escalated =
      RunRiskctl(riskd_->port(), "feedback review-escalated --user carol --request-id carol-1");
  EXPECT_EQ(escalated.exit_code, 0) << escalated.output;
  EXPECT_NE(escalated.output.find("webhooks: incident.confirmed"), std::string::npos)
      << escalated.output;
  EXPECT_NE(escalated.output.find("compromised"), std::string::npos) << escalated.output;
  RunResult again = RunRiskctl(riskd_->port(), "report-device --user carol --device laptop");
  EXPECT_NE(again.output.find("already applied: nothing changed"), std::string::npos)
      << again.output;

  RunResult unknown = RunRiskctl(riskd_->port(), "feedback this-was-me --user carol");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown feedback \"this-was-me\""), std::string::npos)
      << unknown.output;

  RunResult funnel = RunRiskctl(riskd_->port(), "funnel --bucket day");
  EXPECT_EQ(funnel.exit_code, 0) << funnel.output;
  EXPECT_NE(funnel.output.find("LOGIN+"), std::string::npos) << funnel.output;
}

}  // namespace
}  // namespace riskd::testing
