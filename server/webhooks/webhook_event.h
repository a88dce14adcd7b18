// A webhook event: what the case logic raises when a review opens or an
// incident is confirmed or recovered. WebhookOutbox turns it into one durable
// delivery per endpoint that subscribes to its kind.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_EVENT_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_EVENT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace riskd {

// Every kind of webhook event, as spelled in the payload, the Riskd-Event
// header and the config's `events:` filters.
inline constexpr absl::string_view kWebhookEventKinds[] = {
    "review.opened",
    "incident.confirmed",
    "incident.recovered",
};

inline bool IsWebhookEventKind(absl::string_view kind) {
  for (absl::string_view k : kWebhookEventKinds) {
    if (k == kind) return true;
  }
  return false;
}

struct WebhookSignal {
  std::string detector, name, detail;
};

struct WebhookEvent {
  std::string kind;  // one of kWebhookEventKinds
  // The stable id of this step of the case. Same case_id (and endpoint) =>
  // same delivery id: enqueuing it again is a no-op (see WebhookOutbox), and
  // receivers dedupe on it. So it must differ between two occurrences that
  // should both be delivered (include e.g. the triggering request id).
  // Empty: kind/user/device/request id.
  std::string case_id;
  std::string user_id, user_email;
  // Location: the country code of the last IP (may be empty).
  std::string device_id, device_user_agent, device_last_ip, device_country;
  std::string request_id;
  double score = 0;
  std::vector<WebhookSignal> signals;
  absl::Time occurred_at;
};

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_EVENT_H_
