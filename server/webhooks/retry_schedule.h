// When a failed webhook delivery is tried again, and when it gives up.
#ifndef RISKD_SERVER_WEBHOOKS_RETRY_SCHEDULE_H_
#define RISKD_SERVER_WEBHOOKS_RETRY_SCHEDULE_H_

#include <optional>

#include "absl/time/time.h"
#include "server/config/webhooks_config.h"

namespace riskd {

// The pause after the `failures`-th failed attempt (1 for the first):
// initial_backoff doubled per earlier failure, capped at max_backoff, of
// which a random half (`uniform` in [0, 1)) is jitter, so that the
// deliveries that failed together during an outage do not all come back at
// the same instant:  base = min(max, initial * 2^(failures-1)),
//                    pause = base/2 + uniform * base/2.
absl::Duration RetryBackoff(const WebhooksConfig& config, int failures, double uniform);

// When to try again after a failure at `now`, or nullopt when the delivery
// gives up: it is max_age old (counted from `age_from`), or has had
// max_attempts attempts. The last retry is moved up to the max-age deadline
// rather than skipped past it.
std::optional<absl::Time> NextAttempt(const WebhooksConfig& config, absl::Time age_from,
                                      int failures, absl::Time now, double uniform);

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_RETRY_SCHEDULE_H_
