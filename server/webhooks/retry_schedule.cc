#include "server/webhooks/retry_schedule.h"

#include <algorithm>

namespace riskd {

absl::Duration RetryBackoff(const WebhooksConfig& config, int failures, double uniform) {
  absl::Duration base = config.initial_backoff;
  for (int i = 1; i < failures && base < config.max_backoff; ++i) base *= 2;
  base = std::min(base, config.max_backoff);
  uniform = std::clamp(uniform, 0.0, 1.0);
  return base / 2 + (base / 2) * uniform;
}

std::optional<absl::Time> NextAttempt(const WebhooksConfig& config, absl::Time age_from,
                                      int failures, absl::Time now, double uniform) {
  const absl::Time deadline = age_from + config.max_age;
  if (now >= deadline) return std::nullopt;
  if (config.max_attempts > 0 && failures >= config.max_attempts) return std::nullopt;
  return std::min(now + RetryBackoff(config, failures, uniform), deadline);
}

}  // namespace riskd
