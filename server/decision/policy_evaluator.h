// Step 4b of the decision path: ordered policies, then per-event-type
// thresholds, turn a risk score and signals into a verdict.
#ifndef RISKD_SERVER_DECISION_POLICY_EVALUATOR_H_
#define RISKD_SERVER_DECISION_POLICY_EVALUATOR_H_

#include <string>
#include <vector>

#include "riskd/v1/riskd.pb.h"
#include "server/config/config.h"
#include "server/decision/decision.h"
#include "server/event/normalized_event.h"

namespace riskd {

struct PolicyOutcome {
  riskd::v1::Verdict verdict = riskd::v1::VERDICT_ALLOW;
  std::string policy;  // the policy's name, or the thresholds' name
  std::string reason;
};

class PolicyEvaluator {
 public:
  explicit PolicyEvaluator(const Config& config) : config_(config) {}

  // The first policy whose conditions all hold decides; when none does, the
  // thresholds for the event's type (or the default ones) do.
  PolicyOutcome Decide(const NormalizedEvent& event, double risk_score,
                       const std::vector<DetectorOutcome>& detectors) const;

 private:
  // Returns a description of why `policy` matched, or nullopt.
  std::optional<std::string> Match(const PolicyConfig& policy, const NormalizedEvent& event,
                                   double risk_score,
                                   const std::vector<DetectorOutcome>& detectors) const;
  PolicyOutcome ByThresholds(const NormalizedEvent& event, double risk_score,
                             const std::vector<DetectorOutcome>& detectors) const;

  const Config& config_;  // owned by the runtime that owns this evaluator
};

}  // namespace riskd

#endif  // RISKD_SERVER_DECISION_POLICY_EVALUATOR_H_
