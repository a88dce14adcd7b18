#include "server/webhooks/webhook_admin_service.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/logging.h"
#include "server/webhooks/failed_webhooks.h"

namespace riskd {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr absl::string_view kPageTokenVersion = "1:";

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

void ToFailedWebhook(const riskd::state::v1::WebhookDelivery& d, riskd::v1::FailedWebhook& out) {
  out.set_delivery_id(d.delivery_id());
  out.set_endpoint(d.endpoint());
  out.set_event(d.event());
  *out.mutable_enqueued_at() = TimeUtil::MillisecondsToTimestamp(d.enqueued_at_ms());
  *out.mutable_failed_at() = TimeUtil::MillisecondsToTimestamp(d.failed_at_ms());
  out.set_attempts(d.attempts());
  out.set_last_error(d.last_error());
  out.set_payload(d.body());
}

}  // namespace

WebhookAdminService::WebhookAdminService(StateStore& store)
    : store_(store), io_pool_(store.MayBlock() ? std::make_unique<ThreadPool>(1) : nullptr) {}

template <typename Work>
grpc::ServerUnaryReactor* WebhookAdminService::Serve(grpc::CallbackServerContext* context,
                                                     Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto run = [reactor, work = std::move(work)] { reactor->Finish(ToGrpc(work())); };
  if (io_pool_) {
    io_pool_->Schedule(std::move(run));
  } else {
    run();
  }
  return reactor;
}

grpc::ServerUnaryReactor* WebhookAdminService::ListFailedWebhooks(
    grpc::CallbackServerContext* context, const riskd::v1::ListFailedWebhooksRequest* request,
    riskd::v1::ListFailedWebhooksResponse* response) {
  return Serve(context, [this, request, response]() -> absl::Status {
    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("page_size: must be between 0 and ", kMaxPageSize));
    }
    std::string cursor;
    if (!request->page_token().empty()) {
      std::string decoded;
      if (!absl::WebSafeBase64Unescape(request->page_token(), &decoded) ||
          !absl::StartsWith(decoded, kPageTokenVersion)) {
        return absl::InvalidArgumentError(
            "page_token: not a token from a previous ListFailedWebhooks");
      }
      cursor = decoded.substr(kPageTokenVersion.size());
    }
    const size_t page_size = request->page_size() ? request->page_size() : kDefaultPageSize;
    absl::StatusOr<FailedWebhooksPage> page = riskd::ListFailedWebhooks(store_, cursor, page_size);
    if (!page.ok()) {
      if (page.status().code() == absl::StatusCode::kInvalidArgument) {
        return absl::InvalidArgumentError(
            "page_token: not a token from a previous ListFailedWebhooks");
      }
      return page.status();
    }
    for (const auto& d : page->deliveries) ToFailedWebhook(d, *response->add_webhooks());
    if (!page->next_cursor.empty()) {
      response->set_next_page_token(
          absl::WebSafeBase64Escape(absl::StrCat(kPageTokenVersion, page->next_cursor)));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WebhookAdminService::RetryWebhooks(
    grpc::CallbackServerContext* context, const riskd::v1::RetryWebhooksRequest* request,
    riskd::v1::RetryWebhooksResponse* response) {
  return Serve(context, [this, request, response]() -> absl::Status {
    std::vector<std::string> ids(request->delivery_ids().begin(), request->delivery_ids().end());
    absl::StatusOr<std::vector<std::string>> moved = RetryFailedWebhooks(store_, ids, absl::Now());
    if (!moved.ok()) return moved.status();
    LogInfo("failed webhooks queued again", {{"count", absl::StrCat(moved->size())}});
    for (std::string& id : *moved) response->add_delivery_ids(std::move(id));
    return absl::OkStatus();
  });
}

}  // namespace riskd
