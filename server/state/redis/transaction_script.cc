#include "server/state/redis/transaction_script.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/state/redis/crc16_slot.h"

namespace riskd::redis {
namespace {

// KEYS: the guard key (when guarded), then one key per mutation.
// ARGV[1]: "none", "absent" or "equals"; ARGV[2]: the expected value.
// Then per mutation three arguments: "set", "setpx", "del" or "incr"; value
// (for incr: the amount); ttl ms ("" for none; incr sets it only on a key
// that has no expiry yet, so a counter keeps the window it was created with).
// A Lua string compares byte for byte, so values may hold any bytes.
constexpr absl::string_view kScript = R"lua(local mode = ARGV[1]
local first = 1
if mode ~= 'none' then
  local current = redis.call('GET', KEYS[1])
  if mode == 'absent' then
    if current then return 0 end
  elseif current ~= ARGV[2] then
    return 0
  end
  first = 2
end
local arg = 3
for i = first, #KEYS do
  local op = ARGV[arg]
  if op == 'del' then
    redis.call('DEL', KEYS[i])
  elseif op == 'incr' then
    redis.call('INCRBY', KEYS[i], ARGV[arg + 1])
    if ARGV[arg + 2] ~= '' and redis.call('PTTL', KEYS[i]) == -1 then
      redis.call('PEXPIRE', KEYS[i], ARGV[arg + 2])
    end
  elseif op == 'setpx' then
    redis.call('SET', KEYS[i], ARGV[arg + 1], 'PX', ARGV[arg + 2])
  else
    redis.call('SET', KEYS[i], ARGV[arg + 1])
  end
  arg = arg + 3
end
return 1
)lua";

// SHA1 of kScript; redis_cluster_store_test checks it against SCRIPT LOAD.
// A stale value costs an extra round trip (NOSCRIPT, then EVAL), not errors.
constexpr absl::string_view kScriptSha1 = "45c0767e25315e2716307f3be6e00de616bc9210";

// Round up: a TTL under a millisecond must still expire, not persist.
int64_t TtlMs(absl::Duration ttl) {
  return std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(ttl, absl::Milliseconds(1))));
}

}  // namespace

absl::string_view TransactionScript() { return kScript; }
absl::string_view TransactionScriptSha1() { return kScriptSha1; }

absl::StatusOr<std::optional<ScriptCall>> ToScriptCall(const StateStore::Transaction& transaction,
                                                       absl::string_view key_prefix) {
  const bool guarded = transaction.guard_key.has_value();
  if (!guarded && transaction.mutations.empty()) return std::nullopt;

  std::vector<std::string> keys;
  RedisCommand args;
  if (guarded) {
    keys.push_back(absl::StrCat(key_prefix, *transaction.guard_key));
    args.push_back(transaction.guard_value.has_value() ? "equals" : "absent");
    args.push_back(transaction.guard_value.value_or(""));
  } else {
    args.push_back("none");
    args.push_back("");
  }
  for (const StateStore::Mutation& mutation : transaction.mutations) {
    keys.push_back(absl::StrCat(key_prefix, mutation.key));
    if (mutation.add.has_value()) {
      std::string ttl =
          mutation.ttl > absl::ZeroDuration() ? absl::StrCat(TtlMs(mutation.ttl)) : std::string();
      args.insert(args.end(), {"incr", absl::StrCat(*mutation.add), ttl});
    } else if (!mutation.value.has_value()) {
      args.insert(args.end(), {"del", "", ""});
    } else if (mutation.ttl > absl::ZeroDuration()) {
      args.insert(args.end(), {"setpx", *mutation.value, absl::StrCat(TtlMs(mutation.ttl))});
    } else {
      args.insert(args.end(), {"set", *mutation.value, ""});
    }
  }

  const int slot = HashSlot(keys.front());
  for (const std::string& key : keys) {
    if (HashSlot(key) != slot) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis cluster: the keys of one transaction must share a hash tag; \"",
                       keys.front(), "\" and \"", key, "\" are in different slots"));
    }
  }
  ScriptCall call{.slot = slot, .script_arguments = {absl::StrCat(keys.size())}};
  call.script_arguments.reserve(1 + keys.size() + args.size());
  for (std::string& key : keys) call.script_arguments.push_back(std::move(key));
  for (std::string& arg : args) call.script_arguments.push_back(std::move(arg));
  return call;
}

RedisCommand EvalShaCommand(const ScriptCall& call) {
  RedisCommand command = {"EVALSHA", std::string(kScriptSha1)};
  command.insert(command.end(), call.script_arguments.begin(), call.script_arguments.end());
  return command;
}

RedisCommand EvalCommand(const ScriptCall& call) {
  RedisCommand command = {"EVAL", std::string(kScript)};
  command.insert(command.end(), call.script_arguments.begin(), call.script_arguments.end());
  return command;
}

}  // namespace riskd::redis
