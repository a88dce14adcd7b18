// Where the webhook outbox lives in the state store.
//
// Deliveries are spread over 16 shards by the first hex digit of their id;
// every key of a shard carries the hash tag "{wh:<shard>}", so that in Redis
// Cluster a shard is one slot: a transaction over a delivery's keys is
// atomic, and listing a shard reads one slot instead of the whole keyspace
// (see RedisClusterStore::Scan). Per shard:
//
//   wh:{wh:3}:q:<due ms, 16 digits>:<id>   a pending delivery, due at that time
//                                          (a lease moves it to the lease's end)
//   wh:{wh:3}:failed:<id>                  a delivery that gave up
//   wh:{wh:3}:seen:<id>                    "enqueued once" marker, expiring
//
// Pending keys sort by due time, so a poll reads only the front of each shard.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_KEYS_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace riskd {

inline constexpr int kWebhookShards = 16;
// How long a delivery that gave up stays listed (`riskctl webhooks failed`).
inline constexpr absl::Duration kFailedWebhookTtl = absl::Hours(24 * 30);

// The shard of a delivery id (32 lower-case hex digits): its first digit.
int WebhookShardOf(absl::string_view delivery_id);
// True for 32 lower-case hex digits, the form of every delivery id.
bool IsWebhookDeliveryId(absl::string_view id);

std::string WebhookPendingPrefix(int shard);
std::string WebhookPendingKey(absl::string_view delivery_id, absl::Time due);
std::string WebhookFailedPrefix(int shard);
std::string WebhookFailedKey(absl::string_view delivery_id);
std::string WebhookSeenKey(absl::string_view delivery_id);

struct PendingKeyParts {
  absl::Time due;
  std::string delivery_id;
};
// Splits a key made by WebhookPendingKey; nullopt for anything else.
std::optional<PendingKeyParts> ParseWebhookPendingKey(absl::string_view key);

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_KEYS_H_
