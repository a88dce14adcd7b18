#include "server/state/rocksdb/key_families.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace riskd {

KeyFamily FamilyOf(absl::string_view key) {
  for (absl::string_view prefix : kPointKeyPrefixes) {
    if (absl::StartsWith(key, prefix)) return KeyFamily::kPoint;
  }
  return KeyFamily::kOrdered;
}

absl::StatusOr<KeyFamily> FamilyOfScan(absl::string_view prefix) {
  for (absl::string_view point : kPointKeyPrefixes) {
    if (point.size() > prefix.size() && absl::StartsWith(point, prefix)) {
      return absl::InvalidArgumentError(
          absl::StrCat("scan prefix \"", prefix, "\" is too short: its keys may be in both of ",
                       "the RocksDB engine's column families (\"", point, "\" keys and others)"));
    }
  }
  return FamilyOf(prefix);
}

}  // namespace riskd
