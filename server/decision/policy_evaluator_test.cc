#include "server/decision/policy_evaluator.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/common/ip_address.h"
#include "server/common/ip_address_testing.h"
#include "server/config/config.h"
#include "server/decision/decision.h"
#include "server/event/normalized_event.h"

namespace riskd {
namespace {

using ::riskd::v1::EVENT_TYPE_LOGIN_FAILED;
using ::riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED;
using ::riskd::v1::EVENT_TYPE_REGISTRATION;
using ::riskd::v1::EVENT_TYPE_TRANSACTION;
using ::riskd::v1::VERDICT_ALLOW;
using ::riskd::v1::VERDICT_CHALLENGE;
using ::riskd::v1::VERDICT_DENY;

NormalizedEvent Login() {
  NormalizedEvent event;
  event.type = EVENT_TYPE_LOGIN_SUCCEEDED;
  event.user_id = "u1";
  return event;
}

DetectorOutcome Detector(std::string name, double score, std::vector<std::string> signals = {},
                         double weight = 1.0) {
  DetectorOutcome d;
  d.name = std::move(name);
  d.weight = weight;
  d.run.score = score;
  for (std::string& s : signals) d.run.signals.push_back({std::move(s), ""});
  d.counted = true;
  d.counted_score = score;
  return d;
}

DetectorOutcome FailedDetector(std::string name) {
  DetectorOutcome d;
  d.name = std::move(name);
  d.weight = 1.0;
  d.run.error = "timed out after 20ms";
  d.counted = false;
  return d;
}

PolicyConfig Policy(std::string name, riskd::v1::Verdict then) {
  PolicyConfig p;
  p.name = std::move(name);
  p.then = then;
  return p;
}

using ::riskd::testing::Cidr;
using ::riskd::testing::Ip;

// A config with only default thresholds (challenge 0.6, deny 0.9).
Config BaseConfig() { return Config{}; }

// Whether `policy` alone matches `event`.
bool Matches(const PolicyConfig& policy, const NormalizedEvent& event, double risk,
             const std::vector<DetectorOutcome>& detectors = {}) {
  Config config = BaseConfig();
  config.policies.push_back(policy);
  PolicyOutcome out = PolicyEvaluator(config).Decide(event, risk, detectors);
  return out.policy == policy.name;
}

// --- Policy order --------------------------------------------------------

TEST(PolicyEvaluatorTest, FirstMatchingPolicyWins) {
  Config config = BaseConfig();
  PolicyConfig never = Policy("never", VERDICT_DENY);
  never.user_ids = {"somebody-else"};
  PolicyConfig first = Policy("first", VERDICT_CHALLENGE);
  first.score_at_least = 0.1;
  PolicyConfig second = Policy("second", VERDICT_DENY);
  second.score_at_least = 0.1;
  config.policies = {never, first, second};

  PolicyOutcome out = PolicyEvaluator(config).Decide(Login(), 0.5, {});
  EXPECT_EQ(out.policy, "first");
  EXPECT_EQ(out.verdict, VERDICT_CHALLENGE);
  EXPECT_EQ(out.reason, "policy first matched: risk 0.50 >= 0.10");
}

TEST(PolicyEvaluatorTest, PolicyOverridesThresholds) {
  // A score far above deny_at is still allowed by an allow policy.
  Config config = BaseConfig();
  PolicyConfig allowlist = Policy("office", VERDICT_ALLOW);
  allowlist.user_ids = {"u1"};
  config.policies = {allowlist};

  PolicyOutcome out = PolicyEvaluator(config).Decide(Login(), 0.99, {});
  EXPECT_EQ(out.verdict, VERDICT_ALLOW);
  EXPECT_EQ(out.policy, "office");
}

TEST(PolicyEvaluatorTest, AllConditionsOfAPolicyMustHold) {
  PolicyConfig p = Policy("both", VERDICT_DENY);
  p.event_types = {EVENT_TYPE_LOGIN_SUCCEEDED};
  p.score_at_least = 0.5;
  NormalizedEvent login = Login();
  EXPECT_TRUE(Matches(p, login, 0.5));
  EXPECT_FALSE(Matches(p, login, 0.4));
  NormalizedEvent failed = Login();
  failed.type = EVENT_TYPE_LOGIN_FAILED;
  EXPECT_FALSE(Matches(p, failed, 0.9));
}

TEST(PolicyEvaluatorTest, PolicyWithoutConditionsMatchesEverything) {
  PolicyConfig p = Policy("catch_all", VERDICT_CHALLENGE);
  EXPECT_TRUE(Matches(p, Login(), 0.0));
}

// --- Conditions ----------------------------------------------------------

TEST(PolicyEvaluatorTest, EventTypesCondition) {
  PolicyConfig p = Policy("money", VERDICT_CHALLENGE);
  p.event_types = {EVENT_TYPE_TRANSACTION, EVENT_TYPE_REGISTRATION};
  NormalizedEvent event = Login();
  EXPECT_FALSE(Matches(p, event, 0.0));
  event.type = EVENT_TYPE_TRANSACTION;
  EXPECT_TRUE(Matches(p, event, 0.0));
  event.type = EVENT_TYPE_REGISTRATION;
  EXPECT_TRUE(Matches(p, event, 0.0));
}

TEST(PolicyEvaluatorTest, EventTypesOnlyPolicyReasonNamesTheType) {
  Config config = BaseConfig();
  PolicyConfig p = Policy("money", VERDICT_CHALLENGE);
  p.event_types = {EVENT_TYPE_TRANSACTION};
  config.policies = {p};
  NormalizedEvent event = Login();
  event.type = EVENT_TYPE_TRANSACTION;
  PolicyOutcome out = PolicyEvaluator(config).Decide(event, 0.0, {});
  EXPECT_EQ(out.reason, "policy money matched: transaction");
}

TEST(PolicyEvaluatorTest, ScoreAtLeastIsInclusive) {
  PolicyConfig p = Policy("high", VERDICT_DENY);
  p.score_at_least = 0.7;
  EXPECT_TRUE(Matches(p, Login(), 0.7));
  EXPECT_TRUE(Matches(p, Login(), 0.95));
  EXPECT_FALSE(Matches(p, Login(), 0.69));
}

TEST(PolicyEvaluatorTest, ScoreBelowIsExclusive) {
  PolicyConfig p = Policy("low", VERDICT_ALLOW);
  p.score_below = 0.3;
  EXPECT_TRUE(Matches(p, Login(), 0.29));
  EXPECT_TRUE(Matches(p, Login(), 0.0));
  EXPECT_FALSE(Matches(p, Login(), 0.3));
}

TEST(PolicyEvaluatorTest, ScoreWindowCombinesBothBounds) {
  PolicyConfig p = Policy("middle", VERDICT_CHALLENGE);
  p.score_at_least = 0.3;
  p.score_below = 0.6;
  EXPECT_FALSE(Matches(p, Login(), 0.29));
  EXPECT_TRUE(Matches(p, Login(), 0.3));
  EXPECT_TRUE(Matches(p, Login(), 0.59));
  EXPECT_FALSE(Matches(p, Login(), 0.6));
}

TEST(PolicyEvaluatorTest, SignalsAnyNeedsOneOfTheSignals) {
  PolicyConfig p = Policy("anonymizer", VERDICT_DENY);
  p.signals_any = {"tor_exit", "vpn"};
  std::vector<DetectorOutcome> none = {Detector("geo", 0.1, {"new_country"})};
  std::vector<DetectorOutcome> tor = {Detector("geo", 0.1, {"new_country"}),
                                      Detector("ip_rep", 0.8, {"tor_exit"})};
  std::vector<DetectorOutcome> vpn = {Detector("ip_rep", 0.5, {"vpn"})};
  EXPECT_FALSE(Matches(p, Login(), 0.1, none));
  EXPECT_TRUE(Matches(p, Login(), 0.1, tor));
  EXPECT_TRUE(Matches(p, Login(), 0.1, vpn));
  EXPECT_FALSE(Matches(p, Login(), 0.1, {}));
}

TEST(PolicyEvaluatorTest, SignalsAnyReasonNamesSignalAndDetector) {
  Config config = BaseConfig();
  PolicyConfig p = Policy("anonymizer", VERDICT_DENY);
  p.signals_any = {"tor_exit"};
  config.policies = {p};
  PolicyOutcome out =
      PolicyEvaluator(config).Decide(Login(), 0.2, {Detector("ip_rep", 0.8, {"tor_exit"})});
  EXPECT_EQ(out.verdict, VERDICT_DENY);
  EXPECT_EQ(out.reason, "policy anonymizer matched: signal tor_exit from ip_rep");
}

TEST(PolicyEvaluatorTest, SignalsAllNeedsEverySignal) {
  PolicyConfig p = Policy("takeover", VERDICT_DENY);
  p.signals_all = {"new_device", "impossible_travel"};
  std::vector<DetectorOutcome> one = {Detector("device", 0.5, {"new_device"})};
  std::vector<DetectorOutcome> both_split = {Detector("device", 0.5, {"new_device"}),
                                             Detector("geo", 0.9, {"impossible_travel"})};
  std::vector<DetectorOutcome> both_one_detector = {
      Detector("combo", 0.9, {"impossible_travel", "new_device"})};
  EXPECT_FALSE(Matches(p, Login(), 0.5, one));
  EXPECT_TRUE(Matches(p, Login(), 0.5, both_split));
  EXPECT_TRUE(Matches(p, Login(), 0.5, both_one_detector));
}

TEST(PolicyEvaluatorTest, DetectorFailedSignalMatchesADetectorWithAnError) {
  PolicyConfig p = Policy("fail_safe", VERDICT_CHALLENGE);
  p.signals_any = {std::string(kDetectorFailedSignal)};
  std::vector<DetectorOutcome> healthy = {Detector("geo", 0.1)};
  std::vector<DetectorOutcome> failed = {Detector("geo", 0.1), FailedDetector("ip_rep")};
  EXPECT_FALSE(Matches(p, Login(), 0.1, healthy));
  EXPECT_TRUE(Matches(p, Login(), 0.1, failed));

  Config config = BaseConfig();
  config.policies = {p};
  PolicyOutcome out = PolicyEvaluator(config).Decide(Login(), 0.1, failed);
  EXPECT_EQ(out.reason, "policy fail_safe matched: signal detector_failed from ip_rep");
}

TEST(PolicyEvaluatorTest, IpsCondition) {
  PolicyConfig p = Policy("office", VERDICT_ALLOW);
  p.ips = {Cidr("192.0.2.0/24"), Cidr("2001:db8::/32")};
  NormalizedEvent event = Login();
  EXPECT_FALSE(Matches(p, event, 0.5)) << "no ip at all";
  event.ip = Ip("198.51.100.1");
  EXPECT_FALSE(Matches(p, event, 0.5));
  event.ip = Ip("192.0.2.77");
  EXPECT_TRUE(Matches(p, event, 0.5));
  event.ip = Ip("2001:db8:1::5");
  EXPECT_TRUE(Matches(p, event, 0.5));
}

TEST(PolicyEvaluatorTest, IpsReasonNamesAddressAndRange) {
  Config config = BaseConfig();
  PolicyConfig p = Policy("office", VERDICT_ALLOW);
  p.ips = {Cidr("192.0.2.0/24")};
  config.policies = {p};
  NormalizedEvent event = Login();
  event.ip = Ip("192.0.2.77");
  PolicyOutcome out = PolicyEvaluator(config).Decide(event, 0.5, {});
  EXPECT_EQ(out.reason, "policy office matched: ip 192.0.2.77 in 192.0.2.0/24");
}

TEST(PolicyEvaluatorTest, UserIdsCondition) {
  PolicyConfig p = Policy("vip", VERDICT_CHALLENGE);
  p.user_ids = {"alice", "bob"};
  NormalizedEvent event = Login();
  event.user_id = "carol";
  EXPECT_FALSE(Matches(p, event, 0.0));
  event.user_id = "bob";
  EXPECT_TRUE(Matches(p, event, 0.0));
  event.user_id = "";
  EXPECT_FALSE(Matches(p, event, 0.0));
}

TEST(PolicyEvaluatorTest, EmailDomainsMatchExactly) {
  PolicyConfig p = Policy("staff", VERDICT_ALLOW);
  p.email_domains = {"example.com"};
  NormalizedEvent event = Login();
  event.email = "a@example.com";
  event.email_domain = "example.com";
  EXPECT_TRUE(Matches(p, event, 0.5));
}

TEST(PolicyEvaluatorTest, EmailDomainsMatchSubdomains) {
  PolicyConfig p = Policy("staff", VERDICT_ALLOW);
  p.email_domains = {"example.com"};
  NormalizedEvent event = Login();
  event.email_domain = "mail.example.com";
  EXPECT_TRUE(Matches(p, event, 0.5));
  event.email_domain = "a.b.example.com";
  EXPECT_TRUE(Matches(p, event, 0.5));
}

TEST(PolicyEvaluatorTest, EmailDomainsDoNotMatchSuffixWithoutDot) {
  PolicyConfig p = Policy("staff", VERDICT_ALLOW);
  p.email_domains = {"example.com"};
  NormalizedEvent event = Login();
  event.email_domain = "badexample.com";
  EXPECT_FALSE(Matches(p, event, 0.5));
  event.email_domain = "example.com.evil.net";
  EXPECT_FALSE(Matches(p, event, 0.5));
  event.email_domain = "com";
  EXPECT_FALSE(Matches(p, event, 0.5));
}

TEST(PolicyEvaluatorTest, EmailDomainsNeverMatchAnEventWithoutEmail) {
  PolicyConfig p = Policy("staff", VERDICT_ALLOW);
  p.email_domains = {"example.com"};
  EXPECT_FALSE(Matches(p, Login(), 0.5));
}

// --- Thresholds ----------------------------------------------------------

TEST(PolicyEvaluatorTest, NoMatchingPolicyFallsBackToDefaultThresholds) {
  Config config = BaseConfig();
  PolicyConfig p = Policy("vip", VERDICT_DENY);
  p.user_ids = {"nobody"};
  config.policies = {p};
  PolicyEvaluator evaluator(config);

  PolicyOutcome allow = evaluator.Decide(Login(), 0.1, {});
  EXPECT_EQ(allow.verdict, VERDICT_ALLOW);
  EXPECT_EQ(allow.policy, "thresholds.default");
  EXPECT_EQ(allow.reason, "risk 0.10 is below the challenge threshold 0.60 (thresholds.default)");

  EXPECT_EQ(evaluator.Decide(Login(), 0.7, {}).verdict, VERDICT_CHALLENGE);
  EXPECT_EQ(evaluator.Decide(Login(), 0.95, {}).verdict, VERDICT_DENY);
}

TEST(PolicyEvaluatorTest, PerEventTypeThresholdsApplyToTheirTypeOnly) {
  Config config = BaseConfig();
  config.thresholds_by_type[EVENT_TYPE_TRANSACTION] = {
      .challenge_at = 0.2, .deny_at = 0.5, .name = "thresholds.transaction"};
  PolicyEvaluator evaluator(config);

  NormalizedEvent transaction = Login();
  transaction.type = EVENT_TYPE_TRANSACTION;
  PolicyOutcome out = evaluator.Decide(transaction, 0.3, {});
  EXPECT_EQ(out.verdict, VERDICT_CHALLENGE);
  EXPECT_EQ(out.policy, "thresholds.transaction");

  PolicyOutcome login = evaluator.Decide(Login(), 0.3, {});
  EXPECT_EQ(login.verdict, VERDICT_ALLOW);
  EXPECT_EQ(login.policy, "thresholds.default");
}

TEST(PolicyEvaluatorTest, ScoreExactlyAtChallengeThresholdChallenges) {
  Config config = BaseConfig();
  config.default_thresholds.challenge_at = 0.5;
  config.default_thresholds.deny_at = 0.8;
  PolicyEvaluator evaluator(config);
  EXPECT_EQ(evaluator.Decide(Login(), 0.5, {}).verdict, VERDICT_CHALLENGE);
  EXPECT_EQ(evaluator.Decide(Login(), 0.4999, {}).verdict, VERDICT_ALLOW);
}

TEST(PolicyEvaluatorTest, ScoreExactlyAtDenyThresholdDenies) {
  Config config = BaseConfig();
  config.default_thresholds.challenge_at = 0.5;
  config.default_thresholds.deny_at = 0.8;
  PolicyEvaluator evaluator(config);
  EXPECT_EQ(evaluator.Decide(Login(), 0.8, {}).verdict, VERDICT_DENY);
  EXPECT_EQ(evaluator.Decide(Login(), 0.7999, {}).verdict, VERDICT_CHALLENGE);
}

TEST(PolicyEvaluatorTest, EqualThresholdsSkipChallenge) {
  Config config = BaseConfig();
  config.default_thresholds.challenge_at = 0.7;
  config.default_thresholds.deny_at = 0.7;
  PolicyEvaluator evaluator(config);
  EXPECT_EQ(evaluator.Decide(Login(), 0.7, {}).verdict, VERDICT_DENY);
  EXPECT_EQ(evaluator.Decide(Login(), 0.69, {}).verdict, VERDICT_ALLOW);
}

TEST(PolicyEvaluatorTest, ThresholdReasonNamesTheTopDetectorAndItsSignals) {
  Config config = BaseConfig();
  PolicyEvaluator evaluator(config);
  std::vector<DetectorOutcome> detectors = {
      Detector("geo", 0.5, {"new_country"}, 1.0),
      Detector("ip_rep", 0.9, {"tor_exit", "datacenter"}, 1.0),
      Detector("heavy_but_low", 0.3, {}, 1.0)};
  PolicyOutcome out = evaluator.Decide(Login(), 0.95, detectors);
  EXPECT_EQ(out.verdict, VERDICT_DENY);
  EXPECT_EQ(out.policy, "thresholds.default");
  EXPECT_EQ(out.reason,
            "risk 0.95 reached the deny threshold 0.90 (thresholds.default); "
            "top detector ip_rep scored 0.90 (tor_exit, datacenter)");
}

TEST(PolicyEvaluatorTest, TopDetectorIsChosenByWeightedScore) {
  Config config = BaseConfig();
  PolicyEvaluator evaluator(config);
  // 0.9 * 0.5 = 0.45 < 0.7 * 1.0 = 0.7
  std::vector<DetectorOutcome> detectors = {Detector("light", 0.9, {}, 0.5),
                                            Detector("heavy", 0.7, {}, 1.0)};
  PolicyOutcome out = evaluator.Decide(Login(), 0.7, detectors);
  EXPECT_EQ(out.verdict, VERDICT_CHALLENGE);
  EXPECT_EQ(out.reason,
            "risk 0.70 reached the challenge threshold 0.60 (thresholds.default); "
            "top detector heavy scored 0.70");
}

TEST(PolicyEvaluatorTest, UncountedDetectorIsNeverTheTopDetector) {
  Config config = BaseConfig();
  PolicyEvaluator evaluator(config);
  DetectorOutcome ignored = Detector("ignored", 1.0, {"big"});
  ignored.counted = false;
  std::vector<DetectorOutcome> detectors = {ignored, Detector("geo", 0.6, {"new_country"})};
  PolicyOutcome out = evaluator.Decide(Login(), 0.6, detectors);
  EXPECT_NE(out.reason.find("top detector geo"), std::string::npos) << out.reason;
  EXPECT_EQ(out.reason.find("ignored"), std::string::npos) << out.reason;
}

TEST(PolicyEvaluatorTest, FailClosedDetectorNamedWithDetectorFailedSignal) {
  Config config = BaseConfig();
  PolicyEvaluator evaluator(config);
  DetectorOutcome failed = FailedDetector("ip_rep");
  failed.counted = true;  // fail-closed counts it as 1
  failed.counted_score = 1.0;
  PolicyOutcome out = evaluator.Decide(Login(), 1.0, {Detector("geo", 0.2), failed});
  EXPECT_EQ(out.verdict, VERDICT_DENY);
  EXPECT_EQ(out.reason,
            "risk 1.00 reached the deny threshold 0.90 (thresholds.default); "
            "top detector ip_rep scored 1.00 (detector_failed)");
}

}  // namespace
}  // namespace riskd
