#include "server/webhooks/failed_webhooks.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/webhooks/webhook_keys.h"

namespace riskd {
namespace {

using riskd::state::v1::WebhookDelivery;

constexpr size_t kRetryPage = 200;

// "<shard>/<the store's cursor in that shard>".
struct Cursor {
  int shard = 0;
  std::string store_cursor;
};

absl::StatusOr<Cursor> ParseCursor(absl::string_view text) {
  Cursor cursor;
  if (text.empty()) return cursor;
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos || !absl::SimpleAtoi(text.substr(0, slash), &cursor.shard) ||
      cursor.shard < 0 || cursor.shard >= kWebhookShards) {
    return absl::InvalidArgumentError("not a cursor of the failed webhooks");
  }
  cursor.store_cursor = std::string(text.substr(slash + 1));
  return cursor;
}

// Back to the outbox, due now, as if just enqueued (its enqueue time kept).
StateStore::Transaction Requeue(const std::string& failed_key, const std::string& value,
                                WebhookDelivery delivery, absl::Time now) {
  delivery.set_attempts(0);
  delivery.set_age_from_ms(absl::ToUnixMillis(now));
  delivery.set_failed_at_ms(0);
  delivery.clear_leased_by();
  StateStore::Transaction t{.guard_key = failed_key, .guard_value = value};
  t.mutations.push_back({.key = failed_key, .value = std::nullopt});
  t.mutations.push_back({.key = WebhookPendingKey(delivery.delivery_id(), now),
                         .value = delivery.SerializeAsString()});
  return t;
}

// Commits `batch`; appends the ids of the transactions that applied.
absl::Status CommitRequeues(StateStore& store, std::vector<StateStore::Transaction> batch,
                            const std::vector<std::string>& ids, std::vector<std::string>& moved) {
  if (batch.empty()) return absl::OkStatus();
  RISKD_ASSIGN_OR_RETURN(std::vector<bool> applied, store.Commit(std::move(batch)));
  for (size_t i = 0; i < applied.size(); ++i) {
    if (applied[i]) moved.push_back(ids[i]);  // else retried or expired meanwhile
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FailedWebhooksPage> ListFailedWebhooks(StateStore& store,
                                                      absl::string_view cursor_text, size_t limit) {
  RISKD_ASSIGN_OR_RETURN(Cursor cursor, ParseCursor(cursor_text));
  FailedWebhooksPage page;
  while (cursor.shard < kWebhookShards && page.deliveries.size() < limit) {
    RISKD_ASSIGN_OR_RETURN(StateStore::ScanPage scanned,
                           store.Scan(WebhookFailedPrefix(cursor.shard), cursor.store_cursor,
                                      limit - page.deliveries.size()));
    for (const auto& [key, value] : scanned.items) {
      WebhookDelivery delivery;
      if (!delivery.ParseFromString(value)) continue;
      page.deliveries.push_back(std::move(delivery));
    }
    cursor.store_cursor = scanned.next_cursor;
    if (cursor.store_cursor.empty()) ++cursor.shard;
  }
  if (cursor.shard < kWebhookShards) {
    page.next_cursor = absl::StrCat(cursor.shard, "/", cursor.store_cursor);
  }
  return page;
}

absl::StatusOr<std::vector<std::string>> RetryFailedWebhooks(StateStore& store,
                                                             absl::Span<const std::string> ids,
                                                             absl::Time now) {
  std::vector<std::string> moved;
  if (!ids.empty()) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!IsWebhookDeliveryId(ids[i])) {
        return absl::InvalidArgumentError(absl::StrCat("delivery_ids[", i, "]: \"", ids[i],
                                                       "\" is not a delivery id (32 hex digits)"));
      }
      keys.push_back(WebhookFailedKey(ids[i]));
    }
    RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values, store.MultiGet(keys));
    std::vector<StateStore::Transaction> batch;
    std::vector<std::string> batch_ids;
    for (size_t i = 0; i < ids.size(); ++i) {
      WebhookDelivery delivery;
      if (!values[i] || !delivery.ParseFromString(*values[i])) {
        return absl::NotFoundError(
            absl::StrCat("delivery_ids[", i, "]: no failed webhook has id ", ids[i]));
      }
      batch.push_back(Requeue(keys[i], *values[i], std::move(delivery), now));
      batch_ids.push_back(ids[i]);
    }
    RISKD_RETURN_IF_ERROR(CommitRequeues(store, std::move(batch), batch_ids, moved));
    return moved;
  }
  for (int shard = 0; shard < kWebhookShards; ++shard) {
    std::string cursor;
    do {
      RISKD_ASSIGN_OR_RETURN(StateStore::ScanPage page,
                             store.Scan(WebhookFailedPrefix(shard), cursor, kRetryPage));
      std::vector<StateStore::Transaction> batch;
      std::vector<std::string> batch_ids;
      for (const auto& [key, value] : page.items) {
        WebhookDelivery delivery;
        if (!delivery.ParseFromString(value)) continue;
        batch_ids.push_back(delivery.delivery_id());
        batch.push_back(Requeue(key, value, std::move(delivery), now));
      }
      RISKD_RETURN_IF_ERROR(CommitRequeues(store, std::move(batch), batch_ids, moved));
      cursor = page.next_cursor;
    } while (!cursor.empty());
  }
  return moved;
}

}  // namespace riskd
