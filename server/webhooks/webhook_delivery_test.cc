// The outbox and the dispatcher with real parts: a RocksDB store (and a
// Redis Cluster for the replicas test), libcurl, and a real HTTP receiver on
// loopback that checks signatures and dedupes by delivery id.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "riskd/state/v1/webhook_delivery.pb.h"
#include "server/state/redis/local_redis_cluster.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/state/rocksdb/rocksdb_store.h"
#include "server/webhooks/failed_webhooks.h"
#include "server/webhooks/webhook_dispatcher.h"
#include "server/webhooks/webhook_keys.h"
#include "server/webhooks/webhook_outbox.h"
#include "server/webhooks/webhook_payload.h"
#include "tests/support/sample_webhook_event.h"
#include "tests/support/temp_dirs.h"
#include "tests/support/webhook_receiver.h"

namespace riskd {
namespace {

using riskd::state::v1::WebhookDelivery;
using riskd::testing::MakeTempDir;
using riskd::testing::ReceivedWebhook;
using riskd::testing::WebhookReceiver;

constexpr char kSecret[] = "test-secret-0123456789";
constexpr absl::Duration kWait = absl::Seconds(20);

WebhookEvent Event(const std::string& kind, const std::string& user, int n = 0) {
  return riskd::testing::SampleWebhookEvent(kind, user, n);
}

WebhookEndpointConfig Endpoint(const std::string& name, const std::string& url,
                               std::vector<std::string> events = {"review.opened",
                                                                  "incident.confirmed",
                                                                  "incident.recovered"},
                               const std::string& secret = kSecret) {
  return {.name = name,
          .url = url,
          .secret = secret,
          .events = std::move(events),
          .timeout = absl::Milliseconds(500)};
}

// Fast retries, so that tests wait on behaviour, not on the defaults.
WebhooksConfig FastConfig(std::vector<WebhookEndpointConfig> endpoints) {
  WebhooksConfig config;
  config.endpoints = std::move(endpoints);
  config.poll_interval = absl::Milliseconds(20);
  config.initial_backoff = absl::Milliseconds(20);
  config.max_backoff = absl::Milliseconds(100);
  config.max_age = absl::Hours(1);
  return config;
}

// Every entry of `prefix` in every shard.
std::vector<std::pair<std::string, std::string>> ScanShards(StateStore& store,
                                                            std::string (*prefix)(int)) {
  std::vector<std::pair<std::string, std::string>> all;
  for (int shard = 0; shard < kWebhookShards; ++shard) {
    std::string cursor;
    do {
      auto page = store.Scan(prefix(shard), cursor, 100);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return all;
      all.insert(all.end(), page->items.begin(), page->items.end());
      cursor = page->next_cursor;
    } while (!cursor.empty());
  }
  return all;
}

std::vector<WebhookDelivery> Pending(StateStore& store) {
  std::vector<WebhookDelivery> out;
  for (const auto& [key, value] : ScanShards(store, &WebhookPendingPrefix)) {
    out.emplace_back().ParseFromString(value);
  }
  return out;
}

std::vector<WebhookDelivery> Failed(StateStore& store) {
  std::vector<WebhookDelivery> out;
  auto page = ListFailedWebhooks(store, "", 1000);
  EXPECT_TRUE(page.ok()) << page.status();
  if (page.ok()) out = page->deliveries;
  return out;
}

// Polls `condition` until it holds or `kWait` passes.
template <typename Condition>
bool Eventually(Condition condition) {
  const absl::Time deadline = absl::Now() + kWait;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RocksDbStore::Open({.path = MakeTempDir() + "/state"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    receiver_ = WebhookReceiver::Start(kSecret);
    ASSERT_NE(receiver_, nullptr);
  }

  // Commits what the outbox makes of `event`; returns the Commit's results.
  std::vector<bool> Enqueue(const WebhooksConfig& config, const WebhookEvent& event) {
    auto applied = store_->Commit(WebhookOutbox(config).Enqueue(event, absl::Now()));
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.ok() ? *applied : std::vector<bool>{};
  }

  std::unique_ptr<StateStore> store_;
  std::unique_ptr<WebhookReceiver> receiver_;
};

TEST_F(WebhookDeliveryTest, EnqueuingOneCaseTwiceWritesItOnce) {
  const WebhooksConfig config =
      FastConfig({Endpoint("app", receiver_->url()),
                  Endpoint("siem", receiver_->url(), {"incident.confirmed"})});
  EXPECT_EQ(Enqueue(config, Event("review.opened", "alice")), std::vector<bool>{true});
  // A decision retried after losing its compare-and-set enqueues again: no-op.
  EXPECT_EQ(Enqueue(config, Event("review.opened", "alice")), std::vector<bool>{false});
  EXPECT_EQ(Enqueue(config, Event("incident.confirmed", "alice")), (std::vector<bool>{true, true}));
  EXPECT_EQ(Pending(*store_).size(), 3u);
}

TEST_F(WebhookDeliveryTest, WithoutACaseIdEachRequestIsItsOwnDelivery) {
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  WebhookEvent first = Event("review.opened", "alice", 1),
               second = Event("review.opened", "alice", 2);
  first.case_id = second.case_id = "";
  EXPECT_EQ(Enqueue(config, first), std::vector<bool>{true});
  EXPECT_EQ(Enqueue(config, first), std::vector<bool>{false});
  EXPECT_EQ(Enqueue(config, second), std::vector<bool>{true});
  EXPECT_EQ(Pending(*store_).size(), 2u);
}

TEST_F(WebhookDeliveryTest, DeliversEachEventKindSignedOnce) {
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  for (const char* kind : {"review.opened", "incident.confirmed", "incident.recovered"}) {
    Enqueue(config, Event(kind, "alice"));
  }
  WebhookDispatcher dispatcher(*store_, config);
  ASSERT_TRUE(receiver_->WaitForDeliveries(3, kWait));
  std::vector<std::string> kinds;
  for (const ReceivedWebhook& r : receiver_->Deliveries()) {
    EXPECT_TRUE(r.signature_valid);
    EXPECT_EQ(r.path, "/riskd");
    kinds.push_back(r.event);
    const WebhookEvent sent = Event(r.event, "alice");
    EXPECT_EQ(r.delivery_id, WebhookDeliveryId(sent.case_id, "app"));
    EXPECT_TRUE(absl::StrContains(r.body, absl::StrCat("\"delivery_id\":\"", r.delivery_id)))
        << r.body;
    EXPECT_TRUE(absl::StrContains(r.body, "\"event\":\"" + r.event)) << r.body;
  }
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"incident.confirmed", "incident.recovered",
                                             "review.opened"}));
  EXPECT_TRUE(Eventually([&] { return Pending(*store_).empty(); }));
  EXPECT_EQ(receiver_->Requests().size(), 3u);
  EXPECT_EQ(receiver_->Duplicates(), 0);
}

TEST_F(WebhookDeliveryTest, EachEndpointGetsItsEventsSignedWithItsSecret) {
  auto siem = WebhookReceiver::Start("another-secret-9876543210");
  ASSERT_NE(siem, nullptr);
  const WebhooksConfig config = FastConfig(
      {Endpoint("app", receiver_->url()),
       Endpoint("siem", siem->url(), {"incident.confirmed"}, "another-secret-9876543210")});
  Enqueue(config, Event("review.opened", "alice"));
  Enqueue(config, Event("incident.confirmed", "alice"));
  WebhookDispatcher dispatcher(*store_, config);
  ASSERT_TRUE(receiver_->WaitForDeliveries(2, kWait));
  ASSERT_TRUE(siem->WaitForDeliveries(1, kWait));
  EXPECT_TRUE(Eventually([&] { return Pending(*store_).empty(); }));
  ASSERT_EQ(siem->Requests().size(), 1u);
  EXPECT_TRUE(siem->Requests()[0].signature_valid);
  EXPECT_EQ(siem->Requests()[0].event, "incident.confirmed");
  // The same case at two endpoints: two deliveries with their own ids.
  EXPECT_NE(siem->Requests()[0].delivery_id, receiver_->Deliveries()[1].delivery_id);
}

TEST_F(WebhookDeliveryTest, ReceiverDownThenUpGetsEachDeliveryOnce) {
  receiver_->Stop();
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  for (int i = 0; i < 5; ++i) Enqueue(config, Event("review.opened", "user" + std::to_string(i)));
  WebhookDispatcher dispatcher(*store_, config);
  // Every delivery fails a few times while the receiver is down...
  ASSERT_TRUE(Eventually([&] {
    std::vector<WebhookDelivery> pending = Pending(*store_);
    return pending.size() == 5 && std::all_of(pending.begin(), pending.end(), [](auto& d) {
             return d.attempts() >= 3 && absl::StrContains(d.last_error(), "onnect");
           });
  }));
  // ...and arrives once when it is back.
  ASSERT_TRUE(receiver_->Restart());
  ASSERT_TRUE(receiver_->WaitForDeliveries(5, kWait));
  EXPECT_TRUE(Eventually([&] { return Pending(*store_).empty(); }));
  EXPECT_EQ(receiver_->Duplicates(), 0);
  EXPECT_TRUE(Failed(*store_).empty());
}

TEST_F(WebhookDeliveryTest, ADispatcherStoppedMidSendHandsItBackAndTheLogHasItOnce) {
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  Enqueue(config, Event("incident.confirmed", "alice"));
  // The receiver does its work (logs the delivery) but riskd stops before the answer.
  receiver_->HoldAnswers(absl::Seconds(60));
  auto first = std::make_unique<WebhookDispatcher>(*store_, config);
  ASSERT_TRUE(receiver_->WaitForRequests(1, kWait));
  first.reset();
  receiver_->HoldAnswers(absl::ZeroDuration());
  std::vector<WebhookDelivery> pending = Pending(*store_);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts(), 0u) << "the cancelled attempt is not counted";
  EXPECT_EQ(pending[0].leased_by(), "");

  WebhookDispatcher second(*store_, config);
  ASSERT_TRUE(receiver_->WaitForRequests(2, kWait));
  EXPECT_TRUE(Eventually([&] { return Pending(*store_).empty(); }));
  EXPECT_EQ(receiver_->Deliveries().size(), 1u);
  EXPECT_EQ(receiver_->Duplicates(), 1);  // sent twice, logged once
}

TEST_F(WebhookDeliveryTest, ALeaseLeftByADeadDispatcherEndsAndTheDeliveryIsSent) {
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  // What a riskd killed mid-send leaves: the delivery leased until a moment from now.
  const WebhookEvent event = Event("review.opened", "alice");
  const std::string id = WebhookDeliveryId(event.case_id, "app");
  WebhookDelivery leased;
  leased.set_delivery_id(id);
  leased.set_endpoint("app");
  leased.set_event(event.kind);
  leased.set_body(WebhookPayloadJson(event, id));
  leased.set_enqueued_at_ms(absl::ToUnixMillis(absl::Now()));
  leased.set_age_from_ms(leased.enqueued_at_ms());
  leased.set_attempts(1);
  leased.set_leased_by("dead-host:1234");
  ASSERT_TRUE(
      store_
          ->Commit(
              {{.mutations = {{.key = WebhookPendingKey(id, absl::Now() + absl::Milliseconds(300)),
                               .value = leased.SerializeAsString()}}}})
          .ok());
  WebhookDispatcher dispatcher(*store_, config);
  ASSERT_TRUE(receiver_->WaitForDeliveries(1, kWait));
  EXPECT_EQ(receiver_->Deliveries()[0].delivery_id, id);
  EXPECT_TRUE(Eventually([&] { return Pending(*store_).empty(); }));
}

TEST_F(WebhookDeliveryTest, GivesUpAfterMaxAgeAndRetryReplays) {
  receiver_->RespondWith(500);
  WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  config.max_age = absl::Milliseconds(300);
  Enqueue(config, Event("review.opened", "alice"));
  Enqueue(config, Event("review.opened", "bob"));
  const std::string alice = WebhookDeliveryId(Event("review.opened", "alice").case_id, "app");
  const std::string bob = WebhookDeliveryId(Event("review.opened", "bob").case_id, "app");
  WebhookDispatcher dispatcher(*store_, config);
  ASSERT_TRUE(Eventually([&] { return Failed(*store_).size() == 2; }));
  EXPECT_TRUE(Pending(*store_).empty());
  for (const WebhookDelivery& d : Failed(*store_)) {
    EXPECT_EQ(d.last_error(), "HTTP 500: status 500");
    EXPECT_GE(d.attempts(), 2u);
    EXPECT_GT(d.failed_at_ms(), 0);
  }
  EXPECT_TRUE(receiver_->Deliveries().empty());

  receiver_->RespondWith(200);
  auto retried = RetryFailedWebhooks(*store_, {alice}, absl::Now());
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(*retried, std::vector<std::string>{alice});
  ASSERT_TRUE(receiver_->WaitForDeliveries(1, kWait));
  EXPECT_EQ(receiver_->Deliveries()[0].delivery_id, alice);
  ASSERT_EQ(Failed(*store_).size(), 1u);

  retried = RetryFailedWebhooks(*store_, {}, absl::Now());  // all
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(*retried, std::vector<std::string>{bob});
  ASSERT_TRUE(receiver_->WaitForDeliveries(2, kWait));
  EXPECT_TRUE(Failed(*store_).empty());
  EXPECT_EQ(receiver_->Duplicates(), 0);
}

TEST_F(WebhookDeliveryTest, RetryNamesAnUnknownOrMalformedIdAndMovesNothing) {
  receiver_->RespondWith(500);
  WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  config.max_attempts = 1;
  Enqueue(config, Event("review.opened", "alice"));
  const std::string alice = WebhookDeliveryId(Event("review.opened", "alice").case_id, "app");
  {
    WebhookDispatcher dispatcher(*store_, config);
    ASSERT_TRUE(Eventually([&] { return Failed(*store_).size() == 1; }));
  }
  EXPECT_EQ(Failed(*store_)[0].attempts(), 1u);
  auto unknown = RetryFailedWebhooks(*store_, {alice, std::string(32, '0')}, absl::Now());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "delivery_ids[1]: no failed webhook has id 00000000000000000000000000000000");
  auto malformed = RetryFailedWebhooks(*store_, {"nope"}, absl::Now());
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(malformed.status().message(),
            "delivery_ids[0]: \"nope\" is not a delivery id (32 hex digits)");
  EXPECT_EQ(Failed(*store_).size(), 1u);
  EXPECT_TRUE(Pending(*store_).empty());
}

TEST_F(WebhookDeliveryTest, ADeliveryWhoseEndpointWasRemovedFails) {
  const WebhooksConfig before = FastConfig({Endpoint("old", receiver_->url())});
  Enqueue(before, Event("review.opened", "alice"));
  WebhookDispatcher dispatcher(*store_, FastConfig({Endpoint("new", receiver_->url())}));
  ASSERT_TRUE(Eventually([&] { return Failed(*store_).size() == 1; }));
  EXPECT_EQ(Failed(*store_)[0].last_error(), "endpoint \"old\" is not configured");
  EXPECT_TRUE(receiver_->Requests().empty());
}

TEST_F(WebhookDeliveryTest, ReconfigureTakesEffectWithoutARestart) {
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver_->url())});
  Enqueue(config, Event("review.opened", "alice"));
  WebhookDispatcher dispatcher(*store_, FastConfig({}));  // no endpoints: idle
  dispatcher.Reconfigure(config);
  ASSERT_TRUE(receiver_->WaitForDeliveries(1, kWait));
  EXPECT_TRUE(receiver_->Deliveries()[0].signature_valid);
}

// Two riskd replicas on one Redis Cluster: each delivery is sent by one of
// them, once, and the outbox is found through slot listings, not keyspace scans.
TEST(WebhookRedisTest, TwoDispatchersOnOneClusterSendEachDeliveryOnce) {
  auto cluster = redis::testing::LocalRedisCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  auto connect = [&]() -> std::unique_ptr<StateStore> {
    auto store = RedisClusterStore::Connect({.seeds = (*cluster)->Addresses(),
                                             .key_prefix = "webhooks-test:",
                                             .command_timeout = absl::Seconds(2)});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::unique_ptr<StateStore>(*std::move(store)) : nullptr;
  };
  std::unique_ptr<StateStore> store_a = connect(), store_b = connect();
  ASSERT_TRUE(store_a && store_b);
  auto receiver = WebhookReceiver::Start(kSecret);
  ASSERT_NE(receiver, nullptr);
  const WebhooksConfig config = FastConfig({Endpoint("app", receiver->url())});

  constexpr int kEvents = 40;
  for (int i = 0; i < kEvents; ++i) {
    auto applied = store_a->Commit(WebhookOutbox(config).Enqueue(
        Event("review.opened", "user" + std::to_string(i)), absl::Now()));
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
  EXPECT_EQ(Pending(*store_b).size(), static_cast<size_t>(kEvents));
  WebhookDispatcher a(*store_a, config), b(*store_b, config);
  ASSERT_TRUE(receiver->WaitForDeliveries(kEvents, kWait));
  EXPECT_TRUE(Eventually([&] { return Pending(*store_a).empty(); }));
  EXPECT_EQ(receiver->Requests().size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(receiver->Duplicates(), 0);
}

}  // namespace
}  // namespace riskd
