// A real HTTP receiver of riskd's webhooks for tests, on 127.0.0.1 with
// plain sockets: it checks each POST's Riskd-Signature (HMAC-SHA256 with its
// secret, timestamp no older than 5 minutes), keeps a log deduplicated by
// Riskd-Delivery as a real receiver would, and can be stopped and restarted
// on the same port to play an outage, answer with an error status, or hold
// its answer back (the delivery is logged, the sender waits) to play a
// sender that dies between the receiver's work and its 2xx.
//
//   auto receiver = WebhookReceiver::Start("a-secret-of-16-chars");
//   ... url: receiver->url() ...
//   ASSERT_TRUE(receiver->WaitForDeliveries(3, absl::Seconds(10)));
#ifndef RISKD_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
#define RISKD_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace riskd::testing {

struct ReceivedWebhook {
  std::string delivery_id;  // Riskd-Delivery
  std::string event;        // Riskd-Event
  std::string signature;    // Riskd-Signature
  std::string path;         // e.g. /riskd
  std::string body;
  bool signature_valid = false;
};

class WebhookReceiver {
 public:
  // Listens on 127.0.0.1:`port` (0: a free port). nullptr (and a test
  // failure) when it cannot.
  static std::unique_ptr<WebhookReceiver> Start(std::string secret, int port = 0);
  ~WebhookReceiver();  // Stop()

  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:<port>/riskd

  // Closes the port and every open connection: senders get "connection
  // refused" until Restart. Idempotent.
  void Stop();
  // Listens on the same port again; false if it cannot.
  bool Restart();

  // Answer every later delivery with `status` (200 by default). A non-2xx
  // answer does not enter the log: the receiver "failed".
  void RespondWith(int status);
  // Log each later delivery, then wait this long before answering.
  void HoldAnswers(absl::Duration delay);

  // The log: the first validly signed delivery of each id, in arrival order.
  std::vector<ReceivedWebhook> Deliveries() const;
  // Every POST received, duplicates and bad signatures included.
  std::vector<ReceivedWebhook> Requests() const;
  // Validly signed deliveries whose id the log already had.
  int Duplicates() const;

  bool WaitForDeliveries(size_t count, absl::Duration timeout) const;
  bool WaitForRequests(size_t count, absl::Duration timeout) const;

 private:
  explicit WebhookReceiver(std::string secret) : secret_(std::move(secret)) {}
  bool Listen();
  void Accept(int listen_fd);
  void Serve(int fd);
  // The status to answer `request` with; logs it.
  int Handle(ReceivedWebhook request, absl::Duration& hold);
  bool SignatureValid(const std::string& header, const std::string& body) const;

  const std::string secret_;
  int port_ = 0;

  mutable absl::Mutex mu_;
  int listen_fd_ ABSL_GUARDED_BY(mu_) = -1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread acceptor_;
  std::vector<std::thread> connections_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int> open_fds_ ABSL_GUARDED_BY(mu_);
  int status_ ABSL_GUARDED_BY(mu_) = 200;
  absl::Duration hold_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  std::vector<ReceivedWebhook> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<ReceivedWebhook> log_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> logged_ids_ ABSL_GUARDED_BY(mu_);
  int duplicates_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
