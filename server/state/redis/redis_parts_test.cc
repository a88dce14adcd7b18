// Unit tests of the engine's pure parts: redirect parsing, the slot map,
// scan cursors and patterns, and how transactions become script calls.
#include <string>

#include "gtest/gtest.h"
#include "server/state/redis/crc16_slot.h"
#include "server/state/redis/redis_connection.h"
#include "server/state/redis/redis_reply.h"
#include "server/state/redis/scan_cursor.h"
#include "server/state/redis/slot_map.h"
#include "server/state/redis/slot_scan.h"
#include "server/state/redis/transaction_script.h"

namespace riskd::redis {
namespace {

RedisReply Integer(int64_t value) {
  RedisReply reply;
  reply.type = RedisReply::Type::kInteger;
  reply.integer = value;
  return reply;
}

RedisReply String(std::string value) {
  RedisReply reply;
  reply.type = RedisReply::Type::kString;
  reply.str = std::move(value);
  return reply;
}

RedisReply Array(std::vector<RedisReply> elements) {
  RedisReply reply;
  reply.type = RedisReply::Type::kArray;
  reply.elements = std::move(elements);
  return reply;
}

TEST(RedirectTest, ParsesMovedAndAsk) {
  auto moved = ParseRedirect("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->kind, Redirect::Kind::kMoved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->address, "127.0.0.1:6381");
  auto ask = ParseRedirect("ASK 12 10.0.0.2:7000");
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, Redirect::Kind::kAsk);
  EXPECT_FALSE(ParseRedirect("ERR unknown command").has_value());
  EXPECT_FALSE(ParseRedirect("MOVED x 127.0.0.1:1").has_value());
  EXPECT_TRUE(IsTransientClusterError("TRYAGAIN Multiple keys request during rehashing of slot"));
  EXPECT_TRUE(IsTransientClusterError("CLUSTERDOWN The cluster is down"));
  EXPECT_FALSE(IsTransientClusterError("WRONGTYPE Operation against a key"));
}

TEST(SplitHostPortTest, AcceptsHostPortOnly) {
  auto ok = SplitHostPort("127.0.0.1:7000");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, "127.0.0.1");
  EXPECT_EQ(ok->second, 7000);
  EXPECT_EQ(SplitHostPort("[::1]:7000")->first, "::1");
  EXPECT_FALSE(SplitHostPort("127.0.0.1").ok());
  EXPECT_FALSE(SplitHostPort(":7000").ok());
  EXPECT_FALSE(SplitHostPort("host:70000").ok());
}

TEST(SlotMapTest, ReadsClusterSlots) {
  RedisReply reply = Array({
      Array(
          {Integer(0), Integer(5460), Array({String("127.0.0.1"), Integer(7000), String("id0")})}),
      Array({Integer(5461), Integer(16383),
             Array({String(""), Integer(7001), String("id1")}),  // the answering node
             Array({String("127.0.0.1"), Integer(7004), String("replica")})}),
  });
  auto map = SlotMap::FromClusterSlots(reply, "10.1.1.1:7001");
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->MasterOf(0), "127.0.0.1:7000");
  EXPECT_EQ(map->MasterOf(5460), "127.0.0.1:7000");
  EXPECT_EQ(map->MasterOf(5461), "10.1.1.1:7001");
  EXPECT_EQ(map->Masters(), (std::vector<std::string>{"10.1.1.1:7001", "127.0.0.1:7000"}));
  map->Assign(0, "127.0.0.1:7002");
  EXPECT_EQ(map->MasterOf(0), "127.0.0.1:7002");
}

TEST(SlotMapTest, RejectsMalformedReplies) {
  EXPECT_FALSE(SlotMap::FromClusterSlots(String("x"), "127.0.0.1:1").ok());
  EXPECT_FALSE(
      SlotMap::FromClusterSlots(
          Array({Array({Integer(5), Integer(16384), Array({String("127.0.0.1"), Integer(7000)})})}),
          "127.0.0.1:1")
          .ok());
  EXPECT_TRUE(SlotMap::FromClusterSlots(Array({}), "127.0.0.1:1")->MasterOf(0).empty());
}

TEST(ScanCursorTest, RoundTripsAndRejectsGarbage) {
  auto start = ClusterScanCursor::Parse("");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->node_index, 0u);
  EXPECT_EQ(start->node_cursor, "0");
  auto middle = ClusterScanCursor::Parse(ClusterScanCursor{2, "1234"}.ToString());
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(middle->node_index, 2u);
  EXPECT_EQ(middle->node_cursor, "1234");
  for (const char* bad : {"x", "1:", ":5", "1:-3", "a:1", "1:2:3"}) {
    EXPECT_EQ(ClusterScanCursor::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ScanCursorTest, PatternEscapesGlobCharacters) {
  EXPECT_EQ(PrefixMatchPattern("user:"), "user:*");
  EXPECT_EQ(PrefixMatchPattern("a*b?c[d]e\\f"), "a\\*b\\?c\\[d\\]e\\\\f*");
  EXPECT_EQ(PrefixMatchPattern(""), "*");
}

TEST(TransactionScriptTest, GuardAndMutationsBecomeKeysAndArguments) {
  StateStore::Transaction transaction{
      .guard_key = "{u}:user",
      .guard_value = "v1",
      .mutations = {{"{u}:user", "v2", absl::ZeroDuration()},
                    {"{u}:seen", "1", absl::Microseconds(1500)},
                    {"{u}:old", std::nullopt, absl::ZeroDuration()}}};
  auto call = ToScriptCall(transaction, "p:");
  ASSERT_TRUE(call.ok()) << call.status();
  ASSERT_TRUE(call->has_value());
  EXPECT_EQ((*call)->slot, HashSlot("u"));
  EXPECT_EQ((*call)->script_arguments,
            (RedisCommand{"4", "p:{u}:user", "p:{u}:user", "p:{u}:seen", "p:{u}:old", "equals",
                          "v1", "set", "v2", "", "setpx", "1", "2", "del", "", ""}));
  EXPECT_EQ(EvalShaCommand(**call)[1], TransactionScriptSha1());
  EXPECT_EQ(EvalCommand(**call)[1], TransactionScript());
}

TEST(TransactionScriptTest, AbsentGuardAndEmptyTransactions) {
  StateStore::Transaction guard_only;
  guard_only.guard_key = "{a}:k";
  auto absent = ToScriptCall(guard_only, "");
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ((*absent)->script_arguments, (RedisCommand{"1", "{a}:k", "absent", ""}));
  auto empty = ToScriptCall({}, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
}

TEST(TransactionScriptTest, KeysInDifferentSlotsAreRejected) {
  StateStore::Transaction transaction;
  transaction.mutations = {{"{alice}:a", "1"}, {"{bob}:b", "2"}};
  EXPECT_EQ(ToScriptCall(transaction, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SlotScanTest, OnlyPrefixesWithAWholeHashTagMapToOneSlot) {
  EXPECT_EQ(SlotOfPrefix("wh:{wh:3}:q:"), HashSlot("{wh:3}"));
  EXPECT_EQ(SlotOfPrefix("p:{alice}"), HashSlot("alice"));
  EXPECT_EQ(SlotOfPrefix("u:"), std::nullopt);
  EXPECT_EQ(SlotOfPrefix("u:{ali"), std::nullopt);  // the tag may end later, differently
  EXPECT_EQ(SlotOfPrefix("x{}{a}"), std::nullopt);  // an empty tag hashes whole keys
}

TEST(SlotScanTest, PagesThroughTheSlotsKeysWithThePrefixInOrder) {
  const std::vector<std::string> slot = {"q:3", "other", "q:1", "q:5", "q:2", "q:4", "r:1"};
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = SelectSlotScanPage(slot, "q:", cursor, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->keys.size(), 2u);
    seen.insert(seen.end(), page->keys.begin(), page->keys.end());
    cursor = page->next_cursor;
    ASSERT_LT(++pages, 10);
  } while (!cursor.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"q:1", "q:2", "q:3", "q:4", "q:5"}));
  EXPECT_EQ(pages, 3);
}

TEST(SlotScanTest, ResumesAfterTheLastKeyEvenIfItIsGone) {
  auto first = SelectSlotScanPage({"q:1", "q:2", "q:3"}, "q:", "", 1);
  ASSERT_TRUE(first.ok());
  // q:1 is deleted and q:0 added meanwhile: the scan goes on from q:2.
  auto second = SelectSlotScanPage({"q:0", "q:2", "q:3"}, "q:", first->next_cursor, 5);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->keys, (std::vector<std::string>{"q:2", "q:3"}));
  EXPECT_EQ(second->next_cursor, "");
}

TEST(SlotScanTest, RejectsCursorsItDidNotMake) {
  for (const char* bad : {"0:0", "s:abc", "s:zz", "x"}) {
    EXPECT_EQ(SelectSlotScanPage({}, "q:", bad, 5).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace riskd::redis
