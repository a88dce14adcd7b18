// A scan of the keys that start with a prefix holding a whole hash tag, such
// as "wh:{wh:3}:q:": all of them live in one slot, so instead of SCAN MATCH
// over every master's whole keyspace (whose cost grows with all of riskd's
// users), the store lists that one slot (CLUSTER GETKEYSINSLOT, on its
// master) and pages through it in key order. The cost of a page is the
// number of keys in the slot, about 1/16384 of the keyspace plus the
// tagged keys themselves. Used for the webhook outbox.
#ifndef RISKD_SERVER_STATE_REDIS_SLOT_SCAN_H_
#define RISKD_SERVER_STATE_REDIS_SLOT_SCAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd::redis {

// The slot of every key that starts with `prefix`, when the prefix holds a
// whole non-empty hash tag; nullopt otherwise.
std::optional<int> SlotOfPrefix(absl::string_view prefix);

struct SlotScanSelection {
  std::vector<std::string> keys;  // sorted, at most `limit`
  std::string next_cursor;        // "" when nothing is left after them
};

// From `slot_keys` (all keys of the slot, any order), the first `limit` that
// start with `prefix` and sort after the key `cursor` names ("" to start).
// INVALID_ARGUMENT for a cursor this did not make.
absl::StatusOr<SlotScanSelection> SelectSlotScanPage(std::vector<std::string> slot_keys,
                                                     absl::string_view prefix,
                                                     absl::string_view cursor, size_t limit);

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_SLOT_SCAN_H_
