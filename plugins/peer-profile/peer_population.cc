#include "peer_population.h"

#include <algorithm>
#include <cmath>

namespace riskd_peer_profile {
namespace {

// Counters are integers: the failure ratio is kept in thousandths.
constexpr std::array<double, kMetricCount> kScale = {1.0, 1.0, 1000.0};
constexpr std::array<std::string_view, kMetricCount> kSumFields = {"s0", "s1", "s2"};
constexpr std::array<std::string_view, kMetricCount> kSquareFields = {"q0", "q1", "q2"};

}  // namespace

std::string_view MetricName(Metric metric) {
  static constexpr std::string_view kNames[kMetricCount] = {"events per hour", "distinct IPs",
                                                            "failure ratio"};
  return kNames[metric];
}

int AgeBucket(int64_t age_ms) {
  const int64_t days = std::max<int64_t>(0, age_ms / (24 * 3600 * 1000));
  int bucket = 0;
  while ((days + 1) >> (bucket + 1)) ++bucket;
  return bucket;
}

double PeerPopulation::MinSd(Metric metric) {
  static constexpr double kMin[kMetricCount] = {1.0, 1.0, 0.1};
  return kMin[metric];
}

std::string PeerPopulation::Key(const Window& w, int bucket, std::string_view field) const {
  std::string key = "{pp:" + w.Name() + ":" + std::to_string(bucket) + "}:";
  key += field;
  return key;
}

void PeerPopulation::AppendKeys(int bucket, int64_t unix_ms, std::vector<std::string>& keys) const {
  const Window w = windows_.ForRead(unix_ms);
  keys.push_back(Key(w, bucket, "n"));
  for (int m = 0; m < kMetricCount; ++m) {
    keys.push_back(Key(w, bucket, kSumFields[m]));
    keys.push_back(Key(w, bucket, kSquareFields[m]));
  }
}

PopulationStats PeerPopulation::Read(int bucket, int64_t unix_ms, StateReader& state) const {
  const Window w = windows_.ForRead(unix_ms);
  PopulationStats stats;
  stats.hours = std::max<int64_t>(0, state.NextCounter(Key(w, bucket, "n")));
  for (int m = 0; m < kMetricCount; ++m) {
    const double sum = static_cast<double>(state.NextCounter(Key(w, bucket, kSumFields[m])));
    const double squares = static_cast<double>(state.NextCounter(Key(w, bucket, kSquareFields[m])));
    const Metric metric = static_cast<Metric>(m);
    if (stats.hours == 0) {
      stats.sd[m] = MinSd(metric);
      continue;
    }
    const double n = static_cast<double>(stats.hours);
    const double mean = sum / n;
    const double variance = std::max(0.0, squares / n - mean * mean);
    stats.mean[m] = mean / kScale[m];
    stats.sd[m] = std::max(std::sqrt(variance) / kScale[m], MinSd(metric));
  }
  return stats;
}

void PeerPopulation::Add(int bucket, const Activity& activity, int64_t unix_ms,
                         riskd::Result& result) const {
  for (const Window& w : windows_.ForWrite(unix_ms)) {
    result.AddToSharedCounter(Key(w, bucket, "n"), 1, windows_.ttl_ms());
    for (int m = 0; m < kMetricCount; ++m) {
      const int64_t scaled = std::llround(activity[m] * kScale[m]);
      result.AddToSharedCounter(Key(w, bucket, kSumFields[m]), scaled, windows_.ttl_ms());
      result.AddToSharedCounter(Key(w, bucket, kSquareFields[m]), scaled * scaled,
                                windows_.ttl_ms());
    }
  }
}

Deviation PeerPopulation::LargestDeviation(const Activity& activity, const PopulationStats& stats) {
  Deviation largest{kEventsPerHour, -INFINITY};
  for (int m = 0; m < kMetricCount; ++m) {
    const double z = (activity[m] - stats.mean[m]) / stats.sd[m];
    if (z > largest.z) largest = {static_cast<Metric>(m), z};
  }
  return largest;
}

}  // namespace riskd_peer_profile
