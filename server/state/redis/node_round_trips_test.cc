// Round trips shared by concurrent callers, against a real redis-server:
// each caller gets exactly its own replies, in order, and under contention
// the node sees fewer reads than calls.
#include "server/state/redis/node_round_trips.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/state/redis/local_redis_cluster.h"
#include "server/state/redis/node_connection_pool.h"

namespace riskd::redis {
namespace {

using testing::LocalRedisCluster;

int64_t ReadsProcessed(const LocalRedisCluster& cluster) {
  auto info = cluster.Command(0, {"INFO", "stats"});
  EXPECT_TRUE(info.ok()) << info.status();
  const std::string key = "total_reads_processed:";
  size_t at = info->str.find(key);
  EXPECT_NE(at, std::string::npos);
  int64_t reads = 0;
  EXPECT_TRUE(absl::SimpleAtoi(
      info->str.substr(at + key.size(), info->str.find('\r', at) - at - key.size()), &reads));
  return reads;
}

// One caller's pipeline through `trips`, the way ClusterPipeline does it.
absl::StatusOr<std::vector<RedisReply>> RoundTrip(NodeRoundTrips& trips,
                                                  const std::vector<RedisCommand>& wire,
                                                  bool* sent = nullptr) {
  NodeRoundTrips::Call call;
  call.wire = wire;
  trips.Start(&call);
  trips.FinishOwn(&call);
  trips.Finish(&call);
  if (sent != nullptr) *sent = call.sent;
  return std::move(call.replies);
}

TEST(NodeRoundTripsTest, ConcurrentCallersShareRoundTripsAndGetTheirOwnReplies) {
  auto cluster = LocalRedisCluster::Start(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  NodeConnectionPool pool((*cluster)->Address(0), ConnectionOptions{}, /*max_idle=*/8,
                          /*max_round_trips_in_flight=*/1);
  constexpr int kThreads = 8, kCalls = 200;
  const int64_t reads_before = ReadsProcessed(**cluster);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string mine = absl::StrCat("caller ", t, " call ", i);
        auto replies =
            RoundTrip(pool.round_trips(), {{"ECHO", mine + " a"}, {"ECHO", mine + " b"}});
        if (!replies.ok() || replies->size() != 2 || (*replies)[0].str != mine + " a" ||
            (*replies)[1].str != mine + " b") {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const int64_t reads = ReadsProcessed(**cluster) - reads_before;
  EXPECT_EQ(wrong, 0);
  EXPECT_LT(reads, kThreads * kCalls) << "every call made its own round trip";
}

TEST(NodeRoundTripsTest, ANodeThatCannotBeReachedFailsEveryCallWithNothingSent) {
  auto cluster = LocalRedisCluster::Start(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  const std::string address = (*cluster)->Address(0);
  ASSERT_TRUE((*cluster)->StopNode(0).ok());
  NodeConnectionPool pool(address, ConnectionOptions{}, 8, 1);
  bool sent = true;
  auto replies = RoundTrip(pool.round_trips(), {{"PING"}}, &sent);
  ASSERT_FALSE(replies.ok());
  EXPECT_EQ(replies.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(replies.status().message().find(address), std::string::npos) << replies.status();
  EXPECT_FALSE(sent) << "a caller must know it may safely try again";
}

}  // namespace
}  // namespace riskd::redis
