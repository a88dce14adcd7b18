// How regular the gaps between one subject's events are (an IP's, or a
// device's). People pause, read and mistype: their gaps vary by as much as
// they last (a coefficient of variation, standard deviation / mean, near 1 or
// more). A script on a timer or a loop varies by a few percent.
//
// The subject's last `intervals` + 1 event times (unix ms) are one state value,
// "t1,t2,...", rewritten by each event (last writer wins: two concurrent
// events of one subject may drop one time, which only delays the signal). A
// gap longer than `max_gap_ms` starts the series over.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_MACHINE_TIMING_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_MACHINE_TIMING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace riskd_bot_behaviour {

class TimingSeries {
 public:
  // `intervals` >= 2; `max_gap_ms` > 0.
  TimingSeries(int intervals, int64_t max_gap_ms);

  struct Update {
    std::string value;  // the state value to write back
    int intervals = 0;  // gaps measured (at most `intervals`)
    double mean_ms = 0;
    double variation = 0;  // coefficient of variation; 0 when every gap is 0
  };

  // Adds an event at `at_ms` to the `stored` series (absent or malformed:
  // a new series) and measures the last gaps.
  Update Add(std::optional<std::string_view> stored, int64_t at_ms) const;

  int intervals() const { return intervals_; }
  int64_t max_gap_ms() const { return max_gap_ms_; }

 private:
  int intervals_;
  int64_t max_gap_ms_;
};

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_MACHINE_TIMING_H_
