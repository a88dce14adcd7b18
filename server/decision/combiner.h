// Turns weighted detector scores into one risk score in [0, 1].
#ifndef RISKD_SERVER_DECISION_COMBINER_H_
#define RISKD_SERVER_DECISION_COMBINER_H_

#include <span>

#include "server/config/config.h"

namespace riskd {

struct WeightedScore {
  double score;   // in [0, 1]
  double weight;  // in [0, 1]
};

// noisy_or:      1 - prod(1 - w*s)   independent evidence accumulates
// weighted_mean: sum(w*s) / sum(w)   a consensus; 0 when all weights are 0
// max:           max(w*s)            the strongest single piece of evidence
// No scores at all give 0.
double Combine(CombinerKind kind, std::span<const WeightedScore> scores);

}  // namespace riskd

#endif  // RISKD_SERVER_DECISION_COMBINER_H_
