#include "server/state/redis/node_connection_pool.h"

namespace riskd::redis {

NodeConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Return(std::move(connection_));
}

NodeConnectionPool::NodeConnectionPool(std::string address, ConnectionOptions options,
                                       size_t max_idle, int max_round_trips_in_flight)
    : address_(std::move(address)),
      options_(options),
      max_idle_(max_idle),
      round_trips_(this, max_round_trips_in_flight) {}

absl::StatusOr<NodeConnectionPool::Lease> NodeConnectionPool::Acquire() {
  std::unique_ptr<RedisConnection> connection;
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (connection == nullptr) connection = std::make_unique<RedisConnection>(address_, options_);
  // Outside the lock: connecting may wait for the connect timeout.
  if (absl::Status status = connection->EnsureConnected(); !status.ok()) return status;
  return Lease(this, std::move(connection));
}

void NodeConnectionPool::Return(std::unique_ptr<RedisConnection> connection) {
  if (!connection->reusable()) return;  // broken, or replies unread
  absl::MutexLock lock(&mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

NodeConnectionPool& ConnectionPools::ForNode(absl::string_view address) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<NodeConnectionPool>& pool = pools_[address];
  if (pool == nullptr) {
    pool = std::make_unique<NodeConnectionPool>(std::string(address), options_, max_idle_per_node_,
                                                max_round_trips_in_flight_per_node_);
  }
  return *pool;
}

}  // namespace riskd::redis
