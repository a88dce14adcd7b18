// riskd.v1.WebhookAdmin: the failed webhook deliveries, listed and retried.
// Registered beside RiskService on the same port.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_ADMIN_SERVICE_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_ADMIN_SERVICE_H_

#include <memory>

#include "riskd/v1/webhooks.grpc.pb.h"
#include "server/common/thread_pool.h"
#include "server/state/state_store.h"

namespace riskd {

class WebhookAdminService final : public riskd::v1::WebhookAdmin::CallbackService {
 public:
  explicit WebhookAdminService(StateStore& store);

  grpc::ServerUnaryReactor* ListFailedWebhooks(
      grpc::CallbackServerContext* context, const riskd::v1::ListFailedWebhooksRequest* request,
      riskd::v1::ListFailedWebhooksResponse* response) override;
  grpc::ServerUnaryReactor* RetryWebhooks(grpc::CallbackServerContext* context,
                                          const riskd::v1::RetryWebhooksRequest* request,
                                          riskd::v1::RetryWebhooksResponse* response) override;

 private:
  // Runs `work` inline (RocksDB) or on a small pool (a store that may block),
  // then finishes the call with its status.
  template <typename Work>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Work work);

  StateStore& store_;
  std::unique_ptr<ThreadPool> io_pool_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_ADMIN_SERVICE_H_
