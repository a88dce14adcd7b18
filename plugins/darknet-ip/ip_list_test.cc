// Address parsing, CIDR edges, overlap handling and a million-entry table.
#include "ip_list.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ip_address.h"
#include "range_table.h"

namespace riskd_darknet_ip {
namespace {

IpRange Cidr(const std::string& text) {
  std::optional<IpRange> range = ParseAddressOrCidr(text);
  EXPECT_TRUE(range.has_value()) << text;
  return range.value_or(IpRange{});
}

std::string Label(const IpList& list, const std::string& ip) {
  const std::string* label = list.Find(Cidr(ip));
  return label == nullptr ? "" : *label;
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

TEST(IpListTest, FindsFirstAndLastAddressOfABlockButNotItsNeighbours) {
  IpList list;
  list.Add(Cidr("10.0.0.0/8"), list.AddLabel("ten"));
  list.Add(Cidr("2001:db8::/32"), list.AddLabel("doc"));
  list.Add(Cidr("255.255.255.255"), list.AddLabel("broadcast"));
  list.Add(Cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"), list.AddLabel("top"));
  list.Build();
  EXPECT_EQ(Label(list, "10.0.0.0"), "ten");
  EXPECT_EQ(Label(list, "10.255.255.255"), "ten");
  EXPECT_EQ(Label(list, "9.255.255.255"), "");
  EXPECT_EQ(Label(list, "11.0.0.0"), "");
  EXPECT_EQ(Label(list, "255.255.255.255"), "broadcast");
  EXPECT_EQ(Label(list, "255.255.255.254"), "");
  EXPECT_EQ(Label(list, "0.0.0.0"), "");
  EXPECT_EQ(Label(list, "2001:db8::"), "doc");
  EXPECT_EQ(Label(list, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), "doc");
  EXPECT_EQ(Label(list, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"), "");
  EXPECT_EQ(Label(list, "2001:db9::"), "");
  EXPECT_EQ(Label(list, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "top");
  EXPECT_EQ(Label(list, "::"), "");
  // The families are separate: 10.0.0.1 is not ::a00:1.
  EXPECT_EQ(Label(list, "::a00:1"), "");
}

TEST(IpListTest, FindsByHostBytes) {
  IpList list;
  list.Add(Cidr("198.51.100.0/24"), list.AddLabel("v4"));
  list.Add(Cidr("2001:db8:1::/48"), list.AddLabel("v6"));
  list.Build();
  uint8_t bytes[16] = {};
  inet_pton(AF_INET, "198.51.100.9", bytes);
  ASSERT_NE(list.Find(RISKD_IP_V4, bytes), nullptr);
  EXPECT_EQ(*list.Find(RISKD_IP_V4, bytes), "v4");
  inet_pton(AF_INET6, "2001:db8:1:2::3", bytes);
  ASSERT_NE(list.Find(RISKD_IP_V6, bytes), nullptr);
  EXPECT_EQ(*list.Find(RISKD_IP_V6, bytes), "v6");
  EXPECT_EQ(list.Find(RISKD_IP_NONE, bytes), nullptr);
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

TEST(RangeTableTest, NestedAndIdenticalV6Ranges) {
  IpList list;
  uint32_t wide = list.AddLabel("wide");
  list.Add(Cidr("2001:db8::/32"), wide);
  list.Add(Cidr("2001:db8:5::/48"), list.AddLabel("narrow"));
  list.Add(Cidr("2001:db8::/32"), list.AddLabel("again"));
  list.Add(Cidr("2001:db8:ffff::/48"), list.AddLabel("tail"));
  list.Add(Cidr("2001:db9::/32"), wide);
  list.Build();
  EXPECT_EQ(Label(list, "2001:db8:5::1"), "wide");
  EXPECT_EQ(Label(list, "2001:db9:ffff::1"), "wide");
  EXPECT_EQ(list.range_count(), 1u) << "adjacent blocks of one label merge";
}

// A million distinct blocks of random sizes, looked up at their edges, just
// outside them, and at random addresses checked against a linear scan model.
TEST(RangeTableTest, AMillionEntries) {
  constexpr uint32_t kEntries = 1000000;
  std::mt19937 random(42);
  IpList list;
  struct Block {
    uint32_t first, last;
  };
  std::vector<Block> blocks;
  blocks.reserve(kEntries);
  // Blocks of 1..64 addresses with gaps of 1..64 between them, added in a
  // shuffled order so that Build() has to sort them.
  uint32_t next = 1;
  for (uint32_t i = 0; i < kEntries; ++i) {
    uint32_t size = 1 + random() % 64;
    blocks.push_back({next, next + size - 1});
    next += size + 1 + random() % 64;
  }
  std::vector<uint32_t> order(kEntries);
  for (uint32_t i = 0; i < kEntries; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), random);
  const uint32_t label = list.AddLabel("entry");
  for (uint32_t i : order) list.Add({Family::kV4, blocks[i].first, blocks[i].last}, label);
  list.Add(Cidr("2001:db8::/32"), list.AddLabel("v6"));
  list.Build();
  ASSERT_EQ(list.range_count(), kEntries + 1);

  auto find = [&](uint32_t address) {
    uint8_t bytes[4] = {static_cast<uint8_t>(address >> 24), static_cast<uint8_t>(address >> 16),
                        static_cast<uint8_t>(address >> 8), static_cast<uint8_t>(address)};
    return list.Find(RISKD_IP_V4, bytes) != nullptr;
  };
  int misses = 0;
  for (const Block& b : blocks) {
    misses += !find(b.first) + !find(b.last) + find(b.first - 1) + find(b.last + 1);
  }
  EXPECT_EQ(misses, 0);
  for (int i = 0; i < 100000; ++i) {
    uint32_t address = random() % next;
    auto it = std::upper_bound(blocks.begin(), blocks.end(), address,
                               [](uint32_t a, const Block& b) { return a < b.first; });
    bool expected = it != blocks.begin() && address <= std::prev(it)->last;
    ASSERT_EQ(find(address), expected) << address;
  }
}

}  // namespace
}  // namespace riskd_darknet_ip
