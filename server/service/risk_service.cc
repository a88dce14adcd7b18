#include "server/service/risk_service.h"

#include "absl/time/clock.h"
#include "server/service/response_builder.h"

namespace riskd {
namespace {

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

// Validates and decides; the shared part of Authenticate and Track.
absl::StatusOr<std::pair<NormalizedEvent, Decision>> Run(absl::string_view rpc,
                                                         const EngineHolder& engines,
                                                         bool has_event,
                                                         const riskd::v1::Event& event) {
  absl::Time start = absl::Now();
  if (!has_event) return absl::InvalidArgumentError("event: is required");
  std::shared_ptr<const DecisionEngine> engine = engines.Get();
  absl::StatusOr<NormalizedEvent> normalized = engine->validator().Validate(event, start);
  if (!normalized.ok()) return normalized.status();
  Decision decision = engine->Decide(*normalized);
  LogDecision(rpc, *normalized, decision, absl::Now() - start);
  return std::make_pair(*std::move(normalized), std::move(decision));
}

}  // namespace

grpc::ServerUnaryReactor* RiskService::Authenticate(grpc::CallbackServerContext* context,
                                                    const riskd::v1::AuthenticateRequest* request,
                                                    riskd::v1::AuthenticateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto result = Run("Authenticate", engines_, request->has_event(), request->event());
  if (!result.ok()) {
    reactor->Finish(ToGrpc(result.status()));
    return reactor;
  }
  FillAuthenticateResponse(result->first, result->second, *response);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* RiskService::Track(grpc::CallbackServerContext* context,
                                             const riskd::v1::TrackRequest* request,
                                             riskd::v1::TrackResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Detectors run for tracked events too: they are where state updates come from.
  auto result = Run("Track", engines_, request->has_event(), request->event());
  if (!result.ok()) {
    reactor->Finish(ToGrpc(result.status()));
    return reactor;
  }
  response->set_request_id(result->first.request_id);
  response->set_device_id(result->first.device_id);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace riskd
