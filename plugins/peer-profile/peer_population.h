// The peer comparison for young accounts: how this account's activity in its
// current hour compares with the completed active hours of other accounts of
// the same age. Population statistics (count, sum, sum of squares per metric)
// are counters per age bucket, in the two-series windows of windows.h.
//
// Keys, all of one bucket and window under one hash tag (one Redis slot):
//   {pp:<window>:<bucket>}:n   active hours counted
//   {pp:<window>:<bucket>}:s<metric>, :q<metric>   sum, sum of squares
// Reading takes 7 keys; adding one completed hour adds to 14 (both series).
#ifndef RISKD_PLUGINS_PEER_PROFILE_PEER_POPULATION_H_
#define RISKD_PLUGINS_PEER_PROFILE_PEER_POPULATION_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "riskd/detector.h"
#include "state_reader.h"
#include "windows.h"

namespace riskd_peer_profile {

enum Metric : int { kEventsPerHour, kDistinctIps, kFailureRatio, kMetricCount };

std::string_view MetricName(Metric metric);  // "events per hour", ...

using Activity = std::array<double, kMetricCount>;

// Age buckets double in length, by whole days since registration: 0: day 0,
// 1: days 1-2, 2: days 3-6, 3: days 7-14, 4: days 15-30, 5: days 31-62, ...
// (floor(log2(days + 1))).
int AgeBucket(int64_t age_ms);

struct PopulationStats {
  int64_t hours = 0;  // active hours counted
  Activity mean{};
  Activity sd{};  // at least the metric's floor (see MinSd)
};

// How far above the population a value is, in standard deviations.
struct Deviation {
  Metric metric = kEventsPerHour;
  double z = 0.0;
};

class PeerPopulation {
 public:
  explicit PeerPopulation(Windows windows) : windows_(windows) {}

  void AppendKeys(int bucket, int64_t unix_ms, std::vector<std::string>& keys) const;
  PopulationStats Read(int bucket, int64_t unix_ms, StateReader& state) const;
  // Adds one completed active hour of an account that was in `bucket`.
  void Add(int bucket, const Activity& activity, int64_t unix_ms, riskd::Result& result) const;

  // The metric furthest above the mean (z may be negative when none is above).
  static Deviation LargestDeviation(const Activity& activity, const PopulationStats& stats);
  // The smallest standard deviation used: a population that never varies
  // (every account 1 event per hour) would make any difference infinite.
  static double MinSd(Metric metric);

 private:
  std::string Key(const Window& w, int bucket, std::string_view field) const;
  Windows windows_;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_PEER_POPULATION_H_
