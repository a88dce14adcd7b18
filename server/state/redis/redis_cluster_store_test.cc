// RedisClusterStore against a real 3-master Redis Cluster that this test
// process starts on free loopback ports: the conformance suite, then what is
// particular to a cluster (redirects while a slot migrates, unreachable
// nodes, a master that restarts).
#include "server/state/redis/redis_cluster_store.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/state/redis/crc16_slot.h"
#include "server/state/redis/local_redis_cluster.h"
#include "server/state/redis/transaction_script.h"
#include "server/state/state_store_conformance.h"

namespace riskd {
namespace {

using redis::HashSlot;
using redis::RedisReply;
using redis::testing::LocalRedisCluster;
using Transaction = StateStore::Transaction;
using Mutation = StateStore::Mutation;

// One cluster for the whole test process, started by the first test that
// needs it and stopped when the process's tests end, whatever their outcome.
class RedisClusterEnvironment : public ::testing::Environment {
 public:
  static LocalRedisCluster* Cluster() {
    if (cluster_ == nullptr && start_error_.ok()) {
      auto started = LocalRedisCluster::Start(3);
      if (started.ok()) {
        cluster_ = *std::move(started);
      } else {
        start_error_ = started.status();
      }
    }
    if (cluster_ == nullptr) ADD_FAILURE() << "cannot start a redis cluster: " << start_error_;
    return cluster_.get();
  }
  void TearDown() override { cluster_.reset(); }

 private:
  static inline std::unique_ptr<LocalRedisCluster> cluster_;
  static inline absl::Status start_error_;
};

::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new RedisClusterEnvironment);

RedisClusterOptions OptionsFor(std::vector<std::string> seeds) {
  RedisClusterOptions options;
  options.seeds = std::move(seeds);
  options.connect_timeout = absl::Milliseconds(200);
  options.command_timeout = absl::Seconds(2);
  return options;
}

RedisClusterOptions OptionsFor(const LocalRedisCluster& cluster) {
  return OptionsFor(cluster.Addresses());
}

std::unique_ptr<StateStore> MakeClusterStore() {
  LocalRedisCluster* cluster = RedisClusterEnvironment::Cluster();
  if (cluster == nullptr) return nullptr;
  auto store = RedisClusterStore::Connect(OptionsFor(*cluster));
  if (!store.ok()) {
    ADD_FAILURE() << store.status();
    return nullptr;
  }
  return *std::move(store);
}

using testing::StateStoreConformanceTest;
INSTANTIATE_TEST_SUITE_P(RedisCluster, StateStoreConformanceTest,
                         ::testing::Values(testing::StoreFactory{"redis_cluster",
                                                                 &MakeClusterStore}),
                         testing::StoreFactoryName);

Transaction Guarded(std::optional<std::string> guard_key, std::optional<std::string> guard_value,
                    std::vector<Mutation> mutations) {
  return Transaction{.guard_key = std::move(guard_key),
                     .guard_value = std::move(guard_value),
                     .mutations = std::move(mutations)};
}

Transaction Put(const std::string& key, const std::string& value) {
  return Guarded(std::nullopt, std::nullopt, {Mutation{key, value}});
}

std::string UniqueTag(absl::string_view name) {
  return absl::StrCat("{", name, "-", std::random_device()(), "}");
}

// A hash tag whose slot `node` serves.
std::string TagServedBy(const LocalRedisCluster& cluster, int node, absl::string_view name) {
  for (;;) {
    std::string tag = UniqueTag(name);
    auto serving = cluster.NodeServing(HashSlot(tag));
    if (serving.ok() && *serving == node) return tag;
  }
}

class RedisClusterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = RedisClusterEnvironment::Cluster();
    ASSERT_NE(cluster_, nullptr);
    auto store = RedisClusterStore::Connect(OptionsFor(*cluster_));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // A GET sent straight to one node, bypassing the store.
  std::optional<std::string> GetOnNode(int node, const std::string& key, bool asking = false) {
    auto reply = asking ? cluster_->CommandAsking(node, {"GET", key})
                        : cluster_->Command(node, {"GET", key});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok() || reply->type != RedisReply::Type::kString) return std::nullopt;
    return reply->str;
  }

  void ExpectOk(int node, const redis::RedisCommand& command) {
    auto reply = cluster_->Command(node, command);
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_FALSE(reply->IsError()) << command[0] << " " << command[1] << ": " << reply->str;
  }

  LocalRedisCluster* cluster_ = nullptr;
  std::unique_ptr<RedisClusterStore> store_;
};

TEST_F(RedisClusterStoreTest, DescribesItsSeedsAndMayBlock) {
  EXPECT_EQ(store_->Describe(), absl::StrCat("redis-cluster:", cluster_->Address(0), ",",
                                             cluster_->Address(1), ",", cluster_->Address(2)));
  EXPECT_TRUE(store_->MayBlock());
}

TEST_F(RedisClusterStoreTest, ScriptShaMatchesWhatRedisComputes) {
  // A stale constant would not break commits, only cost a NOSCRIPT round trip each.
  auto sha = cluster_->Command(0, {"SCRIPT", "LOAD", std::string(redis::TransactionScript())});
  ASSERT_TRUE(sha.ok()) << sha.status();
  EXPECT_EQ(sha->str, redis::TransactionScriptSha1());
}

TEST_F(RedisClusterStoreTest, RejectsATransactionSpanningSlotsAndSendsNothingOfTheBatch) {
  std::string a = UniqueTag("a") + ":k", b = UniqueTag("b") + ":k";
  ASSERT_NE(HashSlot(a), HashSlot(b));
  auto applied =
      store_->Commit({Put(a, "1"), Guarded(std::nullopt, std::nullopt, {{a, "1"}, {b, "2"}})});
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument) << applied.status();
  auto values = store_->MultiGet({a, b});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::optional<std::string>>{std::nullopt, std::nullopt}));
}

TEST_F(RedisClusterStoreTest, KeyPrefixIsAddedOnWriteAndRemovedFromScans) {
  RedisClusterOptions options = OptionsFor(*cluster_);
  options.key_prefix = absl::StrCat("tenant", std::random_device()(), ":");
  auto store = RedisClusterStore::Connect(options);
  ASSERT_TRUE(store.ok()) << store.status();
  // Glob characters in a scan prefix are literal.
  std::string key = "a*[b]?" + UniqueTag("p");
  ASSERT_TRUE((*store)->Commit({Put(key, "v"), Put("aXbY" + UniqueTag("q"), "not listed")}).ok());
  auto node = cluster_->NodeServing(HashSlot(key));
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(GetOnNode(*node, options.key_prefix + key), "v");

  std::vector<std::pair<std::string, std::string>> seen;
  std::string cursor;
  do {
    auto page = (*store)->Scan("a*[b]?", cursor, 100);
    ASSERT_TRUE(page.ok()) << page.status();
    seen.insert(seen.end(), page->items.begin(), page->items.end());
    cursor = page->next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{key, "v"}}));

  RedisClusterOptions braces = options;
  braces.key_prefix = "{x}";
  EXPECT_EQ(RedisClusterStore::Connect(braces).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClusterStoreTest, FollowsAskWhileASlotMigratesAndMovedAfterwards) {
  const std::string tag = UniqueTag("moving");
  const int slot = HashSlot(tag);
  const std::string user = tag + ":user", old_key = tag + ":old";
  ASSERT_TRUE(store_->Commit({Put(user, "v1"), Put(old_key, "kept")}).ok());
  auto from = cluster_->NodeServing(slot);
  ASSERT_TRUE(from.ok()) << from.status();
  const int to = (*from + 1) % cluster_->size();
  auto from_id = cluster_->NodeId(*from), to_id = cluster_->NodeId(to);
  ASSERT_TRUE(from_id.ok() && to_id.ok());

  // Migration under way: keys still on the source are served there; a key
  // the source lacks gets ASK to the target.
  ExpectOk(to, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "IMPORTING", *from_id});
  ExpectOk(*from, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "MIGRATING", *to_id});
  const std::string asked = tag + ":asked";
  auto applied = store_->Commit({Put(asked, "written on the target")});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, std::vector<bool>{true});
  EXPECT_EQ(GetOnNode(to, asked, /*asking=*/true), "written on the target");
  auto during = store_->MultiGet({user, asked, tag + ":never"});
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(*during,
            (std::vector<std::optional<std::string>>{"v1", "written on the target", std::nullopt}));

  // Finish: move the remaining keys, then give the slot to the target everywhere.
  auto keys = cluster_->Command(*from, {"CLUSTER", "GETKEYSINSLOT", absl::StrCat(slot), "100"});
  ASSERT_TRUE(keys.ok());
  redis::RedisCommand migrate = {"MIGRATE", "127.0.0.1", absl::StrCat(cluster_->port(to)), "", "0",
                                 "5000",    "KEYS"};
  for (const RedisReply& key : keys->elements) migrate.push_back(key.str);
  ExpectOk(*from, migrate);
  for (int node : {to, *from, 3 - to - *from}) {
    ExpectOk(node, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE", *to_id});
  }

  // The store's slot map still names the source: it must follow MOVED.
  auto after = store_->MultiGet({user, old_key, asked});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after,
            (std::vector<std::optional<std::string>>{"v1", "kept", "written on the target"}));
  applied = store_->Commit({Guarded(user, "v1", {{user, "v2"}, {old_key, std::nullopt}})});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, std::vector<bool>{true});
  EXPECT_EQ(GetOnNode(to, user), "v2");
  EXPECT_EQ(GetOnNode(to, old_key), std::nullopt);

  auto now_serving = cluster_->NodeServing(slot);
  ASSERT_TRUE(now_serving.ok());
  EXPECT_EQ(*now_serving, to);
}

TEST_F(RedisClusterStoreTest, WritesFollowMovedToo) {
  // A store that has seen the cluster before a slot moved, and writes first.
  auto stale = RedisClusterStore::Connect(OptionsFor(*cluster_));
  ASSERT_TRUE(stale.ok());
  const std::string tag = UniqueTag("w");
  const int slot = HashSlot(tag);
  auto from = cluster_->NodeServing(slot);
  ASSERT_TRUE(from.ok());
  const int to = (*from + 2) % cluster_->size();
  auto to_id = cluster_->NodeId(to);
  ASSERT_TRUE(to_id.ok());
  // The slot is empty, so it can simply be reassigned.
  for (int node : {to, *from, 3 - to - *from}) {
    ExpectOk(node, {"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE", *to_id});
  }
  auto applied =
      (*stale)->Commit({Guarded(tag + ":user", std::nullopt, {{tag + ":user", "created"}})});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, std::vector<bool>{true});
  EXPECT_EQ(GetOnNode(to, tag + ":user"), "created");
}

TEST_F(RedisClusterStoreTest, OneStoreServesManyThreadsAtOnce) {
  // Threads share one store (its pools), each incrementing its own counter
  // and all of them a shared one, with read, guarded write and retry.
  constexpr int kThreads = 8, kIncrements = 40;
  const std::string shared = UniqueTag("shared") + ":n";
  std::vector<std::string> own;
  for (int t = 0; t < kThreads; ++t) own.push_back(UniqueTag("own") + ":n");
  auto increment = [&](const std::string& key) {
    for (;;) {
      auto current = store_->MultiGet({key});
      if (!current.ok()) return false;
      int n = (*current)[0] ? std::stoi(*(*current)[0]) : 0;
      auto applied =
          store_->Commit({Guarded(key, (*current)[0], {Mutation{key, std::to_string(n + 1)}})});
      if (!applied.ok()) return false;
      if ((*applied)[0]) return true;
    }
  };
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!increment(own[t]) || !increment(shared)) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  std::vector<std::string> keys = own;
  keys.push_back(shared);
  auto values = store_->MultiGet(keys);
  ASSERT_TRUE(values.ok()) << values.status();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ((*values)[t], std::to_string(kIncrements));
  EXPECT_EQ((*values)[kThreads], std::to_string(kThreads * kIncrements));
}

// A listening socket on a free loopback port.
class Listener {
 public:
  explicit Listener(int backlog) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(fd_, backlog);
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~Listener() {
    for (int fd : clients_) close(fd);
    close(fd_);
  }
  std::string Address() const { return absl::StrCat("127.0.0.1:", port_); }
  // Connects without accepting, so the accept queue fills.
  void Connect() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    clients_.push_back(fd);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> clients_;
};

absl::Duration TimeConnect(const RedisClusterOptions& options, absl::Status* status) {
  absl::Time start = absl::Now();
  *status = RedisClusterStore::Connect(options).status();
  return absl::Now() - start;
}

TEST(RedisClusterUnreachableTest, NothingListeningFailsAtOnce) {
  std::string address;
  {
    Listener closed_soon(1);  // a port that was just free, closed again
    address = closed_soon.Address();
  }
  absl::Status status;
  absl::Duration elapsed = TimeConnect(OptionsFor({address}), &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), address)) << status;
  EXPECT_LT(elapsed, absl::Seconds(1));
}

TEST(RedisClusterUnreachableTest, ConnectTimesOutWhenNoOneAnswers) {
  // A full accept queue makes the kernel drop SYNs: like a host that is down.
  Listener full(0);
  for (int i = 0; i < 4; ++i) full.Connect();
  absl::Status status;
  absl::Duration elapsed = TimeConnect(OptionsFor({full.Address()}), &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), full.Address())) << status;
  EXPECT_LT(elapsed, absl::Milliseconds(900));
}

TEST(RedisClusterUnreachableTest, CommandTimesOutWhenANodeStalls) {
  // Accepts connections (in the kernel) but never answers.
  Listener silent(16);
  absl::Status status;
  RedisClusterOptions options = OptionsFor({silent.Address()});
  options.command_timeout = absl::Milliseconds(300);
  absl::Duration elapsed = TimeConnect(options, &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_GE(elapsed, absl::Milliseconds(250));
  EXPECT_LT(elapsed, absl::Seconds(1));
}

TEST_F(RedisClusterStoreTest, RecoversWhenAMasterRestarts) {
  const int down = 2;
  const std::string on_down = TagServedBy(*cluster_, down, "down") + ":k";
  const std::string elsewhere = TagServedBy(*cluster_, 0, "up") + ":k";
  ASSERT_TRUE(store_->Commit({Put(on_down, "before"), Put(elsewhere, "up")}).ok());

  ASSERT_TRUE(cluster_->StopNode(down).ok());
  absl::Time start = absl::Now();
  auto read = store_->MultiGet({elsewhere, on_down});
  EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable) << read.status();
  EXPECT_TRUE(absl::StrContains(read.status().message(), cluster_->Address(down))) << read.status();
  auto write = store_->Commit({Put(on_down, "during")});
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable) << write.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "failing must not hang";
  // The other masters still serve their keys.
  auto other = store_->MultiGet({elsewhere});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ((*other)[0], "up");

  ASSERT_TRUE(cluster_->RestartNode(down).ok());
  // The same store object works again, with what was written before.
  absl::StatusOr<std::vector<std::optional<std::string>>> again;
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    again = store_->MultiGet({on_down, elsewhere});
    if (!again.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (!again.ok() && absl::Now() < deadline);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, (std::vector<std::optional<std::string>>{"before", "up"}));
  auto applied = store_->Commit({Put(on_down, "after")});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(GetOnNode(down, on_down), "after");
}

}  // namespace
}  // namespace riskd
