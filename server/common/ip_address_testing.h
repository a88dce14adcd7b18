// Test helpers: parse addresses known to be valid, failing the test if not.
#ifndef RISKD_SERVER_COMMON_IP_ADDRESS_TESTING_H_
#define RISKD_SERVER_COMMON_IP_ADDRESS_TESTING_H_

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "server/common/ip_address.h"

namespace riskd::testing {

inline CidrRange Cidr(absl::string_view text) {
  absl::StatusOr<CidrRange> range = CidrRange::Parse(text);
  EXPECT_TRUE(range.ok()) << range.status();
  return range.ok() ? *range : CidrRange{};
}

inline IpAddress Ip(absl::string_view text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << ip.status();
  return ip.ok() ? *ip : IpAddress{};
}

}  // namespace riskd::testing

#endif  // RISKD_SERVER_COMMON_IP_ADDRESS_TESTING_H_
