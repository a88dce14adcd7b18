// IPv4 / IPv6 addresses and CIDR ranges, parsed strictly.
#ifndef RISKD_SERVER_COMMON_IP_ADDRESS_H_
#define RISKD_SERVER_COMMON_IP_ADDRESS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd {

struct IpAddress {
  enum class Family { kV4 = 4, kV6 = 6 };
  Family family = Family::kV4;
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 in the first 4

  // Accepts dotted IPv4 and any RFC 4291 IPv6 text. An IPv4-mapped IPv6
  // address (::ffff:a.b.c.d) becomes the IPv4 address.
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);
  // Canonical text: dotted quad or RFC 5952.
  std::string ToString() const;
  int bit_length() const { return family == Family::kV4 ? 32 : 128; }
  bool operator==(const IpAddress&) const = default;
};

struct CidrRange {
  IpAddress base;  // host bits cleared
  int prefix_length = 0;

  // "10.0.0.0/8", "2001:db8::/32", or a single address (a /32 or /128).
  static absl::StatusOr<CidrRange> Parse(absl::string_view text);
  bool Contains(const IpAddress& ip) const;
  std::string ToString() const;
};

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_IP_ADDRESS_H_
