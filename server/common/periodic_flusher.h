// Calls a flush every interval from a thread of its own, and a last time when
// stopped, so that sums kept in memory (the funnel's counters, detectors'
// shared counters) reach the store within the interval and at a clean stop.
#ifndef RISKD_SERVER_COMMON_PERIODIC_FLUSHER_H_
#define RISKD_SERVER_COMMON_PERIODIC_FLUSHER_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace riskd {

class PeriodicFlusher {
 public:
  // `what` names the sums in log lines ("funnel counters not written yet").
  // `flush` may also be called by its owner meanwhile: it must be thread-safe.
  PeriodicFlusher(std::string what, absl::Duration interval, std::function<absl::Status()> flush);
  // Stop().
  ~PeriodicFlusher();
  PeriodicFlusher(const PeriodicFlusher&) = delete;
  PeriodicFlusher& operator=(const PeriodicFlusher&) = delete;

  // Ends the thread, then flushes once more. Call it first in the owner's
  // destructor, while what `flush` uses is still there; later calls do nothing.
  void Stop();

 private:
  std::string what_;
  std::function<absl::Status()> flush_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_PERIODIC_FLUSHER_H_
