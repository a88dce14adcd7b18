// riskd.v1.RiskService on gRPC's callback API. With the embedded store a
// call is pure CPU work plus a local write, done inline; with a store that
// may wait on the network, the call runs on an I/O pool and its reactor
// finishes from there, so gRPC's threads never block.
#ifndef RISKD_SERVER_SERVICE_RISK_SERVICE_H_
#define RISKD_SERVER_SERVICE_RISK_SERVICE_H_

#include <memory>

#include "riskd/v1/riskd.grpc.pb.h"
#include "server/common/thread_pool.h"
#include "server/funnel/funnel_counters.h"
#include "server/service/decision_flow.h"
#include "server/service/recovery_flow.h"

namespace riskd {

class RiskService final : public riskd::v1::RiskService::CallbackService {
 public:
  RiskService(const EngineHolder& engines, StateStore& store);

  grpc::ServerUnaryReactor* Authenticate(grpc::CallbackServerContext* context,
                                         const riskd::v1::AuthenticateRequest* request,
                                         riskd::v1::AuthenticateResponse* response) override;
  grpc::ServerUnaryReactor* Track(grpc::CallbackServerContext* context,
                                  const riskd::v1::TrackRequest* request,
                                  riskd::v1::TrackResponse* response) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* context,
                                    const riskd::v1::GetUserRequest* request,
                                    riskd::v1::GetUserResponse* response) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* context,
                                      const riskd::v1::ListUsersRequest* request,
                                      riskd::v1::ListUsersResponse* response) override;
  grpc::ServerUnaryReactor* ReportFeedback(grpc::CallbackServerContext* context,
                                           const riskd::v1::ReportFeedbackRequest* request,
                                           riskd::v1::ReportFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* ListDevices(grpc::CallbackServerContext* context,
                                        const riskd::v1::ListDevicesRequest* request,
                                        riskd::v1::ListDevicesResponse* response) override;
  grpc::ServerUnaryReactor* ApproveDevice(grpc::CallbackServerContext* context,
                                          const riskd::v1::DeviceRequest* request,
                                          riskd::v1::DeviceResponse* response) override;
  grpc::ServerUnaryReactor* ReportDevice(grpc::CallbackServerContext* context,
                                         const riskd::v1::DeviceRequest* request,
                                         riskd::v1::DeviceResponse* response) override;
  grpc::ServerUnaryReactor* GetFunnelStats(grpc::CallbackServerContext* context,
                                           const riskd::v1::GetFunnelStatsRequest* request,
                                           riskd::v1::GetFunnelStatsResponse* response) override;

 private:
  // Runs `work` (returning StatusOr<Response>) inline or on the I/O pool,
  // then finishes the call with its result.
  template <typename Response, typename Work>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Response* response,
                                  Work work);

  FunnelRecorder funnel_;           // before the flows that count into it
  SharedCounters shared_counters_;  // likewise
  DecisionFlow flow_;
  RecoveryFlow recovery_;
  std::unique_ptr<ThreadPool> io_pool_;  // only for stores that may block
};

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_RISK_SERVICE_H_
