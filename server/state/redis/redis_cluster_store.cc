#include "server/state/redis/redis_cluster_store.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/state/redis/crc16_slot.h"
#include "server/state/redis/redis_connection.h"
#include "server/state/redis/scan_cursor.h"
#include "server/state/redis/slot_scan.h"
#include "server/state/redis/transaction_script.h"

namespace riskd {
namespace {

using redis::ClusterPipeline;
using redis::RedisCommand;
using redis::RedisReply;
using redis::SlotCommand;

// Bounds one Scan call when few keys match: the caller gets a page (maybe
// short or empty) with a cursor instead of waiting for the whole keyspace.
constexpr int kMaxScanRoundTripsPerPage = 16;

absl::Status UnexpectedReply(absl::string_view command, const RedisReply& reply) {
  return absl::InternalError(absl::StrCat(
      "redis cluster: unexpected reply to ", command, ": ",
      reply.IsError() ? reply.str : absl::StrCat("type ", static_cast<int>(reply.type))));
}

absl::Status ValidateOptions(const RedisClusterOptions& options) {
  if (options.seeds.empty()) return absl::InvalidArgumentError("redis cluster: no seed nodes");
  for (const std::string& seed : options.seeds) {
    if (auto host_port = redis::SplitHostPort(seed); !host_port.ok()) return host_port.status();
  }
  if (absl::StrContains(options.key_prefix, '{') || absl::StrContains(options.key_prefix, '}')) {
    return absl::InvalidArgumentError("redis cluster: the key prefix must not contain { or }");
  }
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("redis cluster: max_attempts must be at least 1");
  }
  if (options.max_round_trips_in_flight_per_node < 1) {
    return absl::InvalidArgumentError(
        "redis cluster: max_round_trips_in_flight_per_node must be at least 1");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisClusterStore>> RedisClusterStore::Connect(
    const RedisClusterOptions& options) {
  if (absl::Status valid = ValidateOptions(options); !valid.ok()) return valid;
  std::unique_ptr<RedisClusterStore> store(new RedisClusterStore(options));
  if (absl::Status loaded = store->topology_.Load(); !loaded.ok()) return loaded;
  return store;
}

RedisClusterStore::RedisClusterStore(const RedisClusterOptions& options)
    : options_(options),
      pools_(redis::ConnectionOptions{.connect_timeout = options.connect_timeout,
                                      .command_timeout = options.command_timeout},
             options.max_idle_connections_per_node, options.max_round_trips_in_flight_per_node),
      topology_(options.seeds, &pools_),
      pipeline_(&topology_, &pools_, options.max_attempts) {}

std::string RedisClusterStore::Describe() const {
  return absl::StrCat("redis-cluster:", absl::StrJoin(options_.seeds, ","));
}

absl::StatusOr<std::vector<std::optional<std::string>>> RedisClusterStore::MultiGet(
    absl::Span<const std::string> keys) {
  if (options_.key_prefix.empty()) return GetFullKeys(keys);
  std::vector<std::string> full_keys;
  full_keys.reserve(keys.size());
  for (const std::string& key : keys) full_keys.push_back(options_.key_prefix + key);
  return GetFullKeys(full_keys);
}

absl::StatusOr<std::vector<std::optional<std::string>>> RedisClusterStore::GetFullKeys(
    absl::Span<const std::string> full_keys) {
  std::vector<SlotCommand> gets;
  gets.reserve(full_keys.size());
  for (const std::string& key : full_keys) {
    gets.push_back({redis::HashSlot(key), {"GET", key}});
  }
  auto replies = pipeline_.Run(gets, ClusterPipeline::Resend::kSafe);
  if (!replies.ok()) return replies.status();
  std::vector<std::optional<std::string>> values(full_keys.size());
  for (size_t i = 0; i < replies->size(); ++i) {
    RedisReply& reply = (*replies)[i];
    if (reply.type == RedisReply::Type::kString) {
      values[i] = std::move(reply.str);
    } else if (reply.type != RedisReply::Type::kNil) {
      return UnexpectedReply("GET", reply);
    }
  }
  return values;
}

absl::StatusOr<std::vector<bool>> RedisClusterStore::Commit(std::vector<Transaction> transactions) {
  std::vector<bool> applied(transactions.size(), true);
  std::vector<redis::ScriptCall> calls;
  std::vector<size_t> transaction_of_call;
  // Validate the whole batch before sending any of it.
  for (size_t i = 0; i < transactions.size(); ++i) {
    auto call = redis::ToScriptCall(transactions[i], options_.key_prefix);
    if (!call.ok()) return call.status();
    if (!call->has_value()) continue;  // no keys: trivially applied
    calls.push_back(**std::move(call));
    transaction_of_call.push_back(i);
  }

  std::vector<SlotCommand> commands;
  commands.reserve(calls.size());
  for (const redis::ScriptCall& call : calls) {
    commands.push_back({call.slot, redis::EvalShaCommand(call)});
  }
  // A script call that breaks mid-way may have run: never resend it, or a
  // guarded update could apply twice.
  auto replies = pipeline_.Run(commands, ClusterPipeline::Resend::kUnsafe);
  if (!replies.ok()) return replies.status();

  // Nodes that do not have the script cached yet (new, restarted, flushed)
  // answer NOSCRIPT without running anything; EVAL runs and caches it.
  std::vector<size_t> uncached;
  std::vector<SlotCommand> evals;
  for (size_t c = 0; c < replies->size(); ++c) {
    if ((*replies)[c].IsError() && absl::StartsWith((*replies)[c].str, "NOSCRIPT")) {
      uncached.push_back(c);
      evals.push_back({calls[c].slot, redis::EvalCommand(calls[c])});
    }
  }
  if (!evals.empty()) {
    auto eval_replies = pipeline_.Run(evals, ClusterPipeline::Resend::kUnsafe);
    if (!eval_replies.ok()) return eval_replies.status();
    for (size_t e = 0; e < uncached.size(); ++e) {
      (*replies)[uncached[e]] = std::move((*eval_replies)[e]);
    }
  }

  for (size_t c = 0; c < replies->size(); ++c) {
    const RedisReply& reply = (*replies)[c];
    if (reply.type != RedisReply::Type::kInteger)
      return UnexpectedReply("the commit script", reply);
    applied[transaction_of_call[c]] = reply.integer == 1;
  }
  return applied;
}

absl::StatusOr<StateStore::ScanPage> RedisClusterStore::Scan(absl::string_view prefix,
                                                             absl::string_view cursor,
                                                             size_t limit) {
  // A prefix with a whole hash tag lives in one slot: list that slot only.
  if (std::optional<int> slot = redis::SlotOfPrefix(prefix)) {
    return ScanSlot(*slot, absl::StrCat(options_.key_prefix, prefix), cursor, limit);
  }
  auto position = redis::ClusterScanCursor::Parse(cursor);
  if (!position.ok()) return position.status();
  limit = std::max<size_t>(limit, 1);
  const std::string pattern = redis::PrefixMatchPattern(absl::StrCat(options_.key_prefix, prefix));
  const std::vector<std::string> masters = topology_.Current().map->Masters();

  std::vector<std::string> full_keys;
  for (int trips = 0; position->node_index < masters.size() && full_keys.size() < limit &&
                      trips < kMaxScanRoundTripsPerPage;
       ++trips) {
    const std::string& node = masters[position->node_index];
    RedisCommand scan = {"SCAN",  position->node_cursor,
                         "MATCH", pattern,
                         "COUNT", absl::StrCat(limit - full_keys.size())};
    auto replies = pipeline_.RunOnNode(node, absl::MakeConstSpan(&scan, 1));
    if (!replies.ok()) return replies.status();
    const RedisReply& reply = replies->front();
    if (reply.type != RedisReply::Type::kArray || reply.elements.size() != 2 ||
        reply.elements[0].type != RedisReply::Type::kString ||
        reply.elements[1].type != RedisReply::Type::kArray) {
      return UnexpectedReply(absl::StrCat("SCAN on ", node), reply);
    }
    for (const RedisReply& key : reply.elements[1].elements) full_keys.push_back(key.str);
    position->node_cursor = reply.elements[0].str;
    if (position->node_cursor == "0") ++position->node_index;  // this node is done
  }

  auto values = GetFullKeys(full_keys);
  if (!values.ok()) return values.status();
  ScanPage page;
  page.items.reserve(full_keys.size());
  for (size_t i = 0; i < full_keys.size(); ++i) {
    if (!(*values)[i].has_value()) continue;  // deleted or expired since SCAN saw it
    page.items.emplace_back(full_keys[i].substr(options_.key_prefix.size()),
                            *std::move((*values)[i]));
  }
  if (position->node_index < masters.size()) page.next_cursor = position->ToString();
  return page;
}

absl::StatusOr<StateStore::ScanPage> RedisClusterStore::ScanSlot(int slot,
                                                                 absl::string_view full_prefix,
                                                                 absl::string_view cursor,
                                                                 size_t limit) {
  // GETKEYSINSLOT has no cursor: each page lists the slot (its keys only,
  // not the node's) and resumes after the last key returned.
  const SlotCommand list = {slot, {"CLUSTER", "GETKEYSINSLOT", absl::StrCat(slot), "2147483647"}};
  auto replies = pipeline_.Run(absl::MakeConstSpan(&list, 1), ClusterPipeline::Resend::kSafe);
  if (!replies.ok()) return replies.status();
  const RedisReply& reply = replies->front();
  if (reply.type != RedisReply::Type::kArray) {
    return UnexpectedReply("CLUSTER GETKEYSINSLOT", reply);
  }
  std::vector<std::string> slot_keys;
  slot_keys.reserve(reply.elements.size());
  for (const RedisReply& key : reply.elements) slot_keys.push_back(key.str);
  auto selection = redis::SelectSlotScanPage(std::move(slot_keys), full_prefix, cursor, limit);
  if (!selection.ok()) return selection.status();

  auto values = GetFullKeys(selection->keys);
  if (!values.ok()) return values.status();
  ScanPage page;
  for (size_t i = 0; i < selection->keys.size(); ++i) {
    if (!(*values)[i].has_value()) continue;  // deleted or expired since it was listed
    page.items.emplace_back(selection->keys[i].substr(options_.key_prefix.size()),
                            *std::move((*values)[i]));
  }
  page.next_cursor = std::move(selection->next_cursor);
  return page;
}

}  // namespace riskd
