// How many users use each feature value: a count-min sketch per feature,
// kept in riskd's state as counters, in the two-series windows of windows.h.
// A user counts once per value per window (the user's history remembers
// where it was counted), so a habitual login writes nothing here, and one
// busy user or one flood of logins cannot make a value common.
//
// Keys (no hash tag, so that they spread over every Redis Cluster slot):
//   g:<window>:n                       users counted in the window
//   g:<window>:<feature><row>:<bucket> one cell; <feature> is a letter
// Reading one login's estimates takes 1 + (features present x depth) keys;
// counting a user's value adds to depth keys per window it is new in.
#ifndef RISKD_PLUGINS_PEER_PROFILE_GLOBAL_SKETCH_H_
#define RISKD_PLUGINS_PEER_PROFILE_GLOBAL_SKETCH_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "login_features.h"
#include "riskd/detector.h"
#include "state_reader.h"
#include "user_history.h"
#include "windows.h"

namespace riskd_peer_profile {

struct GlobalCounts {
  int64_t logins = 0;                           // users counted in the window read
  std::array<int64_t, kFeatureCount> values{};  // each present value's estimate
};

class GlobalSketch {
 public:
  GlobalSketch(int width, int depth, Windows windows)
      : width_(width), depth_(depth), windows_(windows) {}

  // The keys to read for `login` at `unix_ms`, appended in the order Read
  // expects them.
  void AppendKeys(const LoginFeatures& login, int64_t unix_ms,
                  std::vector<std::string>& keys) const;
  // The estimates, from the keys AppendKeys named (next in `state`): each
  // value's count is the smallest of its cells (count-min).
  GlobalCounts Read(const LoginFeatures& login, int64_t unix_ms, StateReader& state) const;
  // Counts a user's succeeded login: each value, and the user in the total,
  // in the current windows it is not counted in yet according to `before`
  // (what UserHistory::Learn returned).
  void Add(const LoginFeatures& login, const CountedWindows& before, int64_t unix_ms,
           riskd::Result& result) const;

  int depth() const { return depth_; }
  uint32_t HalfWindow(int64_t unix_ms) const { return windows_.HalfWindow(unix_ms); }

 private:
  std::string TotalKey(const Window& w) const;
  std::string CellKey(const Window& w, Feature feature, int row, uint64_t hash) const;
  int width_;
  int depth_;
  Windows windows_;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_GLOBAL_SKETCH_H_
