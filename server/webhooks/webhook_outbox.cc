#include "server/webhooks/webhook_outbox.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "riskd/state/v1/webhook_delivery.pb.h"
#include "server/webhooks/webhook_keys.h"
#include "server/webhooks/webhook_payload.h"

namespace riskd {

WebhookOutbox::WebhookOutbox(const WebhooksConfig& config)
    : seen_window_(std::max(absl::Hours(24), config.max_age)) {
  for (const WebhookEndpointConfig& e : config.endpoints) {
    endpoints_.push_back({e.name, e.events});
  }
}

std::vector<StateStore::Transaction> WebhookOutbox::Enqueue(const WebhookEvent& event,
                                                            absl::Time now) const {
  std::vector<StateStore::Transaction> transactions;
  for (const Endpoint& endpoint : endpoints_) {
    if (std::find(endpoint.events.begin(), endpoint.events.end(), event.kind) ==
        endpoint.events.end()) {
      continue;
    }
    // Without a case id, the step is this event's: one delivery per request.
    const std::string case_id = event.case_id.empty()
                                    ? absl::StrCat(event.kind, "/", event.user_id, "/",
                                                   event.device_id, "/", event.request_id)
                                    : event.case_id;
    const std::string id = WebhookDeliveryId(case_id, endpoint.name);
    riskd::state::v1::WebhookDelivery delivery;
    delivery.set_delivery_id(id);
    delivery.set_endpoint(endpoint.name);
    delivery.set_event(event.kind);
    delivery.set_body(WebhookPayloadJson(event, id));
    delivery.set_enqueued_at_ms(absl::ToUnixMillis(now));
    delivery.set_age_from_ms(absl::ToUnixMillis(now));

    StateStore::Transaction t;
    t.guard_key = WebhookSeenKey(id);
    t.guard_value = std::nullopt;  // never enqueued
    t.mutations.push_back({.key = WebhookSeenKey(id), .value = "1", .ttl = seen_window_});
    t.mutations.push_back(
        {.key = WebhookPendingKey(id, now), .value = delivery.SerializeAsString()});
    transactions.push_back(std::move(t));
  }
  return transactions;
}

}  // namespace riskd
