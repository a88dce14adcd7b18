// How the RocksDB engine stores a value with its expiry, since RocksDB has no
// per-key TTL: [version byte][expiry, unix ms, 8 bytes little-endian][value].
// An expiry of 0 means never.
#ifndef RISKD_SERVER_STATE_ROCKSDB_VALUE_ENVELOPE_H_
#define RISKD_SERVER_STATE_ROCKSDB_VALUE_ENVELOPE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace riskd {

std::string WrapValue(absl::string_view value, int64_t expires_at_ms);

struct UnwrappedValue {
  absl::string_view value;
  int64_t expires_at_ms;  // 0: never
};

// The value and its expiry, or nullopt when it has expired at `now_ms` or is
// not an envelope.
std::optional<UnwrappedValue> Unwrap(absl::string_view stored, int64_t now_ms);

inline std::optional<absl::string_view> UnwrapValue(absl::string_view stored, int64_t now_ms) {
  std::optional<UnwrappedValue> unwrapped = Unwrap(stored, now_ms);
  return unwrapped ? std::optional<absl::string_view>(unwrapped->value) : std::nullopt;
}

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_ROCKSDB_VALUE_ENVELOPE_H_
