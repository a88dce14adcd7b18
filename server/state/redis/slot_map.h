// Which master serves each of the 16384 hash slots, as read from CLUSTER
// SLOTS. An immutable snapshot once built; ClusterTopology swaps snapshots.
#ifndef RISKD_SERVER_STATE_REDIS_SLOT_MAP_H_
#define RISKD_SERVER_STATE_REDIS_SLOT_MAP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/state/redis/redis_reply.h"

namespace riskd::redis {

class SlotMap {
 public:
  SlotMap();

  // Parses a CLUSTER SLOTS reply: [[first, last, [host, port, id, ...],
  // replicas...], ...]. A master announced with an empty host is the node
  // that answered, so its host is taken from `answering_address`.
  static absl::StatusOr<SlotMap> FromClusterSlots(const RedisReply& reply,
                                                  absl::string_view answering_address);

  // "host:port" of the master of `slot`; empty when no node serves it.
  absl::string_view MasterOf(int slot) const;

  // Records that `address` now serves `slot` (a MOVED redirect).
  void Assign(int slot, absl::string_view address);

  // The masters that serve at least one slot, sorted by address: the fixed
  // node order of a scan.
  std::vector<std::string> Masters() const;

 private:
  int IndexOf(absl::string_view address);

  std::vector<std::string> addresses_;
  std::vector<int16_t> owner_;  // per slot: index into addresses_, or -1
};

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_SLOT_MAP_H_
