#include "server/decision/combiner.h"

#include <algorithm>

namespace riskd {

double Combine(CombinerKind kind, std::span<const WeightedScore> scores) {
  switch (kind) {
    case CombinerKind::kNoisyOr: {
      double all_benign = 1.0;
      for (const WeightedScore& s : scores) all_benign *= 1.0 - s.weight * s.score;
      return std::clamp(1.0 - all_benign, 0.0, 1.0);
    }
    case CombinerKind::kWeightedMean: {
      double sum = 0.0, weights = 0.0;
      for (const WeightedScore& s : scores) {
        sum += s.weight * s.score;
        weights += s.weight;
      }
      return weights > 0.0 ? std::clamp(sum / weights, 0.0, 1.0) : 0.0;
    }
    case CombinerKind::kMax: {
      double best = 0.0;
      for (const WeightedScore& s : scores) best = std::max(best, s.weight * s.score);
      return best;
    }
  }
  return 0.0;
}

}  // namespace riskd
