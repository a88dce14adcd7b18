// The whole decision path for one call, with state:
//   validate -> one batched read (the user, a stored answer to a retry)
//   -> detectors and policies -> one guarded write (the user's record and
//   this answer) -> reply.
// The write comes before the reply so that what riskd acknowledged survives a
// crash; it is one batch, a few microseconds in RocksDB, one round trip per
// Redis node.
#ifndef RISKD_SERVER_SERVICE_DECISION_FLOW_H_
#define RISKD_SERVER_SERVICE_DECISION_FLOW_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "riskd/v1/riskd.pb.h"
#include "server/funnel/funnel_counters.h"
#include "server/service/engine_holder.h"
#include "server/state/shared_counters.h"
#include "server/state/state_store.h"

namespace riskd {

class DecisionFlow {
 public:
  DecisionFlow(const EngineHolder& engines, StateStore& store, FunnelRecorder& funnel,
               SharedCounters& shared_counters)
      : engines_(engines), store_(store), funnel_(funnel), shared_counters_(shared_counters) {}

  absl::StatusOr<riskd::v1::AuthenticateResponse> Authenticate(const riskd::v1::Event& event);
  absl::StatusOr<riskd::v1::TrackResponse> Track(const riskd::v1::Event& event);
  absl::StatusOr<riskd::v1::GetUserResponse> GetUser(const riskd::v1::GetUserRequest& request);
  absl::StatusOr<riskd::v1::ListUsersResponse> ListUsers(
      const riskd::v1::ListUsersRequest& request);

  bool MayBlock() const { return store_.MayBlock(); }

 private:
  // Decides `event` and records it; `with_verdict` is false for Track.
  absl::StatusOr<riskd::v1::AuthenticateResponse> Run(absl::string_view rpc,
                                                      const riskd::v1::Event& raw,
                                                      bool with_verdict);

  const EngineHolder& engines_;
  StateStore& store_;
  FunnelRecorder& funnel_;
  SharedCounters& shared_counters_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_DECISION_FLOW_H_
