#include "global_sketch.h"

#include <algorithm>

#include "stable_hash.h"

namespace riskd_peer_profile {
namespace {

constexpr char kFeatureLetters[kFeatureCount + 1] = "caiobud";

}  // namespace

std::string GlobalSketch::TotalKey(const Window& w) const { return "g:" + w.Name() + ":n"; }

std::string GlobalSketch::CellKey(const Window& w, Feature feature, int row, uint64_t hash) const {
  // Each row hashes the value with its own seed: independent buckets.
  const uint64_t bucket = Mix64(hash ^ (0x9e3779b97f4a7c15ULL * (row + 1))) % width_;
  std::string key = "g:" + w.Name() + ":";
  key += kFeatureLetters[feature];
  key += std::to_string(row);
  key += ':';
  key += std::to_string(bucket);
  return key;
}

void GlobalSketch::AppendKeys(const LoginFeatures& login, int64_t unix_ms,
                              std::vector<std::string>& keys) const {
  const Window w = windows_.ForRead(unix_ms);
  keys.push_back(TotalKey(w));
  for (int f = 0; f < kFeatureCount; ++f) {
    if (!login.present[f]) continue;
    for (int row = 0; row < depth_; ++row) {
      keys.push_back(CellKey(w, static_cast<Feature>(f), row, login.hash[f]));
    }
  }
}

GlobalCounts GlobalSketch::Read(const LoginFeatures& login, int64_t unix_ms,
                                StateReader& state) const {
  const Window w = windows_.ForRead(unix_ms);
  GlobalCounts counts;
  counts.logins = std::max<int64_t>(0, state.NextCounter(TotalKey(w)));
  for (int f = 0; f < kFeatureCount; ++f) {
    if (!login.present[f]) continue;
    int64_t smallest = INT64_MAX;
    for (int row = 0; row < depth_; ++row) {
      smallest = std::min(
          smallest, state.NextCounter(CellKey(w, static_cast<Feature>(f), row, login.hash[f])));
    }
    counts.values[f] = std::max<int64_t>(0, smallest);
  }
  return counts;
}

void GlobalSketch::Add(const LoginFeatures& login, const CountedWindows& before, int64_t unix_ms,
                       riskd::Result& result) const {
  for (const Window& w : windows_.NotCountedIn(before[kFeatureCount], unix_ms)) {
    result.AddToSharedCounter(TotalKey(w), 1, windows_.ttl_ms());
  }
  for (int f = 0; f < kFeatureCount; ++f) {
    if (!login.present[f]) continue;
    for (const Window& w : windows_.NotCountedIn(before[f], unix_ms)) {
      for (int row = 0; row < depth_; ++row) {
        result.AddToSharedCounter(CellKey(w, static_cast<Feature>(f), row, login.hash[f]), 1,
                                  windows_.ttl_ms());
      }
    }
  }
}

}  // namespace riskd_peer_profile
