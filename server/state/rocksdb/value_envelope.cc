#include "server/state/rocksdb/value_envelope.h"

namespace riskd {
namespace {

constexpr char kVersion = 1;
constexpr size_t kHeaderSize = 1 + 8;

}  // namespace

std::string WrapValue(absl::string_view value, int64_t expires_at_ms) {
  std::string out;
  out.reserve(kHeaderSize + value.size());
  out.push_back(kVersion);
  uint64_t expiry = static_cast<uint64_t>(expires_at_ms);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((expiry >> (8 * i)) & 0xff));
  out.append(value.data(), value.size());
  return out;
}

std::optional<UnwrappedValue> Unwrap(absl::string_view stored, int64_t now_ms) {
  if (stored.size() < kHeaderSize || stored[0] != kVersion) return std::nullopt;
  uint64_t expiry = 0;
  for (int i = 0; i < 8; ++i) {
    expiry |= static_cast<uint64_t>(static_cast<unsigned char>(stored[1 + i])) << (8 * i);
  }
  if (expiry != 0 && static_cast<int64_t>(expiry) <= now_ms) return std::nullopt;
  return UnwrappedValue{stored.substr(kHeaderSize), static_cast<int64_t>(expiry)};
}

}  // namespace riskd
