// The funnel's counters: logins, verdicts, webhooks and feedback per minute,
// hour and day, kept in the state store so that every riskd replica adds to
// the same totals and the dashboard can draw them.
//
// Adding happens on the decision path, so it must cost next to nothing:
// FunnelRecorder sums in memory and writes the sums once a second, in one
// transaction of atomic adds. A riskd killed with -9 loses at most the last
// second's counts (a clean stop writes them); decisions themselves are never
// lost, only these statistics.
#ifndef RISKD_SERVER_FUNNEL_FUNNEL_COUNTERS_H_
#define RISKD_SERVER_FUNNEL_FUNNEL_COUNTERS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/common/periodic_flusher.h"
#include "server/state/state_store.h"

namespace riskd {

// In riskd.v1.FunnelCounts' field order.
enum class FunnelCounter {
  kLoginsSucceeded,
  kLoginsFailed,
  kVerdictsAllow,
  kVerdictsChallenge,
  kVerdictsDeny,
  kWebhooksReviewOpened,
  kWebhooksIncidentConfirmed,
  kWebhooksIncidentRecovered,
  kFeedbackChallengeSucceeded,
  kFeedbackChallengeFailed,
  kFeedbackReviewApproved,
  kFeedbackReviewEscalated,
  kFeedbackPasswordResetSucceeded,
};
inline constexpr int kFunnelCounterCount = 13;

// The counter for a verdict, a webhook kind ("review.opened") or a feedback
// type; nullopt for those the funnel does not count.
std::optional<FunnelCounter> CounterForVerdict(riskd::v1::Verdict verdict);
std::optional<FunnelCounter> CounterForWebhook(absl::string_view kind);
std::optional<FunnelCounter> CounterForFeedback(riskd::v1::FeedbackType type);

class FunnelRecorder {
 public:
  // Writes to `store` every `flush_interval` from a thread of its own.
  FunnelRecorder(StateStore& store, absl::Duration flush_interval);
  // Writes what is left.
  ~FunnelRecorder();
  FunnelRecorder(const FunnelRecorder&) = delete;
  FunnelRecorder& operator=(const FunnelRecorder&) = delete;

  // Counts `n` for the minute that holds `at`. Cheap: a lock and a map.
  void Add(absl::Time at, FunnelCounter counter, int64_t n = 1);

  // Writes the sums (minute, hour and day) in one transaction; on failure
  // keeps them for the next try.
  absl::Status Flush();

 private:
  StateStore& store_;
  absl::Mutex mu_;
  // Minute start (unix seconds) -> counts.
  absl::flat_hash_map<int64_t, std::array<int64_t, kFunnelCounterCount>> pending_
      ABSL_GUARDED_BY(mu_);
  absl::Mutex flush_mu_;     // one flush at a time
  PeriodicFlusher flusher_;  // last: its thread uses the members above
};

// GetFunnelStats: the counts per bucket in [from, to), zeros included.
// INVALID_ARGUMENT names the field for a missing or reversed range or more
// than 10,000 buckets.
absl::StatusOr<riskd::v1::GetFunnelStatsResponse> ReadFunnelStats(
    StateStore& store, const riskd::v1::GetFunnelStatsRequest& request);

}  // namespace riskd

#endif  // RISKD_SERVER_FUNNEL_FUNNEL_COUNTERS_H_
