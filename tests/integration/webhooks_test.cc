// Webhooks through the real riskd binary: the shipped example's webhooks
// section, a real receiver on loopback that checks signatures and dedupes,
// outages of the receiver, riskd killed mid-delivery, riskctl over the
// failed list, and two replicas sharing Redis Cluster.
//
// The case logic that raises webhooks from decisions is not part of this
// test: it puts events in the outbox the way that logic does, through
// WebhookOutbox into the same state store riskd then opens.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/config/config.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/state/rocksdb/rocksdb_store.h"
#include "server/webhooks/failed_webhooks.h"
#include "server/webhooks/http_poster.h"
#include "server/webhooks/webhook_keys.h"
#include "server/webhooks/webhook_outbox.h"
#include "server/webhooks/webhook_payload.h"
#include "server/webhooks/webhook_signer.h"
#include "tests/support/riskd_process.h"
#include "tests/support/sample_webhook_event.h"
#include "tests/support/shared_redis_cluster.h"
#include "tests/support/webhook_receiver.h"

namespace riskd::testing {
namespace {

constexpr char kSecret[] = "integration-webhook-secret-42";
constexpr absl::Duration kWait = absl::Seconds(30);
const char* const kKinds[] = {"review.opened", "incident.confirmed", "incident.recovered"};

// The `webhooks:` section of config/riskd-webhooks.yaml, pointed at
// `url` and with shorter waits so that the test takes seconds.
std::string ExampleWebhooksSection(const std::string& url) {
  const std::string example =
      ReadFile(std::string(RISKD_SOURCE_DIR) + "/config/riskd-webhooks.yaml");
  size_t at = example.find("\nwebhooks:\n");
  EXPECT_NE(at, std::string::npos) << "config/riskd-webhooks.yaml has no webhooks section";
  std::string section = example.substr(at + 1);
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"http://127.0.0.1:8099/riskd", url},
      {"poll_interval_ms: 1000", "poll_interval_ms: 50"},
      {"initial_backoff_ms: 1000", "initial_backoff_ms: 100"},
      {"max_backoff_ms: 600000", "max_backoff_ms: 500"},
      {"timeout_ms: 5000", "timeout_ms: 1000"},
  };
  for (const auto& [from, to] : edits) {
    EXPECT_TRUE(absl::StrContains(section, from)) << "the example no longer says " << from;
  }
  return absl::StrReplaceAll(section, edits);
}

WebhookEvent Event(const std::string& kind, const std::string& user) {
  return SampleWebhookEvent(kind, user);
}

// What the case logic commits: each event into the outbox of `config_path`'s riskd.
void Enqueue(StateStore& store, const std::string& config_path,
             const std::vector<WebhookEvent>& events) {
  absl::StatusOr<Config> config = LoadConfig(config_path);
  ASSERT_TRUE(config.ok()) << config.status();
  const WebhookOutbox outbox(config->webhooks);
  for (const WebhookEvent& event : events) {
    auto applied = store.Commit(outbox.Enqueue(event, absl::Now()));
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
}

// Same, into the RocksDB store riskd will open at `data_dir` (before it runs:
// one process owns the directory).
void EnqueueInRocksDb(const std::string& data_dir, const std::string& config_path,
                      const std::vector<WebhookEvent>& events) {
  std::filesystem::create_directories(data_dir);
  auto store = RocksDbStore::Open({.path = data_dir + "/state"});
  ASSERT_TRUE(store.ok()) << store.status();
  Enqueue(**store, config_path, events);
}

size_t PendingIn(StateStore& store) {
  size_t count = 0;
  for (int shard = 0; shard < kWebhookShards; ++shard) {
    auto page = store.Scan(WebhookPendingPrefix(shard), "", 1000);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) count += page->items.size();
  }
  return count;
}

class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("RISKD_WEBHOOK_SECRET", kSecret, 1);  // riskd inherits it
    receiver_ = WebhookReceiver::Start(kSecret);
    ASSERT_NE(receiver_, nullptr);
    dir_ = MakeTempDir();
    data_dir_ = dir_ + "/data";
  }
  void TearDown() override { unsetenv("RISKD_WEBHOOK_SECRET"); }

  std::unique_ptr<RiskdProcess> StartRiskd(const std::string& config) {
    return RiskdProcess::Start(config, {"--data-dir", data_dir_});
  }

  std::unique_ptr<WebhookReceiver> receiver_;
  std::string dir_, data_dir_;
};

TEST_F(WebhooksTest, ReceiverDownAndRiskdKilledMidDeliveryStillDeliverEachKindOnce) {
  const std::string config = WriteConfig(dir_, ExampleWebhooksSection(receiver_->url()));
  std::vector<WebhookEvent> events;
  for (const char* kind : kKinds) events.push_back(Event(kind, "alice"));
  EnqueueInRocksDb(data_dir_, config, events);

  // 1. The receiver is down: every delivery fails and is rescheduled...
  receiver_->Stop();
  auto riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(riskd->WaitForLog("webhook delivery failed; will retry", 6, std::chrono::seconds(30)))
      << riskd->Log();
  // ...until riskd is killed.
  riskd->Signal(SIGKILL);
  ASSERT_NE(riskd->WaitForExit(), -1);

  // 2. The receiver is back but slow: it logs each delivery, and riskd is
  // killed before the answers, leaving its sends leased.
  ASSERT_TRUE(receiver_->Restart());
  receiver_->HoldAnswers(absl::Seconds(60));
  riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(receiver_->WaitForRequests(1, kWait));
  riskd->Signal(SIGKILL);
  ASSERT_NE(riskd->WaitForExit(), -1);
  const size_t sent_before_kill = receiver_->Requests().size();

  // 3. A new riskd sends what is left, and again what was in flight once its
  // lease ends; the receiver's log has every event once.
  receiver_->HoldAnswers(absl::ZeroDuration());
  riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(receiver_->WaitForDeliveries(3, kWait));
  ASSERT_TRUE(riskd->WaitForLog("msg=\"webhook delivered\"", 3, std::chrono::seconds(30)))
      << riskd->Log();
  std::vector<std::string> kinds;
  for (const ReceivedWebhook& r : receiver_->Deliveries()) {
    EXPECT_TRUE(r.signature_valid);
    EXPECT_EQ(r.delivery_id, WebhookDeliveryId(Event(r.event, "alice").case_id, "app"));
    kinds.push_back(r.event);
  }
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"incident.confirmed", "incident.recovered",
                                             "review.opened"}));
  EXPECT_EQ(receiver_->Deliveries().size(), 3u);
  // What the killed riskd had sent came again; every request was valid.
  EXPECT_GE(receiver_->Duplicates(), static_cast<int>(sent_before_kill));
  EXPECT_EQ(receiver_->Requests().size(), 3u + receiver_->Duplicates());

  riskd->Signal(SIGTERM);
  EXPECT_EQ(riskd->WaitForExit(), 0);
  auto store = RocksDbStore::Open({.path = data_dir_ + "/state"});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(PendingIn(**store), 0u);
}

TEST_F(WebhooksTest, SigtermHandsTheSendsInFlightBackForTheNextStart) {
  const std::string config = WriteConfig(dir_, ExampleWebhooksSection(receiver_->url()));
  EnqueueInRocksDb(data_dir_, config, {Event("incident.confirmed", "bob")});
  receiver_->HoldAnswers(absl::Seconds(60));
  auto riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(receiver_->WaitForRequests(1, kWait));
  riskd->Signal(SIGTERM);
  EXPECT_EQ(riskd->WaitForExit(std::chrono::seconds(10)), 0) << "riskd waited for the receiver";

  receiver_->HoldAnswers(absl::ZeroDuration());
  riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  // Handed back, it is due at once: no lease to wait out.
  ASSERT_TRUE(receiver_->WaitForRequests(2, absl::Seconds(2)));
  ASSERT_TRUE(riskd->WaitForLog("msg=\"webhook delivered\"")) << riskd->Log();
  EXPECT_EQ(receiver_->Deliveries().size(), 1u);
  EXPECT_EQ(receiver_->Duplicates(), 1);
}

TEST_F(WebhooksTest, RiskctlListsAndRetriesFailedWebhooks) {
  std::string yaml = ExampleWebhooksSection(receiver_->url());
  yaml = absl::StrReplaceAll(yaml, {{"max_age_hours: 24", "max_age_hours: 0.0002"}});  // 0.72 s
  const std::string config = WriteConfig(dir_, yaml);
  EnqueueInRocksDb(data_dir_, config,
                   {Event("review.opened", "alice"), Event("review.opened", "bob")});
  const std::string alice = WebhookDeliveryId(Event("review.opened", "alice").case_id, "app");
  const std::string bob = WebhookDeliveryId(Event("review.opened", "bob").case_id, "app");
  receiver_->RespondWith(503);
  auto riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(riskd->WaitForLog("webhook delivery failed for good", 2, std::chrono::seconds(30)))
      << riskd->Log();

  RunResult failed = RunRiskctl(riskd->port(), "webhooks failed");
  EXPECT_EQ(failed.exit_code, 0) << failed.output;
  EXPECT_TRUE(absl::StrContains(failed.output, "DELIVERY ID")) << failed.output;
  EXPECT_TRUE(absl::StrContains(failed.output, alice)) << failed.output;
  EXPECT_TRUE(absl::StrContains(failed.output, bob)) << failed.output;
  EXPECT_TRUE(absl::StrContains(failed.output, "HTTP 503: status 503")) << failed.output;
  EXPECT_TRUE(absl::StrContains(failed.output, "2 failed webhooks")) << failed.output;
  RunResult json = RunRiskctl(riskd->port(), "webhooks failed --json");
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_TRUE(absl::StrContains(json.output, absl::StrCat("\"deliveryId\": \"", alice, "\"")))
      << json.output;
  EXPECT_TRUE(absl::StrContains(json.output, "\"event\": \"review.opened\"")) << json.output;

  RunResult unknown = RunRiskctl(
      riskd->port(), absl::StrCat("webhooks retry --id ", alice, " --id ", std::string(32, 'f')));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.output, absl::StrCat("riskctl: NOT_FOUND: delivery_ids[1]: no failed webhook "
                                         "has id ",
                                         std::string(32, 'f'), "\n"));
  RunResult malformed = RunRiskctl(riskd->port(), "webhooks retry --id nope");
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_EQ(malformed.output,
            "riskctl: INVALID_ARGUMENT: delivery_ids[0]: \"nope\" is not a delivery id (32 hex "
            "digits)\n");

  receiver_->RespondWith(200);
  RunResult one = RunRiskctl(riskd->port(), "webhooks retry --id " + alice);
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(one.output, absl::StrCat("queued again: ", alice, "\n1 webhooks queued again\n"));
  ASSERT_TRUE(receiver_->WaitForDeliveries(1, kWait));
  EXPECT_EQ(receiver_->Deliveries()[0].delivery_id, alice);

  RunResult rest = RunRiskctl(riskd->port(), "webhooks retry --json");
  EXPECT_EQ(rest.exit_code, 0) << rest.output;
  EXPECT_TRUE(absl::StrContains(rest.output, bob)) << rest.output;
  ASSERT_TRUE(receiver_->WaitForDeliveries(2, kWait));
  EXPECT_TRUE(
      absl::StrContains(RunRiskctl(riskd->port(), "webhooks failed").output, "0 failed webhooks"));
  EXPECT_EQ(receiver_->Duplicates(), 0);
}

TEST_F(WebhooksTest, AReloadThatAddsWebhooksStartsDelivering) {
  const std::string with_webhooks = ExampleWebhooksSection(receiver_->url());
  const std::string config = WriteConfig(dir_, "log_level: info\n");
  {
    // Enqueued with the webhooks config, as a riskd configured so would have.
    const std::string other_dir = MakeTempDir();
    EnqueueInRocksDb(data_dir_, WriteConfig(other_dir, with_webhooks),
                     {Event("incident.recovered", "carol")});
  }
  auto riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  WriteConfig(dir_, with_webhooks);
  riskd->Signal(SIGHUP);
  ASSERT_TRUE(riskd->WaitForLog("config reloaded")) << riskd->Log();
  ASSERT_TRUE(receiver_->WaitForDeliveries(1, kWait));
  EXPECT_EQ(receiver_->Deliveries()[0].event, "incident.recovered");
  EXPECT_TRUE(receiver_->Deliveries()[0].signature_valid);
}

TEST_F(WebhooksTest, TheShippedExampleChecksOutAndNamesAMissingSecret) {
  const std::string example = std::string(RISKD_SOURCE_DIR) + "/config/riskd-webhooks.yaml";
  if (std::string(RISKD_PLUGIN_DIR) != std::string(RISKD_SOURCE_DIR) + "/build/plugins") {
    GTEST_SKIP() << "config/riskd-webhooks.yaml names ../build/plugins; this build is elsewhere";
  }
  const std::string text = ReadFile(example);
  const int line =
      1 +
      std::count(text.begin(), text.begin() + text.find("secret_env: RISKD_WEBHOOK_SECRET"), '\n');
  RunResult ok = RunRiskdToCompletion({"--check-config", example});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  unsetenv("RISKD_WEBHOOK_SECRET");
  RunResult missing = RunRiskdToCompletion({"--check-config", example});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(missing.output,
                                absl::StrCat("riskd-webhooks.yaml:", line,
                                             ": webhooks.endpoints[0].secret_env: the environment "
                                             "variable RISKD_WEBHOOK_SECRET is not set")))
      << missing.output;
}

// Two riskd replicas on one Redis Cluster through an outage of the receiver:
// every delivery arrives, each sent by one replica once.
TEST_F(WebhooksTest, TwoReplicasOnRedisClusterSendEachDeliveryOnce) {
  const std::string state = RedisStateConfig();
  ASSERT_FALSE(state.empty());
  const std::string config = WriteConfig(dir_, state + ExampleWebhooksSection(receiver_->url()));
  absl::StatusOr<Config> loaded = LoadConfig(config);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto store = RedisClusterStore::Connect(
      {.seeds = loaded->state.redis_nodes, .key_prefix = loaded->state.redis_key_prefix});
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kEvents = 30;
  std::vector<WebhookEvent> events;
  for (int i = 0; i < kEvents; ++i) events.push_back(Event(kKinds[i % 3], absl::StrCat("u", i)));
  Enqueue(**store, config, events);

  receiver_->Stop();
  auto a = RiskdProcess::Start(config);
  auto b = RiskdProcess::Start(config);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->WaitForLog("webhook delivery failed; will retry", 3, std::chrono::seconds(30)));
  ASSERT_TRUE(b->WaitForLog("webhook delivery failed; will retry", 3, std::chrono::seconds(30)));
  ASSERT_TRUE(receiver_->Restart());
  ASSERT_TRUE(receiver_->WaitForDeliveries(kEvents, kWait));
  for (int i = 0; i < 100 && PendingIn(**store) > 0; ++i) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(PendingIn(**store), 0u);
  EXPECT_EQ(receiver_->Requests().size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(receiver_->Duplicates(), 0);
}

// The receiver the README shows (scripts/webhook-receiver.py, Python's
// standard library only) accepts what riskd sends and refuses forgeries.
class PythonReceiver {
 public:
  PythonReceiver() {
    log_ = MakeTempDir() + "/receiver.log";
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      const std::string script = std::string(RISKD_SOURCE_DIR) + "/scripts/webhook-receiver.py";
      execlp("python3", "python3", script.c_str(), "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    static const std::regex kListening(R"(listening on port (\d+))");
    std::smatch match;
    for (int i = 0; i < 500 && match.empty(); ++i) {
      std::string log = Log();
      if (std::regex_search(log, match, kListening)) port_ = std::stoi(match[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~PythonReceiver() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/riskd"); }
  std::string Log() const { return ReadFile(log_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_;
};

TEST_F(WebhooksTest, TheReadmesPythonReceiverVerifiesRiskdsSignatures) {
  const std::string script =
      ReadFile(std::string(RISKD_SOURCE_DIR) + "/scripts/webhook-receiver.py");
  const std::string readme = ReadFile(std::string(RISKD_SOURCE_DIR) + "/README.md");
  EXPECT_TRUE(absl::StrContains(readme, script)) << "the README shows another receiver";

  PythonReceiver python;
  ASSERT_GT(python.port(), 0) << python.Log();
  const std::string config = WriteConfig(dir_, ExampleWebhooksSection(python.url()));
  EnqueueInRocksDb(data_dir_, config, {Event("review.opened", "alice")});
  const std::string id = WebhookDeliveryId(Event("review.opened", "alice").case_id, "app");
  auto riskd = StartRiskd(config);
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(riskd->WaitForLog("msg=\"webhook delivered\"")) << riskd->Log() << python.Log();
  EXPECT_TRUE(absl::StrContains(python.Log(), absl::StrCat("review.opened alice ", id, "\n")))
      << python.Log();

  // Forgeries, replays and a repeat, sent by hand.
  const std::string body = R"({"event":"review.opened","delivery_id":"x","user":{"id":"mallory"}})";
  auto post = [&](const std::string& signature) {
    HttpPoster poster;
    HttpPost request{.url = python.url(),
                     .headers = {"Riskd-Delivery: " + id, "Riskd-Signature: " + signature},
                     .body = body,
                     .timeout = absl::Seconds(5)};
    return poster.PostAll({request})[0].status;
  };
  EXPECT_EQ(post(WebhookSignature("not-the-secret-at-all", absl::Now(), body)), 401);
  EXPECT_EQ(post(WebhookSignature(kSecret, absl::Now() - absl::Minutes(10), body)), 401);
  EXPECT_EQ(post("t=12,v1=zz"), 401);
  EXPECT_EQ(post("garbage"), 401);
  EXPECT_EQ(post(WebhookSignature(kSecret, absl::Now(), body)), 204);  // already seen: not printed
  EXPECT_FALSE(absl::StrContains(python.Log(), "mallory")) << python.Log();
}

}  // namespace
}  // namespace riskd::testing
