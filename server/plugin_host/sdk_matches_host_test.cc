// What the detector SDK writes in riskd's name must be what riskd does:
// riskd::UserHashTag the tag of riskd's own user keys (or a detector's
// per-user state would land in another Redis Cluster slot), and the test
// helper SetIpAsHost the IP family and bytes riskd passes to detectors (or
// plugin unit tests would test events riskd never sends).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "riskd/detector.h"
#include "riskd/detector_testing.h"
#include "server/common/ip_address.h"
#include "server/state/state_keys.h"

namespace riskd {
namespace {

TEST(SdkMatchesHostTest, UserHashTagIsTheTagOfRiskdsOwnUserKeys) {
  for (const std::string id :
       {"alice", "a{b}%c", "}{", "%%", "{}", "user@example.com", "\xc3\xa9t\xc3\xa9"}) {
    SCOPED_TRACE(id);
    const std::string tag = UserHashTag(id);
    EXPECT_EQ(UserKey(id), "u:" + tag);
    EXPECT_EQ(HashTagOf(tag + ":geo"), HashTagOf(UserKey(id)));
  }
  EXPECT_EQ(UserHashTag("a{b}%c"), "{a%7bb%7d%25c}");
}

TEST(SdkMatchesHostTest, SetIpAsHostGivesTheFamilyAndBytesRiskdParses) {
  for (const std::string ip : {"81.2.69.160", "0.0.0.0", "2001:db8::7", "::1",
                               "::", "::ffff:203.0.113.9", "::ffff:0:203.0.113.9", "fe80::1:2"}) {
    SCOPED_TRACE(ip);
    absl::StatusOr<IpAddress> host = IpAddress::Parse(ip);
    ASSERT_TRUE(host.ok()) << host.status();
    riskd_event raw{};
    testing::SetIpAsHost(ip, raw);
    EXPECT_EQ(raw.ip_family, host->family == IpAddress::Family::kV4 ? RISKD_IP_V4 : RISKD_IP_V6);
    EXPECT_EQ(std::memcmp(raw.ip_bytes, host->bytes.data(), sizeof(raw.ip_bytes)), 0);
  }
  for (const std::string text : {"", "not an ip", "81.2.69", "2001:db8::/32"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(IpAddress::Parse(text).ok());
    riskd_event raw{};
    testing::SetIpAsHost(text, raw);
    EXPECT_EQ(raw.ip_family, RISKD_IP_NONE);
  }
}

}  // namespace
}  // namespace riskd
