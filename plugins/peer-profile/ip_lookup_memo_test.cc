#include "ip_lookup_memo.h"

#include <thread>

#include "gtest/gtest.h"

namespace riskd_peer_profile {
namespace {

constexpr uint8_t kLondon[16] = {81, 2, 69, 160};
constexpr uint8_t kSydney[16] = {1, 128, 0, 1};

IpLookup GbLookup() { return {.where = Location{"GB", -0.12}, .asn = 20712}; }

TEST(IpLookupMemoTest, FindsTheLastLookupOfThisThreadAndInstance) {
  IpLookupMemo memo;
  EXPECT_FALSE(memo.Find(4, kLondon).has_value());
  memo.Remember(4, kLondon, GbLookup());
  std::optional<IpLookup> found = memo.Find(4, kLondon);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->asn, 20712u);
  ASSERT_TRUE(found->where.has_value());
  EXPECT_EQ(found->where->country_code, "GB");
  EXPECT_EQ(found->where->longitude, -0.12);
}

TEST(IpLookupMemoTest, AnotherIpFamilyInstanceOrThreadMisses) {
  IpLookupMemo memo;
  memo.Remember(4, kLondon, GbLookup());
  EXPECT_FALSE(memo.Find(4, kSydney).has_value());
  EXPECT_FALSE(memo.Find(6, kLondon).has_value());
  IpLookupMemo reloaded;  // a new instance may read other data files
  EXPECT_FALSE(reloaded.Find(4, kLondon).has_value());
  bool found_elsewhere = true;
  std::thread([&] { found_elsewhere = memo.Find(4, kLondon).has_value(); }).join();
  EXPECT_FALSE(found_elsewhere);
  // Remembering for another instance replaces this thread's entry.
  reloaded.Remember(4, kSydney, IpLookup{});
  EXPECT_FALSE(memo.Find(4, kLondon).has_value());
}

TEST(IpLookupMemoTest, RemembersAnUnknownLocationAndNoLongitude) {
  IpLookupMemo memo;
  memo.Remember(4, kSydney, IpLookup{.where = std::nullopt, .asn = 0});
  std::optional<IpLookup> found = memo.Find(4, kSydney);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->where.has_value());
  memo.Remember(4, kLondon, IpLookup{.where = Location{"GB", std::nullopt}, .asn = 1});
  found = memo.Find(4, kLondon);
  ASSERT_TRUE(found.has_value() && found->where.has_value());
  EXPECT_FALSE(found->where->longitude.has_value());
}

}  // namespace
}  // namespace riskd_peer_profile
