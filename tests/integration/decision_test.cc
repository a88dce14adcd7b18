// The decision path through the real riskd binary over gRPC: detectors,
// combiners, thresholds, policies, monitor mode, fail modes.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;

// The example plugin plus the fixture plugin, which takes its score and
// signals from the event's properties.
constexpr char kTwoDetectors[] = R"(
log_level: debug
detectors:
  - plugin: @PLUGINS@/riskd-example.so
    weight: 0.8
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    weight: 1.0
    settings: {required_label: decision-test}
thresholds:
  default: {challenge_at: 0.6, deny_at: 0.9}
  registration: {challenge_at: 0.7}
policies:
  - name: deny-fixture-alert
    when: {signals_any: [fixture_alert]}
    then: deny
  - name: challenge-scripted-logins
    when:
      event_types: [login_succeeded]
      signals_any: [scripted_client]
    then: challenge
  - name: deny-listed-users
    when: {user_ids: [mallory]}
    then: deny
  - name: challenge-partner-domains
    when: {email_domains: [partner.example]}
    then: challenge
)";

class DecisionTest : public ::testing::Test {
 protected:
  void SetUp() override { riskd_ = RiskdProcess::Start(WriteConfig(MakeTempDir(), kTwoDetectors)); }

  AuthenticateResponse Decide(const Event& event) {
    AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, event, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static Event WithProperty(Event event, const std::string& key, const std::string& value) {
    (*event.mutable_properties())[key] = value;
    return event;
  }

  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(DecisionTest, BenignLoginIsAllowedWithEveryDetectorListed) {
  ASSERT_NE(riskd_, nullptr);
  AuthenticateResponse r = Decide(BrowserLogin());
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW);
  EXPECT_EQ(r.risk_score(), 0.0);
  EXPECT_EQ(r.policy(), "thresholds.default");
  EXPECT_FALSE(r.monitor_only());
  ASSERT_EQ(r.detectors_size(), 2);
  EXPECT_EQ(r.detectors(0).name(), "example");
  EXPECT_DOUBLE_EQ(r.detectors(0).weight(), 0.8);
  EXPECT_EQ(r.detectors(1).name(), "fixture");
  for (const auto& d : r.detectors()) EXPECT_EQ(d.error(), "") << d.name();
  EXPECT_EQ(r.signals_size(), 0);
  EXPECT_EQ(r.request_id().size(), 32u) << "riskd generates a request id";
  EXPECT_EQ(r.device_id().rfind("dev_", 0), 0u) << "riskd derives a device id";
  EXPECT_NE(r.reason().find("below the challenge threshold"), std::string::npos) << r.reason();
}

TEST_F(DecisionTest, SentIdsAreEchoedAndDerivedDeviceIdsAreStable) {
  ASSERT_NE(riskd_, nullptr);
  Event event = BrowserLogin();
  event.set_request_id("req-42");
  AuthenticateResponse first = Decide(event);
  AuthenticateResponse second = Decide(BrowserLogin());
  EXPECT_EQ(first.request_id(), "req-42");
  EXPECT_EQ(first.device_id(), second.device_id());
  event.set_request_id("req-43");  // a new request: req-42 would be answered from memory
  event.mutable_context()->set_device_id("app-device-7");
  EXPECT_EQ(Decide(event).device_id(), "app-device-7");
}

TEST_F(DecisionTest, PolicyOnSignalChangesTheVerdictAndNamesItsSource) {
  ASSERT_NE(riskd_, nullptr);
  AuthenticateResponse r = Decide(WithProperty(BrowserLogin(), "fixture_signal", "fixture_alert"));
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_DENY);
  EXPECT_EQ(r.policy(), "deny-fixture-alert");
  EXPECT_EQ(r.reason(), "policy deny-fixture-alert matched: signal fixture_alert from fixture");
  ASSERT_EQ(r.signals_size(), 1);
  EXPECT_EQ(r.signals(0).name(), "fixture_alert");
  EXPECT_EQ(r.signals(0).detector(), "fixture");
  EXPECT_EQ(r.detectors(1).signals(0).name(), "fixture_alert");
}

TEST_F(DecisionTest, ScriptedClientIsChallengedOnLoginOnly) {
  ASSERT_NE(riskd_, nullptr);
  Event login = BrowserLogin();
  login.mutable_context()->set_user_agent("curl/8.5.0");
  AuthenticateResponse r = Decide(login);
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_EQ(r.policy(), "challenge-scripted-logins");
  EXPECT_DOUBLE_EQ(r.detectors(0).score(), 0.9);
  EXPECT_NEAR(r.risk_score(), 0.72, 1e-9);  // noisy-or of 0.8 * 0.9

  Event reset = login;
  reset.set_type(riskd::v1::EVENT_TYPE_PASSWORD_RESET_REQUESTED);
  AuthenticateResponse by_threshold = Decide(reset);
  EXPECT_EQ(by_threshold.policy(), "thresholds.default");
  EXPECT_EQ(by_threshold.verdict(), riskd::v1::VERDICT_CHALLENGE);  // 0.72 >= 0.6
  EXPECT_NE(by_threshold.reason().find("top detector example scored 0.90 (scripted_client)"),
            std::string::npos)
      << by_threshold.reason();
}

TEST_F(DecisionTest, ThresholdsDecidePerEventType) {
  ASSERT_NE(riskd_, nullptr);
  auto scored = [](double score, riskd::v1::EventType type) {
    Event e = WithProperty(BrowserLogin(), "fixture_score", absl::StrCat(score));
    e.set_type(type);
    return e;
  };
  EXPECT_EQ(Decide(scored(0.59, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED)).verdict(),
            riskd::v1::VERDICT_ALLOW);
  EXPECT_EQ(Decide(scored(0.61, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED)).verdict(),
            riskd::v1::VERDICT_CHALLENGE);
  EXPECT_EQ(Decide(scored(0.95, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED)).verdict(),
            riskd::v1::VERDICT_DENY);
  AuthenticateResponse registration = Decide(scored(0.65, riskd::v1::EVENT_TYPE_REGISTRATION));
  EXPECT_EQ(registration.verdict(), riskd::v1::VERDICT_ALLOW);
  EXPECT_EQ(registration.policy(), "thresholds.registration");
  EXPECT_EQ(Decide(scored(0.95, riskd::v1::EVENT_TYPE_REGISTRATION)).verdict(),
            riskd::v1::VERDICT_DENY)
      << "deny_at is inherited from the default";
}

TEST_F(DecisionTest, ListPoliciesMatchUsersAndEmailDomains) {
  ASSERT_NE(riskd_, nullptr);
  EXPECT_EQ(Decide(BrowserLogin("mallory")).policy(), "deny-listed-users");
  Event partner = BrowserLogin("bob");
  partner.mutable_user()->set_email("Bob@Sub.Partner.Example");
  AuthenticateResponse r = Decide(partner);
  EXPECT_EQ(r.policy(), "challenge-partner-domains");
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_CHALLENGE);
}

TEST_F(DecisionTest, FailingDetectorIsReportedAndLeftOutWhenFailOpen) {
  ASSERT_NE(riskd_, nullptr);
  Event event = WithProperty(BrowserLogin(), "fixture_throw", "feature store unavailable");
  AuthenticateResponse r = Decide(event);
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW);
  EXPECT_EQ(r.detectors(1).error(), "feature store unavailable");
  EXPECT_EQ(r.detectors(1).score(), 0.0);
  ASSERT_EQ(r.signals_size(), 1);
  EXPECT_EQ(r.signals(0).name(), "detector_failed");
  EXPECT_EQ(r.signals(0).detector(), "fixture");
}

TEST_F(DecisionTest, TrackRecordsAnEventWithoutAVerdict) {
  ASSERT_NE(riskd_, nullptr);
  Event event = BrowserLogin();
  event.set_type(riskd::v1::EVENT_TYPE_PASSWORD_RESET_SUCCEEDED);
  event.set_request_id("track-1");
  riskd::v1::TrackResponse response;
  grpc::Status status = Track(*riskd_, event, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.request_id(), "track-1");
  EXPECT_EQ(response.device_id().rfind("dev_", 0), 0u);
}

TEST_F(DecisionTest, EachDecisionIsLoggedAsOneStructuredLineAtDebug) {
  ASSERT_NE(riskd_, nullptr);
  Event event = WithProperty(BrowserLogin(), "fixture_signal", "fixture_alert");
  event.set_request_id("logged-1");
  Decide(event);
  ASSERT_TRUE(riskd_->WaitForLog("request_id=logged-1"));
  std::string log = riskd_->Log();
  std::string line = log.substr(log.find("msg=decision rpc=Authenticate request_id=logged-1"));
  line = line.substr(0, line.find('\n'));
  EXPECT_NE(line.find("verdict=deny"), std::string::npos) << line;
  EXPECT_NE(line.find("policy=deny-fixture-alert"), std::string::npos) << line;
  EXPECT_NE(line.find("signals=fixture_alert"), std::string::npos) << line;
  EXPECT_NE(line.find("user=alice"), std::string::npos) << line;
}

// One-off configurations.
std::unique_ptr<RiskdProcess> StartWith(const std::string& yaml) {
  return RiskdProcess::Start(WriteConfig(MakeTempDir(), yaml));
}

TEST(DecisionModesTest, MonitorModeReportsTheWouldBeVerdict) {
  auto riskd = StartWith(R"(
mode: monitor
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: x, score: 0.95}
)");
  ASSERT_NE(riskd, nullptr);
  AuthenticateResponse r;
  ASSERT_TRUE(Authenticate(*riskd, BrowserLogin(), &r).ok());
  EXPECT_TRUE(r.monitor_only());
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_DENY);
  EXPECT_NEAR(r.risk_score(), 0.95, 1e-9);
}

TEST(DecisionModesTest, FailClosedCountsAFailingDetectorAsMaximumRisk) {
  auto riskd = StartWith(R"(
on_detector_error: closed
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: x, throw_message: "model not loaded"}
)");
  ASSERT_NE(riskd, nullptr);
  AuthenticateResponse r;
  ASSERT_TRUE(Authenticate(*riskd, BrowserLogin(), &r).ok());
  EXPECT_EQ(r.detectors(0).error(), "model not loaded");
  EXPECT_DOUBLE_EQ(r.risk_score(), 1.0);
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_DENY);
}

TEST(DecisionModesTest, DetectorOverItsTimeBudgetIsSkippedAndReported) {
  auto riskd = StartWith(R"(
detectors:
  - name: slow
    plugin: @TEST_PLUGINS@/riskd-fixture.so
    timeout_ms: 5
    settings: {required_label: x, score: 1.0, sleep_ms: 60, signals: [fixture_alert]}
  - name: quick
    plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: y, score: 0.3}
)");
  ASSERT_NE(riskd, nullptr);
  AuthenticateResponse r;
  ASSERT_TRUE(Authenticate(*riskd, BrowserLogin(), &r).ok());
  ASSERT_EQ(r.detectors_size(), 2);
  EXPECT_EQ(r.detectors(0).name(), "slow");
  EXPECT_EQ(r.detectors(0).error().rfind("timed out: took ", 0), 0u) << r.detectors(0).error();
  EXPECT_NE(r.detectors(0).error().find("budget 5 ms"), std::string::npos);
  EXPECT_GE(r.detectors(0).duration_us(), 60000);
  EXPECT_NEAR(r.risk_score(), 0.3, 1e-9) << "only the quick detector counts";
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW);
  ASSERT_EQ(r.signals_size(), 1) << "the late detector's own signals are discarded";
  EXPECT_EQ(r.signals(0).name(), "detector_failed");
}

TEST(DecisionModesTest, CombinersTurnWeightedScoresIntoOneRisk) {
  const std::string detectors = R"(
detectors:
  - {name: a, plugin: @TEST_PLUGINS@/riskd-fixture.so, weight: 1.0, settings: {required_label: a, score: 0.5}}
  - {name: b, plugin: @TEST_PLUGINS@/riskd-fixture.so, weight: 0.5, settings: {required_label: b, score: 0.8}}
thresholds: {default: {challenge_at: 0.99, deny_at: 1.0}}
)";
  struct Case {
    const char* combiner;
    double expected;
  } cases[] = {{"noisy_or", 1 - 0.5 * 0.6}, {"weighted_mean", 0.9 / 1.5}, {"max", 0.5}};
  for (const Case& c : cases) {
    auto riskd = StartWith(absl::StrCat("combiner: ", c.combiner, "\n", detectors));
    ASSERT_NE(riskd, nullptr);
    AuthenticateResponse r;
    ASSERT_TRUE(Authenticate(*riskd, BrowserLogin(), &r).ok());
    EXPECT_NEAR(r.risk_score(), c.expected, 1e-9) << c.combiner;
  }
}

TEST(DecisionModesTest, ClientIpComesFromXForwardedForOnlyThroughTrustedProxies) {
  auto riskd = StartWith(R"(
trusted_proxies: [10.0.0.0/8]
policies:
  - name: deny-bad-network
    when: {ips: [203.0.113.0/24]}
    then: deny
)");
  ASSERT_NE(riskd, nullptr);
  auto via = [](const std::string& peer, const std::string& forwarded) {
    Event e = BrowserLogin("alice", peer);
    (*e.mutable_context()->mutable_headers())["X-Forwarded-For"] = forwarded;
    return e;
  };
  AuthenticateResponse r;
  ASSERT_TRUE(Authenticate(*riskd, via("10.1.2.3", "203.0.113.9, 10.0.0.5"), &r).ok());
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_DENY);
  EXPECT_EQ(r.reason(), "policy deny-bad-network matched: ip 203.0.113.9 in 203.0.113.0/24");
  // An untrusted peer cannot choose its address by sending the header.
  ASSERT_TRUE(Authenticate(*riskd, via("198.51.100.1", "203.0.113.9"), &r).ok());
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW);
}

}  // namespace
}  // namespace riskd::testing
