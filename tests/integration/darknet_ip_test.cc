// The darknet-ip detector through the real riskd binary, with the real data
// fetched by scripts/fetch-data.sh: Tor exits, hosting ASNs, a watched deny
// list.
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/response_lookup.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;

const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";

std::string Config(const std::string& dir) {
  return absl::StrCat(R"(
reload: {watch_file: true, interval_ms: 100}
detectors:
  - plugin: @PLUGINS@/riskd-darknet-ip.so
    timeout_ms: 2000  # these tests check results, not speed: a busy machine must not drop them
    weight: 0.7
    settings:
      tor_exit_list_file: )",
                      kData, R"(/tor-detect/ips.json
      asn_ipv4_file: )",
                      kData, R"(/ip-location-db-asn/asn-ipv4.csv
      asn_ipv6_file: )",
                      kData, R"(/ip-location-db-asn/asn-ipv6.csv
      deny_list_file: )",
                      dir, R"(/deny.txt
policies:
  - name: challenge-tor-logins
    when:
      event_types: [login_succeeded]
      signals_any: [tor_exit]
    then: challenge
)");
}

class DarknetIpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kData + "/ip-location-db-asn/asn-ipv4.csv") ||
        !std::filesystem::exists(kData + "/tor-detect/ips.json")) {
      GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
    }
    dir_ = MakeTempDir();
    WriteDenyList("# our own deny list\n198.51.100.0/24\n2001:db8:bad::/48\n");
    riskd_ = RiskdProcess::Start(WriteConfig(dir_, Config(dir_)));
    ASSERT_NE(riskd_, nullptr);
  }

  // Written aside and renamed in, as an operator's deploy would.
  void WriteDenyList(const std::string& text) {
    std::ofstream(dir_ + "/deny.txt.new") << text;
    std::filesystem::rename(dir_ + "/deny.txt.new", dir_ + "/deny.txt");
  }

  AuthenticateResponse Login(const std::string& ip) {
    AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, BrowserLogin("alice", ip), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The detail of the darknet-ip signal `name`, or "" when it is absent.
  static std::string Detail(const AuthenticateResponse& response, const std::string& name) {
    return SignalDetail(response, name, "darknet-ip");
  }

  std::string dir_;
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(DarknetIpTest, ATorExitLoginIsChallenged) {
  // 1.65.178.244 is in tor-detect 1.0.7's ips.json (a PCCW address, no hosting ASN).
  AuthenticateResponse r = Login("1.65.178.244");
  EXPECT_NE(Detail(r, "tor_exit").find("1.65.178.244 is in the Tor exit list "), std::string::npos)
      << r.DebugString();
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_EQ(r.policy(), "challenge-tor-logins");
}

TEST_F(DarknetIpTest, CloudAddressesAreDatacenterIpsWithTheirAsn) {
  // In asn-ipv4.csv: 3.5.32.0-3.29.255.255 is AS16509 Amazon, 104.131.0.0/16
  // is AS14061 DigitalOcean; in asn-ipv6.csv 2600:1f18::/33 is AS14618 Amazon.
  EXPECT_EQ(Detail(Login("3.5.140.2"), "datacenter_ip"),
            "3.5.140.2 is in hosting network AS16509 Amazon.com, Inc.");
  EXPECT_EQ(Detail(Login("104.131.0.1"), "datacenter_ip"),
            "104.131.0.1 is in hosting network AS14061 DigitalOcean, LLC");
  EXPECT_EQ(Detail(Login("2600:1f18::1"), "datacenter_ip"),
            "2600:1f18::1 is in hosting network AS14618 Amazon.com, Inc.");
}

TEST_F(DarknetIpTest, ResidentialAddressesRaiseNothing) {
  // AS7922 Comcast, AS3320 Deutsche Telekom, AS20712 Andrews & Arnold.
  for (const char* ip : {"73.15.200.1", "2003:e3::9", "81.2.69.160"}) {
    AuthenticateResponse r = Login(ip);
    EXPECT_EQ(r.signals_size(), 0) << ip << "\n" << r.DebugString();
    EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW) << ip;
  }
}

TEST_F(DarknetIpTest, DenyListedCidrsAreListedIps) {
  EXPECT_EQ(
      Detail(Login("198.51.100.200"), "listed_ip"),
      absl::StrCat("198.51.100.200 is on the deny list: 198.51.100.0/24 (", dir_, "/deny.txt:2)"));
  EXPECT_NE(Detail(Login("2001:db8:bad:7::1"), "listed_ip"), "");
  EXPECT_EQ(Detail(Login("198.51.101.1"), "listed_ip"), "");
}

TEST_F(DarknetIpTest, AnEditedDenyListIsPickedUpAndABadEditKeepsTheOldList) {
  EXPECT_EQ(Detail(Login("192.0.2.10"), "listed_ip"), "");
  WriteDenyList("198.51.100.0/24\n192.0.2.0/28\n");
  ASSERT_TRUE(riskd_->WaitForLog("msg=\"config reloaded\"")) << riskd_->Log();
  EXPECT_NE(Detail(Login("192.0.2.10"), "listed_ip"), "");
  EXPECT_EQ(Detail(Login("2001:db8:bad::1"), "listed_ip"), "") << "removed from the list";

  WriteDenyList("198.51.100.0/24\n192.0.2.0/28\n192.0.2.300\n");
  ASSERT_TRUE(riskd_->WaitForLog("config reload failed")) << riskd_->Log();
  EXPECT_NE(riskd_->Log().find(absl::StrCat("detectors[0].settings.deny_list_file: ")),
            std::string::npos)
      << riskd_->Log();
  EXPECT_NE(riskd_->Log().find(absl::StrCat(
                dir_, "/deny.txt:3: not an IP address or CIDR block: \\\"192.0.2.300\\\"")),
            std::string::npos)
      << riskd_->Log();
  EXPECT_NE(Detail(Login("192.0.2.10"), "listed_ip"), "") << "the old list keeps serving";
  EXPECT_EQ(Detail(Login("192.0.2.100"), "listed_ip"), "");
}

}  // namespace
}  // namespace riskd::testing
