#include "server/state/redis/crc16_slot.h"

#include "gtest/gtest.h"

namespace riskd::redis {
namespace {

TEST(Crc16SlotTest, Crc16MatchesTheXmodemCheckValue) {
  EXPECT_EQ(Crc16Xmodem("123456789"), 0x31C3);
  EXPECT_EQ(Crc16Xmodem(""), 0);
}

TEST(Crc16SlotTest, SlotsMatchRedis) {
  // Values from CLUSTER KEYSLOT on Redis 7.
  EXPECT_EQ(HashSlot("foo"), 12182);
  EXPECT_EQ(HashSlot("bar"), 5061);
  EXPECT_EQ(HashSlot(""), 0);
}

TEST(Crc16SlotTest, KeysWithOneHashTagShareASlot) {
  EXPECT_EQ(HashTagOf("{user1000}.following"), "user1000");
  EXPECT_EQ(HashSlot("{user1000}.following"), HashSlot("{user1000}.followers"));
  EXPECT_EQ(HashSlot("{user1000}.following"), HashSlot("user1000"));
}

TEST(Crc16SlotTest, EmptyTagHashesTheWholeKey) {
  EXPECT_EQ(HashTagOf("foo{}{bar}"), "foo{}{bar}");
  EXPECT_EQ(HashSlot("foo{}{bar}"), Crc16Xmodem("foo{}{bar}") % kClusterSlotCount);
}

TEST(Crc16SlotTest, TagEndsAtTheFirstClosingBrace) {
  EXPECT_EQ(HashTagOf("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(HashSlot("foo{{bar}}zap"), HashSlot("{bar"));
  EXPECT_EQ(HashTagOf("foo{bar}{zap}"), "bar");
}

TEST(Crc16SlotTest, UnclosedBraceHashesTheWholeKey) {
  EXPECT_EQ(HashTagOf("foo{bar"), "foo{bar");
  EXPECT_EQ(HashTagOf("}foo{"), "}foo{");
}

TEST(Crc16SlotTest, BinaryKeysAreHashedByteForByte) {
  std::string key("a\0b\xff", 4);
  EXPECT_EQ(HashSlot(key), Crc16Xmodem(key) % kClusterSlotCount);
  EXPECT_NE(HashSlot(key), HashSlot("a"));
}

}  // namespace
}  // namespace riskd::redis
