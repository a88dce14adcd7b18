// The outcome of the decision path for one event.
#ifndef RISKD_SERVER_DECISION_DECISION_H_
#define RISKD_SERVER_DECISION_DECISION_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/plugin_host/detector_instance.h"

namespace riskd {

// The signal the host raises for a detector that failed or timed out, so
// that policies can act on it.
inline constexpr char kDetectorFailedSignal[] = "detector_failed";

struct DetectorOutcome {
  std::string name;
  double weight = 0.0;
  DetectorRun run;
  // Whether it took part in the score: false for a failure under fail-open.
  bool counted = false;
  // The score it was counted with (1 for a failure under fail-closed).
  double counted_score = 0.0;
};

struct Decision {
  riskd::v1::Verdict verdict = riskd::v1::VERDICT_ALLOW;
  double risk_score = 0.0;
  std::vector<DetectorOutcome> detectors;  // in config order
  std::string policy;                      // the rule that decided
  std::string reason;                      // one sentence
  bool monitor_only = false;
};

}  // namespace riskd

#endif  // RISKD_SERVER_DECISION_DECISION_H_
