// Which of the RocksDB engine's two column families holds a key.
//
// Most of a decision's writes are keys that are only ever read by name: the
// detectors' state ("p:"), the funnel counters ("f:") and the answers kept for
// retries ("r:"). They live in the "point" family, whose memtable is a hash
// table: an insert costs a hash and a short list walk instead of a search of
// one big skiplist (~16k instructions, a quarter of a decision's, in
// bench/RESULTS.md). A hash memtable cannot list keys in order cheaply, so
// every key that is scanned (user records, the webhook outbox, anything not
// named above) stays in the default, ordered family.
#ifndef RISKD_SERVER_STATE_ROCKSDB_KEY_FAMILIES_H_
#define RISKD_SERVER_STATE_ROCKSDB_KEY_FAMILIES_H_

#include <array>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd {

enum class KeyFamily { kOrdered = 0, kPoint = 1 };

// The name RocksDB knows the point family by.
inline constexpr char kPointFamilyName[] = "point";

// The key prefixes of the point family.
inline constexpr std::array<absl::string_view, 3> kPointKeyPrefixes = {"p:", "f:", "r:"};

KeyFamily FamilyOf(absl::string_view key);

// The family every key starting with `prefix` is in; InvalidArgument when the
// prefix is so short that its keys may be in both (e.g. "" or "p").
absl::StatusOr<KeyFamily> FamilyOfScan(absl::string_view prefix);

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_ROCKSDB_KEY_FAMILIES_H_
