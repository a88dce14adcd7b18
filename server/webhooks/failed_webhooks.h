// The deliveries that gave up: listing them and queueing them again
// (`riskctl webhooks failed`, `riskctl webhooks retry`).
#ifndef RISKD_SERVER_WEBHOOKS_FAILED_WEBHOOKS_H_
#define RISKD_SERVER_WEBHOOKS_FAILED_WEBHOOKS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "riskd/state/v1/webhook_delivery.pb.h"
#include "server/state/state_store.h"

namespace riskd {

struct FailedWebhooksPage {
  std::vector<riskd::state::v1::WebhookDelivery> deliveries;
  std::string next_cursor;  // "" at the end
};

// Up to about `limit` failed deliveries, shard by shard, from `cursor` (""
// to start). INVALID_ARGUMENT for a cursor this did not make.
absl::StatusOr<FailedWebhooksPage> ListFailedWebhooks(StateStore& store, absl::string_view cursor,
                                                      size_t limit);

// Moves the failed deliveries `ids` (all of them when empty) back to the
// outbox, due at `now`, with their attempts and age reset. Returns the ids
// moved. With ids: INVALID_ARGUMENT for a malformed one and NOT_FOUND for
// one that is not a failed delivery, both naming delivery_ids[i], before
// anything is moved.
absl::StatusOr<std::vector<std::string>> RetryFailedWebhooks(StateStore& store,
                                                             absl::Span<const std::string> ids,
                                                             absl::Time now);

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_FAILED_WEBHOOKS_H_
