// Counts, for one subject (an IP or a user), the events of a sliding time
// window, how many of them failed, and how many distinct "others" (users of
// an IP, IPs of a user) they involved, through the host's state interface.
//
// Time is cut into buckets as long as the window, each with its own counters
// (atomic across riskd replicas; they expire two windows after creation). The
// sliding window's count is the current bucket's plus the previous bucket's
// times the part of the window that still overlaps it: exact for evenly
// spread events, and never off by more than the previous bucket's count.
//
// Distinct others: a marker key per (bucket, other) is read with the counters;
// the distinct counter is incremented only when the marker was absent. An
// other seen in both buckets counts in each (the previous one weighted), and
// two concurrent first events of the same other may both count it.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_WINDOW_COUNTER_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_WINDOW_COUNTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "riskd/detector.h"

namespace riskd_bot_behaviour {

class WindowCounter {
 public:
  // `name` keeps this counter's keys apart from other counters' on the same
  // subject. `window_ms` > 0. Without `count_failures` the failures are not
  // kept (a counter of failures only has no use for them).
  WindowCounter(std::string name, int64_t window_ms, bool count_failures);

  // What one event contributes: `counted` events add 1 to the count (and to
  // the failures when `failed`), and `other` (a ShortHash) to the distinct
  // others when it is new in the bucket.
  struct Sample {
    std::string_view subject_tag;  // "{203.0.113.9}"
    std::string_view other;        // empty: the event involves no other
    int64_t at_ms = 0;
    bool counted = false;
    bool failed = false;
  };

  // The keys of one sample, built once per call.
  struct SampleKeys {
    int64_t bucket = 0;
    std::string events[2], failures[2], distinct[2];  // [0]: this bucket, [1]: the previous
    std::string marker;  // empty unless the sample is counted and has an other
  };
  SampleKeys KeysOf(const Sample& sample) const;

  // Moves the keys Count reads into `out`.
  static void AddKeys(SampleKeys keys, std::vector<std::string>& out);

  struct Counts {
    double events = 0;
    double failures = 0;  // 0 without count_failures
    double distinct = 0;
    bool new_other = false;  // the sample's other was not yet counted in this bucket
  };
  // The window's counts, including this sample.
  Counts Count(const Sample& sample, const SampleKeys& keys, const riskd::Event& event) const;

  // The writes that record this sample (none unless counted).
  void Record(const Sample& sample, const SampleKeys& keys, const Counts& counts,
              riskd::Result& result) const;

  int64_t window_ms() const { return window_ms_; }

 private:
  std::string Key(std::string_view tag, char kind, int64_t bucket) const;
  int64_t Bucket(int64_t at_ms) const;

  std::string name_;
  int64_t window_ms_;
  bool count_failures_;
};

// The decimal value of a counter; absent or malformed counts as 0.
int64_t CounterValue(const riskd::Event& event, const std::string& key);

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_WINDOW_COUNTER_H_
