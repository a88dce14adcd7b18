// One local Redis Cluster per test process, started on first use on free
// loopback ports and stopped when the tests end.
#ifndef RISKD_TESTS_SUPPORT_SHARED_REDIS_CLUSTER_H_
#define RISKD_TESTS_SUPPORT_SHARED_REDIS_CLUSTER_H_

#include <string>

#include "server/state/redis/local_redis_cluster.h"

namespace riskd::testing {

using ::riskd::redis::testing::LocalRedisCluster;

// Fails the test (returns nullptr) when the cluster cannot start.
LocalRedisCluster* SharedRedisCluster();

// A `state:` config section for riskd on the shared cluster, with a key
// prefix unique to the calling test so that tests never see each other's users.
std::string RedisStateConfig(const std::string& on_unavailable = "open");

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_SHARED_REDIS_CLUSTER_H_
