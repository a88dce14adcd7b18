// Address parsing, CIDR edges, overlap handling, and the ASN CSV on real data.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "iprange/asn_csv.h"
#include "iprange/asn_table.h"
#include "iprange/ip_address.h"
#include "iprange/range_table.h"
#include "riskd/detector.h"
#include "riskd/detector_testing.h"

namespace riskd_iprange {
namespace {

IpRange Cidr(const std::string& text) {
  std::optional<IpRange> range = ParseAddressOrCidr(text);
  EXPECT_TRUE(range.has_value()) << text;
  return range.value_or(IpRange{});
}

TEST(IpAddressTest, ParsesBothFamiliesAndMapsV4InV6) {
  EXPECT_EQ(Cidr("1.2.3.4").family, Family::kV4);
  EXPECT_EQ(Cidr("1.2.3.4").first, Uint128{0x01020304});
  EXPECT_EQ(Cidr("2001:db8::1").family, Family::kV6);
  EXPECT_EQ(Cidr("2001:db8::1").first >> 96, Uint128{0x20010db8});
  IpRange mapped = Cidr("::ffff:1.2.3.4");
  EXPECT_EQ(mapped.family, Family::kV4);
  EXPECT_EQ(mapped.first, Uint128{0x01020304});
  IpRange mapped_block = Cidr("::ffff:10.0.0.0/104");
  EXPECT_EQ(mapped_block.family, Family::kV4);
  EXPECT_EQ(mapped_block.last, Uint128{0x0affffff});
}

TEST(IpAddressTest, RejectsMalformedText) {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/8x",
        "2001:db8::/129", "2001:::1", "example.com", " 1.2.3.4", "1.2.3.4 # x"}) {
    EXPECT_FALSE(ParseAddressOrCidr(bad).has_value()) << bad;
  }
}

TEST(IpAddressTest, CidrEdges) {
  IpRange slash24 = Cidr("192.0.2.77/24");  // host bits are dropped
  EXPECT_EQ(slash24.first, Uint128{0xc0000200});
  EXPECT_EQ(slash24.last, Uint128{0xc00002ff});
  IpRange all_v4 = Cidr("0.0.0.0/0");
  EXPECT_EQ(all_v4.first, Uint128{0});
  EXPECT_EQ(all_v4.last, Uint128{0xffffffff});
  IpRange host = Cidr("192.0.2.1/32");
  EXPECT_EQ(host.first, host.last);
  IpRange all_v6 = Cidr("::/0");
  EXPECT_EQ(all_v6.first, Uint128{0});
  EXPECT_EQ(all_v6.last, ~Uint128{0});
  IpRange v6 = Cidr("2001:db8::/32");
  EXPECT_EQ(v6.first, Cidr("2001:db8::").first);
  EXPECT_EQ(v6.last, Cidr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff").first);
}

TEST(IpAddressTest, NetworkOrderBytes) {
  uint8_t bytes[16] = {};
  inet_pton(AF_INET, "81.2.69.160", bytes);
  EXPECT_EQ(V4FromBytes(bytes), Cidr("81.2.69.160").first);
  inet_pton(AF_INET6, "2001:db8::7", bytes);
  EXPECT_EQ(V6FromBytes(bytes), Cidr("2001:db8::7").first);
}

TEST(RangeTableTest, OverlapsAreResolvedSoEachAddressHasOneLabel) {
  RangeTable<uint32_t> table;
  table.Add(100, 200, 1);  // A
  table.Add(150, 300, 2);  // B overlaps A's end: keeps 201..300
  table.Add(120, 130, 3);  // C inside A: A wins
  table.Add(100, 110, 4);  // D same start, narrower: A wins
  table.Add(50, 99, 1);    // touches A with A's label: merged
  table.Add(400, 500, 5);
  table.Add(450, 460, 5);  // duplicate coverage of the same entry
  table.Add(0xfffffff0u, 0xffffffffu, 6);
  table.Add(0xfffffffeu, 0xffffffffu, 7);  // at the very top: no overflow
  table.Build();
  EXPECT_EQ(table.Find(49), table.kNotFound);
  EXPECT_EQ(table.Find(50), 1u);
  EXPECT_EQ(table.Find(100), 1u);
  EXPECT_EQ(table.Find(125), 1u);
  EXPECT_EQ(table.Find(200), 1u);
  EXPECT_EQ(table.Find(201), 2u);
  EXPECT_EQ(table.Find(300), 2u);
  EXPECT_EQ(table.Find(301), table.kNotFound);
  EXPECT_EQ(table.Find(455), 5u);
  EXPECT_EQ(table.Find(0xffffffffu), 6u);
  EXPECT_EQ(table.size(), 4u);  // 50-200, 201-300, 400-500, top
}

TEST(AsnCsvTest, QuotedOrgsAndOnlyWantedRows) {
  riskd::testing::TempDataDir dir;
  const std::string path = dir.Write("asn.csv",
                                     "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\r\n"
                                     "\n"
                                     "2001:db8::,2001:db8::ffff,64496,\"Say \"\"hi\"\"\"\n"
                                     "8.8.8.0,8.8.8.255,15169,Google LLC\n");
  std::vector<std::string> seen;
  size_t rows = ReadAsnCsv(
      path, "asn_file", [](uint32_t asn) { return asn != 15169; },
      [&](const IpRange& range, uint32_t asn, std::string_view org) {
        seen.push_back(std::to_string(asn) + " " + UnquoteCsvField(org));
      });
  EXPECT_EQ(rows, 3u);
  EXPECT_EQ(seen, (std::vector<std::string>{"13335 Cloudflare, Inc.", "64496 Say \"hi\""}));
}

TEST(AsnCsvTest, MalformedRowsNameTheFileAndLine) {
  riskd::testing::TempDataDir dir;
  auto error_of = [&](const std::string& text) -> std::string {
    const std::string path = dir.Write("bad.csv", text);
    try {
      ReadAsnCsv(
          path, "asn_ipv4_file", [](uint32_t) { return true; },
          [](const IpRange&, uint32_t, std::string_view) {});
    } catch (const riskd::SettingError& e) {
      EXPECT_EQ(e.key(), "asn_ipv4_file");
      return std::string(e.what()).substr(path.size());
    }
    return "no error";
  };
  EXPECT_EQ(error_of("1.0.0.0,1.0.0.255,1,a\n1.0.1.0,1.0.1.255\n"),
            ":2: fewer than 4 columns (expected start,end,asn,org)");
  EXPECT_EQ(error_of("1.0.0.0,1.0.0.255,AS1,a\n"),
            ":1: the ASN \"AS1\" is not a number (expected start,end,asn,org)");
  EXPECT_EQ(error_of("1.0.0.9,1.0.0.1,1,a\n"),
            ":1: the start and end are not an IP range (expected start,end,asn,org)");
  EXPECT_EQ(error_of("1.0.0.0,2001:db8::,1,a\n"),
            ":1: the start and end are not an IP range (expected start,end,asn,org)");
}

TEST(AsnTableTest, RealDataMapsKnownAddresses) {
  const std::string data = std::string(RISKD_SOURCE_DIR) + "/data/ip-location-db-asn";
  if (!std::filesystem::exists(data + "/asn-ipv4.csv")) {
    GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  }
  AsnTable table;
  EXPECT_GT(table.Load(data + "/asn-ipv4.csv", "asn_ipv4_file"), 400000u);
  EXPECT_GT(table.Load(data + "/asn-ipv6.csv", "asn_ipv6_file"), 100000u);
  table.Build();
  // Rows of @ip-location-db/asn 2.3.2026061719.
  EXPECT_EQ(table.Find(Cidr("81.2.69.160")), 20712u);   // Andrews & Arnold, GB
  EXPECT_EQ(table.Find(Cidr("203.2.218.214")), 9342u);  // Australian Broadcasting Corp.
  EXPECT_EQ(table.Find(Cidr("86.1.2.3")), 5089u);       // Virgin Media
  EXPECT_EQ(table.Find(Cidr("2003:e3::9")), 3320u);     // Deutsche Telekom
  EXPECT_EQ(table.Find(Cidr("10.1.2.3")), 0u);          // private: no row
  uint8_t bytes[16] = {};
  inet_pton(AF_INET6, "2a02:8108::1", bytes);
  EXPECT_EQ(table.Find(RISKD_IP_V6, bytes), 31334u);  // Vodafone GmbH
  EXPECT_EQ(table.Find(RISKD_IP_NONE, bytes), 0u);
}

}  // namespace
}  // namespace riskd_iprange
