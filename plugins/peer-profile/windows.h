// Two series of fixed time windows, the second offset by half a window, for
// statistics kept in counters whose expiry is fixed when they are created.
//
// Every count is added to the current window of both series; reads use the
// series whose current window is older, which holds between half a window
// and a whole window of the most recent events. So one read per statistic
// gives a recent, never nearly empty, sliding estimate; and each window's
// counters expire with it.
#ifndef RISKD_PLUGINS_PEER_PROFILE_WINDOWS_H_
#define RISKD_PLUGINS_PEER_PROFILE_WINDOWS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace riskd_peer_profile {

struct Window {
  char series;    // 'a' or 'b'
  int64_t index;  // windows since the epoch (b: shifted by half a window)

  // "a2901": a key prefix.
  std::string Name() const { return series + std::to_string(index); }
};

class Windows {
 public:
  explicit Windows(int64_t length_ms) : length_ms_(length_ms) {}

  // The window to read at `unix_ms`.
  Window ForRead(int64_t unix_ms) const {
    const Window a = Of('a', unix_ms), b = Of('b', unix_ms);
    return Elapsed(a, unix_ms) >= Elapsed(b, unix_ms) ? a : b;
  }
  // The windows to add to at `unix_ms`.
  std::array<Window, 2> ForWrite(int64_t unix_ms) const {
    return {Of('a', unix_ms), Of('b', unix_ms)};
  }
  // Both series' windows begin and end at multiples of half a window: the
  // half-window of a time (+1, so that 0 can mean never) names the pair of
  // windows a count then went to.
  uint32_t HalfWindow(int64_t unix_ms) const {
    return static_cast<uint32_t>(unix_ms / (length_ms_ / 2) + 1);
  }
  // The current windows (as ForWrite) a count made in `half_window` is not
  // in yet: both for 0 (never counted), none within the same half-window,
  // otherwise the series whose window changed since.
  std::vector<Window> NotCountedIn(uint32_t half_window, int64_t unix_ms) const {
    std::vector<Window> out;
    const int64_t then = (static_cast<int64_t>(half_window) - 1) * (length_ms_ / 2);
    for (const Window& now : ForWrite(unix_ms)) {
      if (half_window == 0 || Of(now.series, then).index != now.index) out.push_back(now);
    }
    return out;
  }

  // Expiry of a counter created in a window: the window's length (it was
  // created after the window started) plus an hour for clocks that disagree.
  int64_t ttl_ms() const { return length_ms_ + 3600 * 1000; }
  int64_t length_ms() const { return length_ms_; }

 private:
  int64_t Offset(char series) const { return series == 'a' ? 0 : length_ms_ / 2; }
  Window Of(char series, int64_t unix_ms) const {
    const int64_t t = unix_ms + Offset(series);
    return {series, t >= 0 ? t / length_ms_ : (t - length_ms_ + 1) / length_ms_};
  }
  int64_t Elapsed(const Window& w, int64_t unix_ms) const {
    return unix_ms + Offset(w.series) - w.index * length_ms_;
  }
  int64_t length_ms_;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_WINDOWS_H_
