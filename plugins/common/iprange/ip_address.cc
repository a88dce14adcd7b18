#include "iprange/ip_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace riskd_iprange {
namespace {

constexpr size_t kMaxAddressText = 64;

Uint128 FromBytes(const unsigned char* bytes, int count) {
  Uint128 value = 0;
  for (int i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

// "::ffff:a.b.c.d" as a number: 0xffff in bits 32..47, nothing above.
bool IsV4Mapped(Uint128 v6) { return (v6 >> 32) == 0xffff; }

}  // namespace

std::optional<IpRange> ParseAddress(std::string_view text) {
  // inet_pton needs a NUL-terminated string; longer text is no address.
  if (text.empty() || text.size() >= kMaxAddressText) return std::nullopt;
  char buffer[kMaxAddressText];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  unsigned char bytes[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, bytes) != 1) return std::nullopt;
    Uint128 v4 = FromBytes(bytes, 4);
    return IpRange{Family::kV4, v4, v4};
  }
  if (inet_pton(AF_INET6, buffer, bytes) != 1) return std::nullopt;
  Uint128 v6 = FromBytes(bytes, 16);
  if (IsV4Mapped(v6)) {
    Uint128 v4 = v6 & 0xffffffffu;
    return IpRange{Family::kV4, v4, v4};
  }
  return IpRange{Family::kV6, v6, v6};
}

std::optional<IpRange> ParseAddressOrCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return ParseAddress(text);
  std::string_view prefix_text = text.substr(slash + 1);
  int prefix = -1;
  auto [end, error] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (error != std::errc() || end != prefix_text.data() + prefix_text.size() ||
      prefix_text.empty()) {
    return std::nullopt;
  }
  std::string_view address_text = text.substr(0, slash);
  std::optional<IpRange> address = ParseAddress(address_text);
  if (!address) return std::nullopt;
  int bits = address->family == Family::kV4 ? 32 : 128;
  // A mapped block ("::ffff:10.0.0.0/104") counts its prefix over 128 bits.
  if (address->family == Family::kV4 && address_text.find(':') != std::string_view::npos) {
    prefix -= 96;
  }
  if (prefix < 0 || prefix > bits) return std::nullopt;
  const Uint128 all = bits == 32 ? Uint128{0xffffffffu} : ~Uint128{0};
  // Shifting by the full width is undefined: a /0 has every bit as host bit.
  const Uint128 host = prefix == 0 ? all : (all >> prefix);
  address->first &= ~host & all;
  address->last = address->first | host;
  return address;
}

}  // namespace riskd_iprange
