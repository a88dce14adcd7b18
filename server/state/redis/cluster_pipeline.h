// Runs commands on the cluster: each on the master of its slot, pipelined so
// that a batch costs one round trip per node (requests to all nodes are
// written before any reply is read, so the trips overlap). Follows MOVED
// (patch the slot map, refresh it, resend) and ASK (ASKING + resend to the
// named node) redirects and waits out TRYAGAIN/CLUSTERDOWN, a bounded number
// of times.
#ifndef RISKD_SERVER_STATE_REDIS_CLUSTER_PIPELINE_H_
#define RISKD_SERVER_STATE_REDIS_CLUSTER_PIPELINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/state/redis/cluster_topology.h"
#include "server/state/redis/node_connection_pool.h"
#include "server/state/redis/redis_reply.h"

namespace riskd::redis {

struct SlotCommand {
  int slot;
  RedisCommand command;
};

class ClusterPipeline {
 public:
  ClusterPipeline(ClusterTopology* topology, ConnectionPools* pools, int max_attempts)
      : topology_(topology), pools_(pools), max_attempts_(max_attempts) {}

  // Whether a command may be sent again after a connection broke between
  // sending it and reading its reply (it may have run).
  enum class Resend { kSafe, kUnsafe };

  // replies[i] answers commands[i]. Error replies other than redirects and
  // transient cluster errors are returned as replies. UNAVAILABLE, naming
  // the node, when a node cannot be reached; with Resend::kUnsafe, commands
  // to other nodes may then have run.
  absl::StatusOr<std::vector<RedisReply>> Run(absl::Span<const SlotCommand> commands,
                                              Resend resend);

  // Runs `commands` on one node, without redirects (SCAN of one master).
  absl::StatusOr<std::vector<RedisReply>> RunOnNode(absl::string_view address,
                                                    absl::Span<const RedisCommand> commands);

 private:
  ClusterTopology* const topology_;
  ConnectionPools* const pools_;
  const int max_attempts_;
};

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_CLUSTER_PIPELINE_H_
