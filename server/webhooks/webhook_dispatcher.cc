#include "server/webhooks/webhook_dispatcher.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "riskd/state/v1/webhook_delivery.pb.h"
#include "server/common/logging.h"
#include "server/webhooks/retry_schedule.h"
#include "server/webhooks/webhook_keys.h"
#include "server/webhooks/webhook_signer.h"

namespace riskd {
namespace {

using riskd::state::v1::WebhookDelivery;

// Deliveries read from the front of each shard per poll, and sent at once.
constexpr size_t kScanPerShard = 32;
constexpr size_t kMaxInFlight = 64;

// Long enough for the slowest send of a batch and the write after it.
absl::Duration LeaseFor(const WebhooksConfig& config) {
  absl::Duration longest = absl::ZeroDuration();
  for (const WebhookEndpointConfig& e : config.endpoints) longest = std::max(longest, e.timeout);
  return 2 * longest + absl::Seconds(1);
}

std::string ThisProcess() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, ":", getpid());
}

std::string Ms(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d)); }

StateStore::Transaction MoveToFailed(const std::string& key, const std::string& value,
                                     WebhookDelivery delivery, absl::Time now) {
  delivery.clear_leased_by();
  delivery.set_failed_at_ms(absl::ToUnixMillis(now));
  StateStore::Transaction t{.guard_key = key, .guard_value = value};
  t.mutations.push_back({.key = key, .value = std::nullopt});
  t.mutations.push_back({.key = WebhookFailedKey(delivery.delivery_id()),
                         .value = delivery.SerializeAsString(),
                         .ttl = kFailedWebhookTtl});
  return t;
}

}  // namespace

struct WebhookDispatcher::Leased {
  std::string key;    // where the lease put it
  std::string value;  // what the lease wrote: the guard of the outcome's write
  WebhookDelivery delivery;
  const WebhookEndpointConfig* endpoint;
};

WebhookDispatcher::WebhookDispatcher(StateStore& store, WebhooksConfig config)
    : store_(store),
      owner_(ThisProcess()),
      config_(std::make_shared<const WebhooksConfig>(std::move(config))) {
  thread_ = std::thread([this] { Run(); });
}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Reconfigure(WebhooksConfig config) {
  absl::MutexLock lock(&mu_);
  config_ = std::make_shared<const WebhooksConfig>(std::move(config));
  wake_ = true;
}

void WebhookDispatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  poster_.Cancel();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::Run() {
  for (;;) {
    std::shared_ptr<const WebhooksConfig> config;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      config = config_;
      wake_ = false;
    }
    const Round round = PollOnce(*config);
    if (round.more) continue;
    absl::Duration wait = config->poll_interval;
    if (round.next_due) {
      wait = std::min(wait, std::max(*round.next_due - absl::Now(), absl::Milliseconds(1)));
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](WebhookDispatcher* d) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                               return d->wake_ || d->stopping_;
                             },
                             this),
                         wait);
  }
}

void WebhookDispatcher::StoreFailed(absl::string_view what, const absl::Status& status) {
  if (store_failing_) return;  // said once per outage, not once per poll
  store_failing_ = true;
  LogWarning(absl::StrCat("webhooks: cannot ", what, "; retrying at each poll"),
             {{"error", std::string(status.message())}});
}

WebhookDispatcher::Round WebhookDispatcher::PollOnce(const WebhooksConfig& config) {
  Round round;
  if (config.endpoints.empty()) return round;
  const absl::Time now = absl::Now();

  // 1. The due deliveries at the front of each shard.
  struct Due {
    std::string key, value, id;
    absl::Time due;
  };
  std::vector<Due> due;
  for (int shard = 0; shard < kWebhookShards; ++shard) {
    absl::StatusOr<StateStore::ScanPage> page =
        store_.Scan(WebhookPendingPrefix(shard), "", kScanPerShard);
    if (!page.ok()) {
      StoreFailed("read the outbox", page.status());
      return round;
    }
    size_t due_here = 0;
    for (auto& [key, value] : page->items) {
      std::optional<PendingKeyParts> parts = ParseWebhookPendingKey(key);
      if (!parts) continue;
      if (parts->due <= now) {
        due.push_back(
            {std::move(key), std::move(value), std::move(parts->delivery_id), parts->due});
        ++due_here;
      } else if (!round.next_due || parts->due < *round.next_due) {
        round.next_due = parts->due;
      }
    }
    if (!page->next_cursor.empty() && due_here == page->items.size()) round.more = true;
  }
  if (store_failing_) {
    store_failing_ = false;
    LogInfo("webhooks: the state store answers again; delivering");
  }
  if (due.empty()) return round;
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) { return a.due < b.due; });
  if (due.size() > kMaxInFlight) {
    due.resize(kMaxInFlight);
    round.more = true;
  }

  // 2. Lease them: move each to the lease's end, guarded on what was read,
  // so that one dispatcher only gets each. Those that cannot be sent fail.
  const absl::Time lease_end = now + LeaseFor(config);
  std::vector<StateStore::Transaction> batch;
  std::vector<Leased> candidates;
  std::vector<int> lease_of_transaction;  // -1 for a move to the failed list
  for (Due& d : due) {
    WebhookDelivery delivery;
    if (!delivery.ParseFromString(d.value) || delivery.delivery_id() != d.id) {
      delivery.Clear();
      delivery.set_delivery_id(d.id);
      delivery.set_last_error("the stored delivery cannot be read");
      LogError("webhook delivery unreadable; moved to the failed list", {{"delivery_id", d.id}});
      batch.push_back(MoveToFailed(d.key, d.value, std::move(delivery), now));
      lease_of_transaction.push_back(-1);
      continue;
    }
    const WebhookEndpointConfig* endpoint = config.Endpoint(delivery.endpoint());
    if (endpoint == nullptr) {
      delivery.set_last_error(
          absl::StrCat("endpoint \"", delivery.endpoint(), "\" is not configured"));
      LogError("webhook delivery failed: its endpoint is no longer configured",
               {{"delivery_id", d.id}, {"endpoint", delivery.endpoint()}});
      batch.push_back(MoveToFailed(d.key, d.value, std::move(delivery), now));
      lease_of_transaction.push_back(-1);
      continue;
    }
    delivery.set_attempts(delivery.attempts() + 1);
    delivery.set_leased_by(owner_);
    Leased leased{.key = WebhookPendingKey(d.id, lease_end),
                  .value = delivery.SerializeAsString(),
                  .delivery = std::move(delivery),
                  .endpoint = endpoint};
    StateStore::Transaction t{.guard_key = d.key, .guard_value = d.value};
    t.mutations.push_back({.key = d.key, .value = std::nullopt});
    t.mutations.push_back({.key = leased.key, .value = leased.value});
    batch.push_back(std::move(t));
    lease_of_transaction.push_back(static_cast<int>(candidates.size()));
    candidates.push_back(std::move(leased));
  }
  absl::StatusOr<std::vector<bool>> applied = store_.Commit(std::move(batch));
  if (!applied.ok()) {
    StoreFailed("lease due deliveries", applied.status());
    return round;
  }
  std::vector<Leased> leased;
  for (size_t i = 0; i < applied->size(); ++i) {
    // A guard that failed: another dispatcher leased it first.
    if ((*applied)[i] && lease_of_transaction[i] >= 0) {
      leased.push_back(std::move(candidates[lease_of_transaction[i]]));
    }
  }
  if (!leased.empty()) Deliver(config, leased);
  return round;
}

void WebhookDispatcher::Deliver(const WebhooksConfig& config, std::vector<Leased>& leased) {
  std::vector<HttpPost> posts;
  const absl::Time sent_at = absl::Now();
  for (const Leased& l : leased) {
    const std::string& body = l.delivery.body();
    posts.push_back({.url = l.endpoint->url,
                     .headers = {"Content-Type: application/json",
                                 absl::StrCat(kEventHeader, ": ", l.delivery.event()),
                                 absl::StrCat(kDeliveryHeader, ": ", l.delivery.delivery_id()),
                                 absl::StrCat(kSignatureHeader, ": ",
                                              WebhookSignature(l.endpoint->secret, sent_at, body))},
                     .body = body,
                     .timeout = l.endpoint->timeout});
  }
  const std::vector<HttpOutcome> outcomes = poster_.PostAll(posts);

  // 3. Record each outcome, guarded on the lease still being ours.
  const absl::Time now = absl::Now();
  std::vector<StateStore::Transaction> batch;
  for (size_t i = 0; i < leased.size(); ++i) {
    const Leased& l = leased[i];
    const HttpOutcome& outcome = outcomes[i];
    WebhookDelivery delivery = l.delivery;
    const std::string& id = delivery.delivery_id();
    const LogFields fields = {{"delivery_id", id},
                              {"endpoint", delivery.endpoint()},
                              {"event", delivery.event()},
                              {"attempt", absl::StrCat(delivery.attempts())}};
    StateStore::Transaction t{.guard_key = l.key, .guard_value = l.value};
    t.mutations.push_back({.key = l.key, .value = std::nullopt});
    if (outcome.ok()) {
      LogInfo("webhook delivered", fields);
    } else if (outcome.cancelled) {
      // Stopping: hand it back, due now, the attempt not counted.
      delivery.set_attempts(delivery.attempts() - 1);
      delivery.clear_leased_by();
      t.mutations.push_back(
          {.key = WebhookPendingKey(id, now), .value = delivery.SerializeAsString()});
    } else {
      delivery.set_last_error(outcome.error);
      delivery.clear_leased_by();
      std::optional<absl::Time> next =
          NextAttempt(config, absl::FromUnixMillis(delivery.age_from_ms()),
                      static_cast<int>(delivery.attempts()), now, absl::Uniform(jitter_, 0.0, 1.0));
      LogFields failure = fields;
      failure.push_back({"error", outcome.error});
      if (next) {
        failure.push_back({"retry_in_ms", Ms(*next - now)});
        LogWarning("webhook delivery failed; will retry", failure);
        t.mutations.push_back(
            {.key = WebhookPendingKey(id, *next), .value = delivery.SerializeAsString()});
      } else {
        LogError("webhook delivery failed for good; see riskctl webhooks failed", failure);
        batch.push_back(MoveToFailed(l.key, l.value, std::move(delivery), now));
        continue;
      }
    }
    batch.push_back(std::move(t));
  }
  absl::StatusOr<std::vector<bool>> applied = store_.Commit(std::move(batch));
  if (!applied.ok()) {
    LogWarning(
        "webhooks: cannot record delivery outcomes; they are sent again when their "
        "leases end",
        {{"error", std::string(applied.status().message())}});
    return;
  }
  for (size_t i = 0; i < applied->size(); ++i) {
    if (!(*applied)[i]) {
      LogWarning(
          "webhook lease ran out before its outcome was recorded; another dispatcher "
          "sends it again",
          {{"delivery_id", leased[i].delivery.delivery_id()}});
    }
  }
}

}  // namespace riskd
