#include "server/common/periodic_flusher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/logging.h"

namespace riskd {

PeriodicFlusher::PeriodicFlusher(std::string what, absl::Duration interval,
                                 std::function<absl::Status()> flush)
    : what_(std::move(what)), flush_(std::move(flush)), thread_([this, interval] {
        while (!stop_.WaitForNotificationWithTimeout(interval)) {
          if (absl::Status s = flush_(); !s.ok()) {
            LogWarning(absl::StrCat(what_, " not written yet"),
                       {{"error", std::string(s.message())}});
          }
        }
      }) {}

PeriodicFlusher::~PeriodicFlusher() { Stop(); }

void PeriodicFlusher::Stop() {
  if (!thread_.joinable()) return;
  stop_.Notify();
  thread_.join();
  if (absl::Status s = flush_(); !s.ok()) {
    LogWarning(absl::StrCat(what_, " lost at shutdown"), {{"error", std::string(s.message())}});
  }
}

}  // namespace riskd
