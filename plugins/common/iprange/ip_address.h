// Parsing of IP addresses and CIDR blocks into inclusive numeric ranges.
#ifndef RISKD_PLUGINS_COMMON_IPRANGE_IP_ADDRESS_H_
#define RISKD_PLUGINS_COMMON_IPRANGE_IP_ADDRESS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace riskd_iprange {

// IPv6 addresses as one 128-bit number (GCC/Clang extension) so that ranges
// compare with plain operators.
using Uint128 = unsigned __int128;

enum class Family { kV4, kV6 };

// An inclusive range of addresses of one family. IPv4 values use the low 32
// bits of `first`/`last`.
struct IpRange {
  Family family;
  Uint128 first;
  Uint128 last;
};

// Parses "1.2.3.4" or "2001:db8::1". IPv4-mapped IPv6 ("::ffff:1.2.3.4")
// becomes IPv4, as the host does for events, so lists match either spelling.
std::optional<IpRange> ParseAddress(std::string_view text);

// Parses an address or a CIDR block ("10.0.0.0/8", "2001:db8::/32"). Host bits
// below the prefix are ignored ("10.1.2.3/8" is 10.0.0.0/8), as lists often
// write a member address with its prefix.
std::optional<IpRange> ParseAddressOrCidr(std::string_view text);

// Addresses in network byte order (as riskd_event.ip_bytes) as numbers.
inline uint32_t V4FromBytes(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         bytes[3];
}
inline Uint128 V6FromBytes(const uint8_t* bytes) {
  Uint128 value = 0;
  for (int i = 0; i < 16; ++i) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace riskd_iprange

#endif  // RISKD_PLUGINS_COMMON_IPRANGE_IP_ADDRESS_H_
