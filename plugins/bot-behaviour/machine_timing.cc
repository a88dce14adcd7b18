#include "machine_timing.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace riskd_bot_behaviour {
namespace {

// "t1,t2,..." -> times; anything malformed -> empty (the series starts over).
std::vector<int64_t> ParseTimes(std::string_view text) {
  std::vector<int64_t> times;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    int64_t t = 0;
    auto [next, error] = std::from_chars(p, end, t);
    if (error != std::errc() || (next < end && *next != ',')) return {};
    times.push_back(t);
    p = next < end ? next + 1 : next;
  }
  return times;
}

}  // namespace

TimingSeries::TimingSeries(int intervals, int64_t max_gap_ms)
    : intervals_(intervals), max_gap_ms_(max_gap_ms) {}

TimingSeries::Update TimingSeries::Add(std::optional<std::string_view> stored,
                                       int64_t at_ms) const {
  std::vector<int64_t> times = stored ? ParseTimes(*stored) : std::vector<int64_t>{};
  times.push_back(at_ms);
  // Events may arrive slightly out of order (several app servers).
  std::sort(times.begin(), times.end());
  // Only the run after the last long pause counts.
  size_t start = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    if (times[i] - times[i - 1] > max_gap_ms_) start = i;
  }
  start = std::max(start, times.size() > static_cast<size_t>(intervals_) + 1
                              ? times.size() - intervals_ - 1
                              : size_t{0});
  times.erase(times.begin(), times.begin() + start);

  Update update;
  for (size_t i = 0; i < times.size(); ++i) {
    if (i > 0) update.value += ',';
    update.value += std::to_string(times[i]);
  }
  update.intervals = static_cast<int>(times.size()) - 1;
  if (update.intervals < 1) return update;
  double sum = 0;
  for (size_t i = 1; i < times.size(); ++i) sum += static_cast<double>(times[i] - times[i - 1]);
  update.mean_ms = sum / update.intervals;
  double squares = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    double d = static_cast<double>(times[i] - times[i - 1]) - update.mean_ms;
    squares += d * d;
  }
  double deviation = std::sqrt(squares / update.intervals);
  update.variation = update.mean_ms > 0 ? deviation / update.mean_ms : 0.0;
  return update;
}

}  // namespace riskd_bot_behaviour
