// riskd.v1.RiskService on gRPC's callback API. Evaluation is pure CPU work
// (no I/O on the hot path), so handlers finish inline without blocking.
#ifndef RISKD_SERVER_SERVICE_RISK_SERVICE_H_
#define RISKD_SERVER_SERVICE_RISK_SERVICE_H_

#include "riskd/v1/riskd.grpc.pb.h"
#include "server/service/engine_holder.h"

namespace riskd {

class RiskService final : public riskd::v1::RiskService::CallbackService {
 public:
  explicit RiskService(const EngineHolder& engines) : engines_(engines) {}

  grpc::ServerUnaryReactor* Authenticate(grpc::CallbackServerContext* context,
                                         const riskd::v1::AuthenticateRequest* request,
                                         riskd::v1::AuthenticateResponse* response) override;
  grpc::ServerUnaryReactor* Track(grpc::CallbackServerContext* context,
                                  const riskd::v1::TrackRequest* request,
                                  riskd::v1::TrackResponse* response) override;

 private:
  const EngineHolder& engines_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_RISK_SERVICE_H_
