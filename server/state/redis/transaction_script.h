// A StateStore::Transaction as one Lua script call, so that its guard check
// and its mutations run atomically on the master of its slot.
#ifndef RISKD_SERVER_STATE_REDIS_TRANSACTION_SCRIPT_H_
#define RISKD_SERVER_STATE_REDIS_TRANSACTION_SCRIPT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/state/redis/redis_reply.h"
#include "server/state/state_store.h"

namespace riskd::redis {

// The script: returns 1 when the guard held and the mutations were applied,
// 0 when the guard failed and nothing was written.
absl::string_view TransactionScript();
// Its SHA1, the name EVALSHA calls it by.
absl::string_view TransactionScriptSha1();

// A transaction ready to send: the slot of all its keys and the arguments
// that follow the script (or its SHA1) in EVAL/EVALSHA.
struct ScriptCall {
  int slot;
  RedisCommand script_arguments;  // numkeys, keys..., args...
};

// nullopt for a transaction without keys (nothing to send; it holds).
// INVALID_ARGUMENT when its keys do not share one slot, since a cluster can
// not run it atomically.
absl::StatusOr<std::optional<ScriptCall>> ToScriptCall(const StateStore::Transaction& transaction,
                                                       absl::string_view key_prefix);

RedisCommand EvalShaCommand(const ScriptCall& call);
RedisCommand EvalCommand(const ScriptCall& call);

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_TRANSACTION_SCRIPT_H_
