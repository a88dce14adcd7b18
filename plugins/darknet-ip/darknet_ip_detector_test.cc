#include "darknet_ip_detector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "riskd/detector_testing.h"
#include "test_event.h"

namespace riskd_darknet_ip {
namespace {

using riskd::testing::CapturedResult;
using riskd::testing::MakeSettings;

class DarknetIpDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.Write("tor.txt", "# Tor exits\n185.220.101.1\n2a0b:f4c2::/40\n");
    data_.Write("asn4.csv",
                "3.0.0.0,3.0.0.255,16509,\"Amazon.com, Inc.\"\n"
                "24.0.0.0,24.0.0.255,7922,\"Comcast Cable Communications, LLC\"\n"
                "104.131.0.0,104.131.255.255,14061,\"DigitalOcean, LLC\"\n");
    data_.Write("asn6.csv",
                "2600:1f00::,2600:1fff:ffff:ffff:ffff:ffff:ffff:ffff,16509,Amazon.com\n");
  }

  // Settings pointing at the small files above, plus `overrides`.
  riskd::Settings Settings(std::map<std::string, std::string> overrides = {}) {
    overrides.try_emplace("tor_exit_list_file", (dir_ / "tor.txt").string());
    overrides.try_emplace("asn_ipv4_file", (dir_ / "asn4.csv").string());
    overrides.try_emplace("asn_ipv6_file", (dir_ / "asn6.csv").string());
    return MakeSettings(DarknetIpDetector::Describe(), overrides);
  }

  riskd::testing::TempDataDir data_;
  const std::filesystem::path dir_ = data_.path();
};

struct Outcome {
  double score;
  std::vector<std::pair<std::string, std::string>> signals;
};

Outcome Evaluated(const DarknetIpDetector& detector, const std::string& ip) {
  TestEvent event(ip);
  CapturedResult result;
  detector.Evaluate(event.event(), result.result());
  return {result.score(), result.signals()};
}

TEST_F(DarknetIpDetectorTest, TorExitV4AndV6) {
  DarknetIpDetector detector(Settings());
  Outcome v4 = Evaluated(detector, "185.220.101.1");
  ASSERT_EQ(v4.signals.size(), 1u);
  EXPECT_EQ(v4.signals[0].first, "tor_exit");
  EXPECT_EQ(v4.signals[0].second,
            "185.220.101.1 is in the Tor exit list " + (dir_ / "tor.txt").string());
  EXPECT_DOUBLE_EQ(v4.score, 0.9);
  EXPECT_EQ(Evaluated(detector, "2a0b:f4c2:1::5").signals.size(), 1u);
  EXPECT_TRUE(Evaluated(detector, "185.220.101.2").signals.empty());
  EXPECT_DOUBLE_EQ(Evaluated(detector, "185.220.101.2").score, 0.0);
}

TEST_F(DarknetIpDetectorTest, TorDetectJsonWithItsNotices) {
  data_.Write("tor.json",
              "[\n  \"# This is a list of all Tor exit nodes #\",\n  \"1.65.178.244\",\n"
              "  \"2001:db8::7\",\n  \"If you keep trying to download this list too often\"\n]");
  DarknetIpDetector detector(Settings({{"tor_exit_list_file", (dir_ / "tor.json").string()}}));
  EXPECT_EQ(detector.tor_ranges(), 2u);
  EXPECT_EQ(Evaluated(detector, "1.65.178.244").signals.at(0).first, "tor_exit");
  EXPECT_EQ(Evaluated(detector, "2001:db8::7").signals.at(0).first, "tor_exit");
}

TEST_F(DarknetIpDetectorTest, DatacenterByAsnNamesTheAsnAndOrg) {
  DarknetIpDetector detector(Settings());
  Outcome aws = Evaluated(detector, "3.0.0.17");
  ASSERT_EQ(aws.signals.size(), 1u);
  EXPECT_EQ(aws.signals[0].first, "datacenter_ip");
  EXPECT_EQ(aws.signals[0].second, "3.0.0.17 is in hosting network AS16509 Amazon.com, Inc.");
  EXPECT_DOUBLE_EQ(aws.score, 0.5);
  EXPECT_EQ(Evaluated(detector, "2600:1f18::1").signals.at(0).second,
            "2600:1f18::1 is in hosting network AS16509 Amazon.com");
  EXPECT_EQ(Evaluated(detector, "104.131.255.255").signals.at(0).first, "datacenter_ip");
  EXPECT_TRUE(Evaluated(detector, "24.0.0.1").signals.empty()) << "Comcast is residential";
  EXPECT_TRUE(Evaluated(detector, "3.0.1.0").signals.empty());
}

TEST_F(DarknetIpDetectorTest, HostingAsnsAreConfigurable) {
  DarknetIpDetector detector(Settings({{"hosting_asns", "AS7922"}}));
  EXPECT_EQ(Evaluated(detector, "24.0.0.1").signals.at(0).first, "datacenter_ip");
  EXPECT_TRUE(Evaluated(detector, "3.0.0.1").signals.empty());
}

TEST_F(DarknetIpDetectorTest, ProxyAndDenyListsFromFilesAndSettings) {
  std::string proxies = data_.Write("proxies.txt", "# open proxies\n\n198.51.100.0/24  # a /24\n");
  std::string denied = data_.Write("deny.txt", "203.0.113.7\n2001:db8:bad::/48\n");
  DarknetIpDetector detector(Settings({{"proxy_list_file", proxies},
                                       {"proxy_ips", "192.0.2.1"},
                                       {"deny_list_file", denied},
                                       {"deny_ips", "10.0.0.0/8,fd00::/8"}}));
  EXPECT_EQ(Evaluated(detector, "198.51.100.255").signals.at(0).second,
            "198.51.100.255 is a listed proxy: 198.51.100.0/24 (" + proxies + ":3)");
  EXPECT_DOUBLE_EQ(Evaluated(detector, "198.51.100.255").score, 0.7);
  EXPECT_EQ(Evaluated(detector, "192.0.2.1").signals.at(0).first, "proxy_ip");
  Outcome listed = Evaluated(detector, "2001:db8:bad:1::1");
  ASSERT_EQ(listed.signals.size(), 1u);
  EXPECT_EQ(listed.signals[0].first, "listed_ip");
  EXPECT_EQ(listed.signals[0].second,
            "2001:db8:bad:1::1 is on the deny list: 2001:db8:bad::/48 (" + denied + ":2)");
  EXPECT_DOUBLE_EQ(listed.score, 1.0);
  EXPECT_EQ(Evaluated(detector, "10.255.255.255").signals.at(0).second,
            "10.255.255.255 is on the deny list: 10.0.0.0/8 (setting deny_ips)");
  EXPECT_EQ(Evaluated(detector, "fdff::1").signals.at(0).first, "listed_ip");
  EXPECT_EQ(Evaluated(detector, "203.0.113.7").signals.at(0).first, "listed_ip");
  EXPECT_TRUE(Evaluated(detector, "203.0.113.8").signals.empty());
}

TEST_F(DarknetIpDetectorTest, SeveralSignalsAndTheHighestScore) {
  DarknetIpDetector detector(Settings({{"deny_ips", "3.0.0.0/24"}, {"listed_score", "0.3"}}));
  Outcome both = Evaluated(detector, "3.0.0.1");
  ASSERT_EQ(both.signals.size(), 2u);
  EXPECT_EQ(both.signals[0].first, "listed_ip");
  EXPECT_EQ(both.signals[1].first, "datacenter_ip");
  EXPECT_DOUBLE_EQ(both.score, 0.5);
}

TEST_F(DarknetIpDetectorTest, MappedV4MatchesV4Lists) {
  DarknetIpDetector detector(Settings({{"deny_ips", "::ffff:203.0.113.0/120"}}));
  EXPECT_EQ(Evaluated(detector, "203.0.113.200").signals.at(0).first, "listed_ip");
  EXPECT_EQ(Evaluated(detector, "::ffff:203.0.113.1").signals.at(0).first, "listed_ip");
}

TEST_F(DarknetIpDetectorTest, NoIpNoSignal) {
  DarknetIpDetector detector(Settings({{"deny_ips", "0.0.0.0/0,::/0"}}));
  riskd::testing::EventBuilder builder;
  CapturedResult result;
  detector.Evaluate(builder.Build(), result.result());
  EXPECT_TRUE(result.signals().empty());
  EXPECT_DOUBLE_EQ(result.score(), 0.0);
}

void ExpectSettingError(const std::function<void()>& create, const std::string& key,
                        const std::string& message) {
  try {
    create();
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), key);
    EXPECT_EQ(e.what(), message);
  }
}

TEST_F(DarknetIpDetectorTest, AMalformedLineNamesTheFileAndLine) {
  std::string denied = data_.Write("deny.txt", "# mine\n203.0.113.7\n203.0.113.300\n");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"deny_list_file", denied}}));
      },
      "deny_list_file", denied + ":3: not an IP address or CIDR block: \"203.0.113.300\"");
  std::string proxies = data_.Write("proxies.txt", "10.0.0.0/33\n");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"proxy_list_file", proxies}}));
      },
      "proxy_list_file", proxies + ":1: not an IP address or CIDR block: \"10.0.0.0/33\"");
  std::string tor = data_.Write("tor.json", "[\n\"1.2.3.4\",\n\"1.2.3\"\n]");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"tor_exit_list_file", tor}}));
      },
      "tor_exit_list_file", tor + ":3: not an IP address or CIDR block: \"1.2.3\"");
  std::string asn =
      data_.Write("asn.csv", "3.0.0.0,3.0.0.255,16509,A\n3.0.1.0,3.0.1.255,x16509,A\n");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"asn_ipv4_file", asn}}));
      },
      "asn_ipv4_file", asn + ":2: the ASN \"x16509\" is not a number (expected start,end,asn,org)");
  std::string bad_range = data_.Write("asn6.csv", "2600::,2600::1::,16509,A\n");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"asn_ipv6_file", bad_range}}));
      },
      "asn_ipv6_file",
      bad_range +
          ":1: the start and end are not an IP range (expected "
          "start,end,asn,org)");
}

TEST_F(DarknetIpDetectorTest, BadSettingsAreRefused) {
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"deny_ips", "10.0.0.0/8,nope"}}));
      },
      "deny_ips", "not an IP address or CIDR block: \"nope\"");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"hosting_asns", "16509,ASx"}}));
      },
      "hosting_asns", "not an AS number: \"ASx\"");
  ExpectSettingError(
      [&] {
        DarknetIpDetector d(Settings({{"tor_exit_score", "1.5"}}));
      },
      "tor_exit_score", "must be between 0 and 1, got 1.5");
}

// A deny list file of a million lines (addresses, /24s and IPv6 /64s), read
// and looked up through the detector.
TEST_F(DarknetIpDetectorTest, AMillionLineDenyList) {
  constexpr int kLines = 1000000;
  std::string text = "# generated\n";
  text.reserve(kLines * 24);
  auto v4 = [](int i) {  // 10.x.y.z, 4 apart so that neighbours stay distinct
    uint32_t a = 0x0a000000u + static_cast<uint32_t>(i) * 4;
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
           std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
  };
  for (int i = 0; i < kLines; ++i) {
    if (i % 3 == 0) {
      text += v4(i) + "\n";
    } else if (i % 3 == 1) {
      text += "172." + std::to_string(16 + i % 16) + "." + std::to_string(i % 256) + ".0/24\n";
    } else {
      char line[64];
      std::snprintf(line, sizeof(line), "2001:db8:%x:%x::/64\n", i >> 16, i & 0xffff);
      text += line;
    }
  }
  std::string path = data_.Write("big.txt", text);
  DarknetIpDetector detector(Settings({{"deny_list_file", path}}));
  for (int i = 0; i < kLines; i += 997) {
    const int base = i - i % 3;
    ASSERT_EQ(Evaluated(detector, v4(base)).signals.size(), 1u) << v4(base);
    EXPECT_EQ(Evaluated(detector, v4(base)).signals[0].second,
              v4(base) + " is on the deny list: " + v4(base) + " (" + path + ":" +
                  std::to_string(base + 2) + ")");
    EXPECT_TRUE(Evaluated(detector, v4(base + 1)).signals.empty()) << v4(base + 1);
    char v6[64];
    const int six = base + 2;
    std::snprintf(v6, sizeof(v6), "2001:db8:%x:%x:ffff:ffff:ffff:ffff", six >> 16, six & 0xffff);
    ASSERT_EQ(Evaluated(detector, v6).signals.size(), 1u) << v6;
    std::snprintf(v6, sizeof(v6), "2001:db8:%x:%x::", (six + 1) >> 16, (six + 1) & 0xffff);
    EXPECT_TRUE(Evaluated(detector, v6).signals.empty()) << v6;
  }
  EXPECT_EQ(Evaluated(detector, "172.31.255.255").signals.at(0).first, "listed_ip");
  EXPECT_TRUE(Evaluated(detector, "172.32.0.0").signals.empty());
}

// The shipped data, when scripts/fetch-data.sh has fetched it.
TEST(DarknetIpRealDataTest, ShippedDataLoads) {
  const std::string data = std::string(RISKD_SOURCE_DIR) + "/data";
  if (!std::filesystem::exists(data + "/ip-location-db-asn/asn-ipv4.csv")) {
    GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  }
  DarknetIpDetector detector(
      MakeSettings(DarknetIpDetector::Describe(),
                   {{"tor_exit_list_file", data + "/tor-detect/ips.json"},
                    {"asn_ipv4_file", data + "/ip-location-db-asn/asn-ipv4.csv"},
                    {"asn_ipv6_file", data + "/ip-location-db-asn/asn-ipv6.csv"}}));
  // 1,194 addresses; neighbours such as 104.218.63.72-74 share one range.
  EXPECT_GT(detector.tor_ranges(), 1000u);
  EXPECT_LE(detector.tor_ranges(), 1194u);
  EXPECT_GT(detector.datacenter_ranges(), 1000u);
  EXPECT_EQ(Evaluated(detector, "1.65.178.244").signals.at(0).first, "tor_exit");
}

}  // namespace
}  // namespace riskd_darknet_ip
