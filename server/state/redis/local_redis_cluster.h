// Test support: a real Redis Cluster of redis-server processes on 127.0.0.1,
// on free ports in a temporary directory, owned by the test process. The
// servers are children that die with the process even if it crashes
// (PR_SET_PDEATHSIG), so a failed test run leaves none behind.
#ifndef RISKD_SERVER_STATE_REDIS_LOCAL_REDIS_CLUSTER_H_
#define RISKD_SERVER_STATE_REDIS_LOCAL_REDIS_CLUSTER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/state/redis/redis_reply.h"

namespace riskd::redis::testing {

class LocalRedisCluster {
 public:
  // Starts `masters` masters (no replicas) and assigns them equal slot
  // ranges; returns once every node reports cluster_state:ok.
  static absl::StatusOr<std::unique_ptr<LocalRedisCluster>> Start(int masters = 3);
  ~LocalRedisCluster();  // kills the servers and removes the directory

  int size() const { return static_cast<int>(pids_.size()); }
  int port(int node) const { return base_port_ + node; }
  std::string Address(int node) const;
  std::vector<std::string> Addresses() const;

  // One command on one node, on a fresh connection.
  absl::StatusOr<RedisReply> Command(int node, const RedisCommand& command) const;
  // The same after ASKING: reaches keys of a slot the node is importing.
  absl::StatusOr<RedisReply> CommandAsking(int node, const RedisCommand& command) const;
  // The node currently serving `slot`, per CLUSTER SLOTS on `asking_node`.
  absl::StatusOr<int> NodeServing(int slot, int asking_node = 0) const;
  absl::StatusOr<std::string> NodeId(int node) const;

  // SHUTDOWN NOSAVE (the AOF is flushed) and waits for the process to exit.
  absl::Status StopNode(int node);
  // Starts a stopped node again with its config and directory, so it rejoins
  // with its slots and data; waits until it reports cluster_state:ok.
  absl::Status RestartNode(int node);

 private:
  LocalRedisCluster(std::string dir, int base_port, int masters);
  std::string ConfigPath(int node) const;
  absl::Status WriteConfig(int node) const;
  absl::Status Spawn(int node);
  absl::Status WaitUntilServing(int node);
  absl::Status WaitUntilClusterOk(int node) const;
  absl::Status FormCluster();

  const std::string dir_;
  const int base_port_;
  std::vector<pid_t> pids_;  // 0 while a node is stopped
};

}  // namespace riskd::redis::testing

#endif  // RISKD_SERVER_STATE_REDIS_LOCAL_REDIS_CLUSTER_H_
