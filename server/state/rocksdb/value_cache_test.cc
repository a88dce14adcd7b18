#include "server/state/rocksdb/value_cache.h"

#include "gtest/gtest.h"

namespace riskd {
namespace {

std::optional<std::string> Stored(ValueCache& cache, absl::string_view key) {
  ValueCache::Lookup found = cache.Find(key);
  EXPECT_TRUE(found.known) << key;
  return found.stored ? std::optional<std::string>(*found.stored) : std::nullopt;
}

TEST(ValueCacheTest, KnowsWhatWasPutIncludingAbsentKeys) {
  ValueCache cache(1 << 20);
  EXPECT_FALSE(cache.Find("u:{alice}").known);
  cache.Put("u:{alice}", "record");
  cache.Put("u:{bob}", std::nullopt);
  EXPECT_EQ(Stored(cache, "u:{alice}"), "record");
  EXPECT_EQ(Stored(cache, "u:{bob}"), std::nullopt);
}

TEST(ValueCacheTest, ALaterPutReplacesAndEraseForgets) {
  ValueCache cache(1 << 20);
  cache.Put("k", "old");
  cache.Put("k", "new value");
  EXPECT_EQ(Stored(cache, "k"), "new value");
  cache.Put("k", std::nullopt);
  EXPECT_EQ(Stored(cache, "k"), std::nullopt);
  cache.Erase("k");
  EXPECT_FALSE(cache.Find("k").known);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ValueCacheTest, StaysWithinItsBytesDroppingTheLeastRecentlyUsed) {
  const std::string value(100, 'v');
  ValueCache cache(1000);  // four entries of this size, with their overhead
  for (const char* key : {"a", "b", "c", "d"}) cache.Put(key, value);
  ASSERT_EQ(cache.size(), 4u);
  ASSERT_TRUE(cache.Find("a").known);  // a is now more recent than b
  cache.Put("e", value);
  EXPECT_LE(cache.bytes(), 1000u);
  EXPECT_FALSE(cache.Find("b").known);
  for (const char* key : {"a", "c", "d", "e"}) EXPECT_TRUE(cache.Find(key).known) << key;
}

TEST(ValueCacheTest, AValueLargerThanTheCacheIsNotKeptAndForgetsTheOldOne) {
  ValueCache cache(1000);
  cache.Put("k", "small");
  cache.Put("k", std::string(5000, 'x'));
  EXPECT_FALSE(cache.Find("k").known);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ValueCacheTest, AShrunkCacheEvictsAtOnce) {
  ValueCache cache(1 << 20);
  for (int i = 0; i < 100; ++i) cache.Put("k" + std::to_string(i), std::string(100, 'v'));
  cache.set_capacity_bytes(0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace riskd
