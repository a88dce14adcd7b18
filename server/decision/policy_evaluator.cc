#include "server/decision/policy_evaluator.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/common/event_types.h"

namespace riskd {
namespace {

// The detector that raised `signal`, or "" when none did.
std::string RaisedBy(const std::vector<DetectorOutcome>& detectors, absl::string_view signal) {
  for (const DetectorOutcome& d : detectors) {
    if (signal == kDetectorFailedSignal && !d.run.error.empty()) return d.name;
    for (const RaisedSignal& s : d.run.signals) {
      if (s.name == signal) return d.name;
    }
  }
  return "";
}

bool DomainMatches(absl::string_view domain, absl::string_view listed) {
  return domain == listed || (absl::EndsWith(domain, listed) && domain.size() > listed.size() &&
                              domain[domain.size() - listed.size() - 1] == '.');
}

std::string Score(double s) { return absl::StrFormat("%.2f", s); }

}  // namespace

std::optional<std::string> PolicyEvaluator::Match(
    const PolicyConfig& p, const NormalizedEvent& event, double risk_score,
    const std::vector<DetectorOutcome>& detectors) const {
  std::vector<std::string> because;
  if (!p.event_types.empty()) {
    if (std::find(p.event_types.begin(), p.event_types.end(), event.type) == p.event_types.end()) {
      return std::nullopt;
    }
  }
  if (p.score_at_least) {
    if (risk_score < *p.score_at_least) return std::nullopt;
    because.push_back(absl::StrCat("risk ", Score(risk_score), " >= ", Score(*p.score_at_least)));
  }
  if (p.score_below) {
    if (risk_score >= *p.score_below) return std::nullopt;
    because.push_back(absl::StrCat("risk ", Score(risk_score), " < ", Score(*p.score_below)));
  }
  if (!p.signals_any.empty()) {
    std::string hit;
    for (const std::string& signal : p.signals_any) {
      std::string detector = RaisedBy(detectors, signal);
      if (!detector.empty()) {
        hit = absl::StrCat("signal ", signal, " from ", detector);
        break;
      }
    }
    if (hit.empty()) return std::nullopt;
    because.push_back(hit);
  }
  for (const std::string& signal : p.signals_all) {
    std::string detector = RaisedBy(detectors, signal);
    if (detector.empty()) return std::nullopt;
    because.push_back(absl::StrCat("signal ", signal, " from ", detector));
  }
  if (!p.ips.empty()) {
    if (!event.ip) return std::nullopt;
    auto range = std::find_if(p.ips.begin(), p.ips.end(),
                              [&](const CidrRange& r) { return r.Contains(*event.ip); });
    if (range == p.ips.end()) return std::nullopt;
    because.push_back(absl::StrCat("ip ", event.ip->ToString(), " in ", range->ToString()));
  }
  if (!p.user_ids.empty()) {
    if (!p.user_ids.contains(event.user_id)) return std::nullopt;
    because.push_back(absl::StrCat("user ", event.user_id));
  }
  if (!p.email_domains.empty()) {
    auto listed =
        std::find_if(p.email_domains.begin(), p.email_domains.end(),
                     [&](const std::string& d) { return DomainMatches(event.email_domain, d); });
    if (event.email_domain.empty() || listed == p.email_domains.end()) return std::nullopt;
    because.push_back(absl::StrCat("email domain ", event.email_domain));
  }
  if (because.empty()) because.push_back(EventTypeName(event.type));
  return absl::StrJoin(because, ", ");
}

PolicyOutcome PolicyEvaluator::ByThresholds(const NormalizedEvent& event, double risk_score,
                                            const std::vector<DetectorOutcome>& detectors) const {
  const Thresholds& t = config_.ThresholdsFor(event.type);
  PolicyOutcome out;
  out.policy = t.name;
  double threshold = t.challenge_at;
  if (risk_score >= t.deny_at) {
    out.verdict = riskd::v1::VERDICT_DENY;
    threshold = t.deny_at;
  } else if (risk_score >= t.challenge_at) {
    out.verdict = riskd::v1::VERDICT_CHALLENGE;
  }
  if (out.verdict == riskd::v1::VERDICT_ALLOW) {
    out.reason = absl::StrCat("risk ", Score(risk_score), " is below the challenge threshold ",
                              Score(t.challenge_at), " (", t.name, ")");
    return out;
  }
  // Name the detector that contributed most, and its signals.
  const DetectorOutcome* top = nullptr;
  for (const DetectorOutcome& d : detectors) {
    if (d.counted && (!top || d.weight * d.counted_score > top->weight * top->counted_score)) {
      top = &d;
    }
  }
  out.reason = absl::StrCat("risk ", Score(risk_score), " reached the ", VerdictName(out.verdict),
                            " threshold ", Score(threshold), " (", t.name, ")");
  if (top) {
    std::vector<std::string> names;
    for (const RaisedSignal& s : top->run.signals) names.push_back(s.name);
    if (!top->run.error.empty()) names.push_back(kDetectorFailedSignal);
    absl::StrAppend(&out.reason, "; top detector ", top->name, " scored ",
                    Score(top->counted_score));
    if (!names.empty()) absl::StrAppend(&out.reason, " (", absl::StrJoin(names, ", "), ")");
  }
  return out;
}

PolicyOutcome PolicyEvaluator::Decide(const NormalizedEvent& event, double risk_score,
                                      const std::vector<DetectorOutcome>& detectors) const {
  for (const PolicyConfig& policy : config_.policies) {
    if (std::optional<std::string> why = Match(policy, event, risk_score, detectors)) {
      return {policy.then, policy.name, absl::StrCat("policy ", policy.name, " matched: ", *why)};
    }
  }
  return ByThresholds(event, risk_score, detectors);
}

}  // namespace riskd
