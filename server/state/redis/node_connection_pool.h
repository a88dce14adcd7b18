// Connections to Redis nodes, reused across calls. Each node has a small
// pool so that concurrent round trips use their own sockets; a round trip
// that finds the pool empty opens another connection. Concurrent callers
// share round trips (NodeRoundTrips), a few at a time per node.
#ifndef RISKD_SERVER_STATE_REDIS_NODE_CONNECTION_POOL_H_
#define RISKD_SERVER_STATE_REDIS_NODE_CONNECTION_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/state/redis/node_round_trips.h"
#include "server/state/redis/redis_connection.h"

namespace riskd::redis {

class NodeConnectionPool {
 public:
  // A connection borrowed from the pool, returned when the lease ends if it
  // is still healthy (a failed connection is closed instead).
  class Lease {
   public:
    Lease(NodeConnectionPool* pool, std::unique_ptr<RedisConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    RedisConnection* operator->() const { return connection_.get(); }
    RedisConnection& operator*() const { return *connection_; }

   private:
    NodeConnectionPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
  };

  NodeConnectionPool(std::string address, ConnectionOptions options, size_t max_idle,
                     int max_round_trips_in_flight);

  const std::string& address() const { return address_; }
  // Round trips shared by concurrent callers, on this pool's connections.
  NodeRoundTrips& round_trips() { return round_trips_; }

  // A connected connection. UNAVAILABLE (naming the node) when it cannot
  // connect; then nothing was sent.
  absl::StatusOr<Lease> Acquire();

 private:
  void Return(std::unique_ptr<RedisConnection> connection);

  const std::string address_;
  const ConnectionOptions options_;
  const size_t max_idle_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_ ABSL_GUARDED_BY(mu_);
  NodeRoundTrips round_trips_;
};

// The pools of every node seen so far, by "host:port".
class ConnectionPools {
 public:
  ConnectionPools(ConnectionOptions options, size_t max_idle_per_node,
                  int max_round_trips_in_flight_per_node)
      : options_(options),
        max_idle_per_node_(max_idle_per_node),
        max_round_trips_in_flight_per_node_(max_round_trips_in_flight_per_node) {}

  // Pools live as long as this object, so the reference stays valid.
  NodeConnectionPool& ForNode(absl::string_view address);

 private:
  const ConnectionOptions options_;
  const size_t max_idle_per_node_;
  const int max_round_trips_in_flight_per_node_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<NodeConnectionPool>> pools_ ABSL_GUARDED_BY(mu_);
};

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_NODE_CONNECTION_POOL_H_
