// riskctl, the newcomer's first client, against the real riskd.
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

struct Output {
  int exit_code;
  std::string text;  // stdout and stderr
};

Output RunRiskctl(int port, const std::string& args) {
  std::string command = std::string(RISKCTL_BINARY) +
                        " --server 127.0.0.1:" + std::to_string(port) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string text;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) text.append(buffer, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

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
  Output out = RunRiskctl(riskd_->port(),
                          "authenticate --user alice --ip 81.2.69.160 --ua 'curl/8.5.0' "
                          "--type login-succeeded");
  EXPECT_EQ(out.exit_code, 0) << out.text;
  EXPECT_NE(out.text.find("verdict:    challenge"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("risk score: 0.7200"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("policy:     challenge-scripted-logins"), std::string::npos);
  EXPECT_NE(out.text.find("scripted_client"), std::string::npos);
  EXPECT_NE(out.text.find("user agent contains \"curl/\""), std::string::npos);
}

TEST_F(RiskctlTest, BadInputShowsTheServersErrorAndFails) {
  Output out = RunRiskctl(riskd_->port(), "authenticate --user alice --ip not-an-ip");
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.text.find("riskctl: INVALID_ARGUMENT: context.ip: \"not-an-ip\" is not an IPv4 "
                          "or IPv6 address"),
            std::string::npos)
      << out.text;
}

TEST_F(RiskctlTest, TrackJsonAndHealth) {
  Output track = RunRiskctl(riskd_->port(),
                            "track --user alice --type password-reset-succeeded "
                            "--request-id r-1 --json");
  EXPECT_EQ(track.exit_code, 0) << track.text;
  EXPECT_NE(track.text.find("\"requestId\": \"r-1\""), std::string::npos) << track.text;
  Output health = RunRiskctl(riskd_->port(), "health");
  EXPECT_EQ(health.exit_code, 0);
  EXPECT_EQ(health.text, "SERVING\n");
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
  Output user = RunRiskctl(riskd_->port(), "user bob");
  EXPECT_EQ(user.exit_code, 0) << user.text;
  EXPECT_NE(user.text.find("flags:                lost_password"), std::string::npos) << user.text;
  EXPECT_NE(user.text.find("logins:               0 succeeded, 3 failed, 3 failed in a row"),
            std::string::npos)
      << user.text;
  Output users = RunRiskctl(riskd_->port(), "users --flag lost_password");
  EXPECT_EQ(users.exit_code, 0) << users.text;
  EXPECT_NE(users.text.find("bob "), std::string::npos) << users.text;
  EXPECT_EQ(users.text.find("alice"), std::string::npos) << users.text;
  EXPECT_NE(users.text.find("1 users"), std::string::npos) << users.text;
  Output missing = RunRiskctl(riskd_->port(), "user nobody");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.text.find("riskctl: NOT_FOUND: user_id: riskd has never seen user \"nobody\""),
            std::string::npos)
      << missing.text;
}

TEST_F(RiskctlTest, UnknownEventTypeIsAUsageError) {
  Output out = RunRiskctl(riskd_->port(), "authenticate --user alice --type logon");
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.text.find("riskctl: unknown --type \"logon\""), std::string::npos) << out.text;
}

}  // namespace
}  // namespace riskd::testing
