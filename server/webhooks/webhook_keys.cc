#include "server/webhooks/webhook_keys.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace riskd {
namespace {

constexpr size_t kDeliveryIdLength = 32;

std::string ShardPrefix(int shard) { return absl::StrFormat("wh:{wh:%x}:", shard); }

}  // namespace

bool IsWebhookDeliveryId(absl::string_view id) {
  if (id.size() != kDeliveryIdLength) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

int WebhookShardOf(absl::string_view delivery_id) {
  if (delivery_id.empty()) return 0;
  char c = delivery_id[0];
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return 0;
}

std::string WebhookPendingPrefix(int shard) { return ShardPrefix(shard) + "q:"; }

std::string WebhookPendingKey(absl::string_view delivery_id, absl::Time due) {
  int64_t ms = std::max<int64_t>(0, absl::ToUnixMillis(due));
  return absl::StrCat(WebhookPendingPrefix(WebhookShardOf(delivery_id)),
                      absl::Dec(ms, absl::kZeroPad16), ":", delivery_id);
}

std::string WebhookFailedPrefix(int shard) { return ShardPrefix(shard) + "failed:"; }

std::string WebhookFailedKey(absl::string_view delivery_id) {
  return WebhookFailedPrefix(WebhookShardOf(delivery_id)) + std::string(delivery_id);
}

std::string WebhookSeenKey(absl::string_view delivery_id) {
  return absl::StrCat(ShardPrefix(WebhookShardOf(delivery_id)), "seen:", delivery_id);
}

std::optional<PendingKeyParts> ParseWebhookPendingKey(absl::string_view key) {
  // "wh:{wh:3}:q:" + 16 digits + ":" + id
  constexpr size_t kPrefix = 12;
  if (key.size() != kPrefix + 16 + 1 + kDeliveryIdLength) return std::nullopt;
  absl::string_view id = key.substr(kPrefix + 17);
  if (!IsWebhookDeliveryId(id) ||
      key.substr(0, kPrefix) != WebhookPendingPrefix(WebhookShardOf(id)) ||
      key[kPrefix + 16] != ':') {
    return std::nullopt;
  }
  int64_t ms = 0;
  if (!absl::SimpleAtoi(key.substr(kPrefix, 16), &ms)) return std::nullopt;
  return PendingKeyParts{absl::FromUnixMillis(ms), std::string(id)};
}

}  // namespace riskd
