// What one webhook poll costs on Redis Cluster as the keyspace grows: the
// outbox under 16 hash tags, each listed through its slot, against a scan of
// the whole keyspace (what an outbox without hash tags would need).
//
//   build/bench/webhook_poll_benchmark [--users=N]   (default 1,000,000 users)
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "server/state/redis/local_redis_cluster.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/webhooks/webhook_keys.h"
#include "server/webhooks/webhook_outbox.h"

namespace riskd {
namespace {

int64_t g_users = 1'000'000;
std::unique_ptr<redis::testing::LocalRedisCluster> g_cluster;
std::unique_ptr<StateStore> g_store;

// `g_users` user records of ~300 bytes, and 100 pending deliveries.
void Fill() {
  std::string record(300, 'x');
  for (int64_t first = 0; first < g_users; first += 2000) {
    std::vector<StateStore::Transaction> batch;
    for (int64_t i = first; i < std::min(g_users, first + 2000); ++i) {
      batch.push_back({.mutations = {{.key = absl::StrCat("u:{user", i, "}"), .value = record}}});
    }
    if (!g_store->Commit(std::move(batch)).ok()) std::abort();
  }
  WebhooksConfig config;
  config.endpoints.push_back({.name = "app", .events = {"review.opened"}});
  for (int i = 0; i < 100; ++i) {
    WebhookEvent event{.kind = "review.opened", .case_id = absl::StrCat("case-", i)};
    if (!g_store->Commit(WebhookOutbox(config).Enqueue(event, absl::Now())).ok()) std::abort();
  }
}

// What the dispatcher reads each poll: the front of each shard.
void BM_PollOutboxBySlot(benchmark::State& state) {
  for (auto _ : state) {
    size_t found = 0;
    for (int shard = 0; shard < kWebhookShards; ++shard) {
      auto page = g_store->Scan(WebhookPendingPrefix(shard), "", 32);
      if (!page.ok()) std::abort();
      found += page->items.size();
    }
    benchmark::DoNotOptimize(found);
  }
  state.counters["users"] = static_cast<double>(g_users);
}
BENCHMARK(BM_PollOutboxBySlot)->Unit(benchmark::kMillisecond);

// The same 100 deliveries found by SCAN MATCH over every master.
void BM_PollOutboxByKeyspaceScan(benchmark::State& state) {
  for (auto _ : state) {
    size_t found = 0;
    std::string cursor;
    do {
      auto page = g_store->Scan("wh:", cursor, 1000);
      if (!page.ok()) std::abort();
      found += page->items.size();
      cursor = page->next_cursor;
    } while (!cursor.empty());
    benchmark::DoNotOptimize(found);
  }
  state.counters["users"] = static_cast<double>(g_users);
}
BENCHMARK(BM_PollOutboxByKeyspaceScan)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace riskd

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--users=", 0) == 0) riskd::g_users = std::atoll(arg.c_str() + 8);
  }
  benchmark::Initialize(&argc, argv);
  auto cluster = riskd::redis::testing::LocalRedisCluster::Start(3);
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", std::string(cluster.status().message()).c_str());
    return 1;
  }
  riskd::g_cluster = *std::move(cluster);
  auto store = riskd::RedisClusterStore::Connect(
      {.seeds = riskd::g_cluster->Addresses(), .command_timeout = absl::Seconds(30)});
  if (!store.ok()) return 1;
  riskd::g_store = *std::move(store);
  riskd::Fill();
  benchmark::RunSpecifiedBenchmarks();
  riskd::g_store.reset();
  riskd::g_cluster.reset();
  return 0;
}
