// The account-recovery funnel's RPCs: feedback, devices and funnel counters.
// Each feedback is one guarded update of the user's record (user_update.h)
// that moves the user's case (funnel/case_model.h).
#ifndef RISKD_SERVER_SERVICE_RECOVERY_FLOW_H_
#define RISKD_SERVER_SERVICE_RECOVERY_FLOW_H_

#include "absl/status/statusor.h"
#include "riskd/v1/riskd.pb.h"
#include "server/funnel/funnel_counters.h"
#include "server/service/engine_holder.h"
#include "server/state/state_store.h"

namespace riskd {

class RecoveryFlow {
 public:
  RecoveryFlow(const EngineHolder& engines, StateStore& store, FunnelRecorder& funnel)
      : engines_(engines), store_(store), funnel_(funnel) {}

  absl::StatusOr<riskd::v1::ReportFeedbackResponse> ReportFeedback(
      const riskd::v1::ReportFeedbackRequest& request);
  absl::StatusOr<riskd::v1::ListDevicesResponse> ListDevices(
      const riskd::v1::ListDevicesRequest& request);
  // ApproveDevice and ReportDevice: the "this was me" / "this was not me"
  // feedback on a named device.
  absl::StatusOr<riskd::v1::DeviceResponse> ApproveDevice(const riskd::v1::DeviceRequest& request);
  absl::StatusOr<riskd::v1::DeviceResponse> ReportDevice(const riskd::v1::DeviceRequest& request);
  absl::StatusOr<riskd::v1::GetFunnelStatsResponse> GetFunnelStats(
      const riskd::v1::GetFunnelStatsRequest& request);

 private:
  absl::StatusOr<riskd::v1::DeviceResponse> DeviceFeedback(const riskd::v1::DeviceRequest& request,
                                                           riskd::v1::FeedbackType type);

  const EngineHolder& engines_;
  StateStore& store_;
  FunnelRecorder& funnel_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_RECOVERY_FLOW_H_
