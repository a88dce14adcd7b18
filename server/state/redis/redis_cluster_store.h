// StateStore on a Redis Cluster (hiredis, synchronous). Reads and commits
// are pipelined: one round trip per node per batch. Each transaction is one
// Lua script call on the master of its slot, which is what makes it atomic;
// so all keys of a transaction must share a hash tag. Thread-safe.
#ifndef RISKD_SERVER_STATE_REDIS_REDIS_CLUSTER_STORE_H_
#define RISKD_SERVER_STATE_REDIS_REDIS_CLUSTER_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/state/redis/cluster_pipeline.h"
#include "server/state/redis/cluster_topology.h"
#include "server/state/redis/node_connection_pool.h"
#include "server/state/state_store.h"

namespace riskd {

struct RedisClusterOptions {
  // "host:port" of some cluster nodes; any one that answers is enough.
  std::vector<std::string> seeds;
  // Prepended to every key, so deployments can share a cluster. Must not
  // contain '{' or '}' (it would change the keys' hash tags).
  std::string key_prefix;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  absl::Duration command_timeout = absl::Seconds(1);
  // Sends of one command, counting redirects, waits on TRYAGAIN and a
  // resend after a lost connection.
  int max_attempts = 5;
  size_t max_idle_connections_per_node = 8;
  // Round trips on the wire to one node at once; concurrent callers beyond
  // that share the next one (NodeRoundTrips), so that under load a node
  // serves several decisions per read.
  int max_round_trips_in_flight_per_node = 2;
};

class RedisClusterStore : public StateStore {
 public:
  // Loads the slot map from the first seed that answers. UNAVAILABLE when
  // none does; INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<RedisClusterStore>> Connect(
      const RedisClusterOptions& options);

  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      absl::Span<const std::string> keys) override;
  absl::StatusOr<std::vector<bool>> Commit(std::vector<Transaction> transactions) override;
  absl::StatusOr<ScanPage> Scan(absl::string_view prefix, absl::string_view cursor,
                                size_t limit) override;
  bool MayBlock() const override { return true; }
  std::string Describe() const override;

 private:
  explicit RedisClusterStore(const RedisClusterOptions& options);

  // GETs of full (prefixed) keys, pipelined per node.
  absl::StatusOr<std::vector<std::optional<std::string>>> GetFullKeys(
      absl::Span<const std::string> full_keys);
  // Scan of a prefix whose keys all live in `slot` (see slot_scan.h).
  absl::StatusOr<ScanPage> ScanSlot(int slot, absl::string_view full_prefix,
                                    absl::string_view cursor, size_t limit);

  const RedisClusterOptions options_;
  redis::ConnectionPools pools_;
  redis::ClusterTopology topology_;
  redis::ClusterPipeline pipeline_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_REDIS_REDIS_CLUSTER_STORE_H_
