// The webhook outbox: turns a WebhookEvent into durable deliveries in the
// state store, written in the same Commit as the decision that raised it, so
// that an event riskd recorded is an event it will deliver. The dispatcher
// (webhook_dispatcher.h) sends them.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_OUTBOX_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_OUTBOX_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/config/webhooks_config.h"
#include "server/state/state_store.h"
#include "server/webhooks/webhook_event.h"

namespace riskd {

class WebhookOutbox {
 public:
  // Built from the webhooks config; cheap (names and filters only).
  explicit WebhookOutbox(const WebhooksConfig& config);

  // The transactions that durably enqueue `event` for every endpoint whose
  // filter takes it (none when no endpoint does). The caller appends them to
  // the same StateStore::Commit batch as the decision that raised the event.
  //
  // Each is guarded on its delivery id never having been enqueued (within
  // SeenWindow()), so enqueuing one case_id again - a decision retried after
  // losing a compare-and-set, two replicas racing on one request - writes
  // nothing: its Commit result is then `false`, which means "already
  // enqueued", not a conflict to retry. Each transaction touches one
  // outbox shard's keys only, never the user's.
  std::vector<StateStore::Transaction> Enqueue(const WebhookEvent& event, absl::Time now) const;

  // How long a delivery id is remembered as enqueued: the longer of a day
  // and webhooks.retry.max_age_hours.
  absl::Duration SeenWindow() const { return seen_window_; }

 private:
  struct Endpoint {
    std::string name;
    std::vector<std::string> events;
  };
  std::vector<Endpoint> endpoints_;
  absl::Duration seen_window_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_OUTBOX_H_
