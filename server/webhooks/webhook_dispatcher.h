// Delivers the webhook outbox: a background thread that finds due
// deliveries in the state store, leases them, POSTs them signed, and
// deletes, reschedules (exponential backoff with jitter) or gives up on
// each according to the receiver's answer.
//
// At-least-once, across crashes and replicas: a delivery is leased by a
// guarded write that moves its due time to the lease's end (twice the
// longest endpoint timeout plus a second), so two dispatchers - in one riskd
// or several sharing Redis Cluster - never both send it at once, and one
// killed mid-send leaves it due again when the lease runs out. A receiver may
// therefore see a delivery twice (its 2xx was sent, riskd died before
// recording it): it dedupes on the Riskd-Delivery id, which never changes.
//
// Cost per poll: one Scan of the front of each of the 16 outbox shards
// (webhook_keys.h). In RocksDB that is 16 seeks; in Redis Cluster 16 slot
// listings (CLUSTER GETKEYSINSLOT), whose cost is the keys of those slots,
// not the whole keyspace. A busy outbox is drained without waiting for the
// next poll; an idle one is polled every webhooks.poll_interval_ms.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_DISPATCHER_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_DISPATCHER_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config/webhooks_config.h"
#include "server/state/state_store.h"
#include "server/webhooks/http_poster.h"

namespace riskd {

class WebhookDispatcher {
 public:
  // Starts the thread. With no endpoints configured it stays idle (pending
  // deliveries wait) until Reconfigure gives it some.
  WebhookDispatcher(StateStore& store, WebhooksConfig config);
  // Stop().
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Takes effect at the next poll (which it starts at once). Deliveries keep
  // their endpoint's name: a delivery whose endpoint is gone fails.
  void Reconfigure(WebhooksConfig config);

  // Aborts the sends in flight, hands their leases back (they are due at
  // once for the next riskd), and joins the thread. Idempotent.
  void Stop();

 private:
  struct Round {
    bool more = false;                   // a full page of due deliveries: poll again now
    std::optional<absl::Time> next_due;  // the earliest not-yet-due delivery seen
  };
  struct Leased;

  void Run();
  Round PollOnce(const WebhooksConfig& config);
  void Deliver(const WebhooksConfig& config, std::vector<Leased>& leased);
  // Logs the first failure of an outage of the store.
  void StoreFailed(absl::string_view what, const absl::Status& status);

  StateStore& store_;
  const std::string owner_;  // this riskd, in leases
  HttpPoster poster_;
  absl::BitGen jitter_;         // the dispatcher thread's only
  bool store_failing_ = false;  // likewise

  absl::Mutex mu_;
  std::shared_ptr<const WebhooksConfig> config_ ABSL_GUARDED_BY(mu_);
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_DISPATCHER_H_
