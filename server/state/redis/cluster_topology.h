// The client's view of the cluster: a SlotMap snapshot, refreshed with
// CLUSTER SLOTS from any reachable node (known masters first, then seeds),
// and patched by MOVED redirects in between. Thread-safe.
#ifndef RISKD_SERVER_STATE_REDIS_CLUSTER_TOPOLOGY_H_
#define RISKD_SERVER_STATE_REDIS_CLUSTER_TOPOLOGY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/state/redis/node_connection_pool.h"
#include "server/state/redis/slot_map.h"

namespace riskd::redis {

class ClusterTopology {
 public:
  ClusterTopology(std::vector<std::string> seeds, ConnectionPools* pools)
      : seeds_(std::move(seeds)), pools_(pools), map_(std::make_shared<SlotMap>()) {}

  struct Snapshot {
    std::shared_ptr<const SlotMap> map;
    uint64_t refresh_count;  // identifies the refresh that produced `map`
  };
  Snapshot Current() const;

  // Reloads the slot map unless another thread already did so since
  // `seen.refresh_count`, so that a burst of failures costs one refresh.
  // Asks `first_address` first when given (the target of a MOVED, which
  // knows the newest ownership of that slot). UNAVAILABLE naming every node
  // tried when none answers.
  absl::Status Refresh(const Snapshot& seen, absl::string_view first_address = "");

  // Unconditional refresh, for the first load.
  absl::Status Load();

  // A MOVED redirect: `address` serves `slot` from now on.
  void ApplyMoved(int slot, absl::string_view address);

 private:
  absl::Status FetchAndSwap(absl::string_view first_address)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(refresh_mu_);

  const std::vector<std::string> seeds_;
  ConnectionPools* const pools_;
  // Serializes refreshes; separate from mu_ so snapshots stay cheap meanwhile.
  absl::Mutex refresh_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const SlotMap> map_ ABSL_GUARDED_BY(mu_);
  uint64_t refresh_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_CLUSTER_TOPOLOGY_H_
