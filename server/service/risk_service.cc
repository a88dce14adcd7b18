#include "server/service/risk_service.h"

namespace riskd {
namespace {

// Enough to overlap round trips to a few Redis nodes on a small machine.
constexpr int kIoThreads = 8;
// How often the funnel's counters are written (see funnel_counters.h).
constexpr absl::Duration kFunnelFlushInterval = absl::Seconds(1);
// How often detectors' shared counters are written (see shared_counters.h).
constexpr absl::Duration kSharedCounterFlushInterval = absl::Seconds(1);

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

RiskService::RiskService(const EngineHolder& engines, StateStore& store)
    : funnel_(store, kFunnelFlushInterval),
      shared_counters_(store, kSharedCounterFlushInterval),
      flow_(engines, store, funnel_, shared_counters_),
      recovery_(engines, store, funnel_),
      io_pool_(store.MayBlock() ? std::make_unique<ThreadPool>(kIoThreads) : nullptr) {}

template <typename Response, typename Work>
grpc::ServerUnaryReactor* RiskService::Serve(grpc::CallbackServerContext* context,
                                             Response* response, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto run = [reactor, response, work = std::move(work)] {
    absl::StatusOr<Response> result = work();
    if (!result.ok()) {
      reactor->Finish(ToGrpc(result.status()));
      return;
    }
    *response = *std::move(result);
    reactor->Finish(grpc::Status::OK);
  };
  if (io_pool_) {
    io_pool_->Schedule(std::move(run));
  } else {
    run();
  }
  return reactor;
}

grpc::ServerUnaryReactor* RiskService::Authenticate(grpc::CallbackServerContext* context,
                                                    const riskd::v1::AuthenticateRequest* request,
                                                    riskd::v1::AuthenticateResponse* response) {
  return Serve(context, response,
               [this, request]() -> absl::StatusOr<riskd::v1::AuthenticateResponse> {
                 if (!request->has_event()) return absl::InvalidArgumentError("event: is required");
                 return flow_.Authenticate(request->event());
               });
}

grpc::ServerUnaryReactor* RiskService::Track(grpc::CallbackServerContext* context,
                                             const riskd::v1::TrackRequest* request,
                                             riskd::v1::TrackResponse* response) {
  return Serve(context, response, [this, request]() -> absl::StatusOr<riskd::v1::TrackResponse> {
    if (!request->has_event()) return absl::InvalidArgumentError("event: is required");
    return flow_.Track(request->event());
  });
}

grpc::ServerUnaryReactor* RiskService::GetUser(grpc::CallbackServerContext* context,
                                               const riskd::v1::GetUserRequest* request,
                                               riskd::v1::GetUserResponse* response) {
  return Serve(context, response, [this, request] { return flow_.GetUser(*request); });
}

grpc::ServerUnaryReactor* RiskService::ListUsers(grpc::CallbackServerContext* context,
                                                 const riskd::v1::ListUsersRequest* request,
                                                 riskd::v1::ListUsersResponse* response) {
  return Serve(context, response, [this, request] { return flow_.ListUsers(*request); });
}

grpc::ServerUnaryReactor* RiskService::ReportFeedback(
    grpc::CallbackServerContext* context, const riskd::v1::ReportFeedbackRequest* request,
    riskd::v1::ReportFeedbackResponse* response) {
  return Serve(context, response, [this, request] { return recovery_.ReportFeedback(*request); });
}

grpc::ServerUnaryReactor* RiskService::ListDevices(grpc::CallbackServerContext* context,
                                                   const riskd::v1::ListDevicesRequest* request,
                                                   riskd::v1::ListDevicesResponse* response) {
  return Serve(context, response, [this, request] { return recovery_.ListDevices(*request); });
}

grpc::ServerUnaryReactor* RiskService::ApproveDevice(grpc::CallbackServerContext* context,
                                                     const riskd::v1::DeviceRequest* request,
                                                     riskd::v1::DeviceResponse* response) {
  return Serve(context, response, [this, request] { return recovery_.ApproveDevice(*request); });
}

grpc::ServerUnaryReactor* RiskService::ReportDevice(grpc::CallbackServerContext* context,
                                                    const riskd::v1::DeviceRequest* request,
                                                    riskd::v1::DeviceResponse* response) {
  return Serve(context, response, [this, request] { return recovery_.ReportDevice(*request); });
}

grpc::ServerUnaryReactor* RiskService::GetFunnelStats(
    grpc::CallbackServerContext* context, const riskd::v1::GetFunnelStatsRequest* request,
    riskd::v1::GetFunnelStatsResponse* response) {
  return Serve(context, response, [this, request] { return recovery_.GetFunnelStats(*request); });
}

}  // namespace riskd
