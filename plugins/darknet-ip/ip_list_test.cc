// Lists of labelled ranges, nested blocks and a million-entry table (address
// parsing and the range table alone are tested in plugins/common/iprange).
#include "ip_list.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

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
