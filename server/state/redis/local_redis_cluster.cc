#include "server/state/redis/local_redis_cluster.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/state/redis/crc16_slot.h"
#include "server/state/redis/redis_connection.h"
#include "server/state/redis/slot_map.h"

namespace riskd::redis::testing {
namespace {

constexpr int kClusterBusPortOffset = 10000;  // Redis's default bus port

bool PortIsFree(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

// A base port whose client and bus ports are all free. Both stay below
// Linux's ephemeral range (32768 and up): a node stopped by a test must find
// its port free when it restarts, and an ephemeral port could be handed to
// any process meanwhile.
absl::StatusOr<int> PickBasePort(int masters) {
  absl::BitGen random;
  for (int attempt = 0; attempt < 50; ++attempt) {
    int base = absl::Uniform(random, 12000, 22000 - masters);
    bool free = true;
    for (int i = 0; i < masters && free; ++i) {
      free = PortIsFree(base + i) && PortIsFree(base + i + kClusterBusPortOffset);
    }
    if (free) return base;
  }
  return absl::UnavailableError("no free port range for a test redis cluster");
}

template <typename Predicate>
absl::Status PollUntil(absl::Duration timeout, absl::string_view what, Predicate done) {
  absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline)
      return absl::DeadlineExceededError(absl::StrCat("timed out: ", what));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalRedisCluster>> LocalRedisCluster::Start(int masters) {
  auto base_port = PickBasePort(masters);
  if (!base_port.ok()) return base_port.status();
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "riskd-redis-cluster-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary directory");
  }
  std::unique_ptr<LocalRedisCluster> cluster(
      new LocalRedisCluster(dir_template, *base_port, masters));
  for (int node = 0; node < masters; ++node) {
    if (absl::Status status = cluster->WriteConfig(node); !status.ok()) return status;
    if (absl::Status status = cluster->Spawn(node); !status.ok()) return status;
  }
  for (int node = 0; node < masters; ++node) {
    if (absl::Status status = cluster->WaitUntilServing(node); !status.ok()) return status;
  }
  if (absl::Status status = cluster->FormCluster(); !status.ok()) return status;
  return cluster;
}

LocalRedisCluster::LocalRedisCluster(std::string dir, int base_port, int masters)
    : dir_(std::move(dir)), base_port_(base_port), pids_(masters, 0) {}

LocalRedisCluster::~LocalRedisCluster() {
  for (pid_t pid : pids_) {
    if (pid > 0) kill(pid, SIGKILL);
  }
  for (pid_t pid : pids_) {
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string LocalRedisCluster::Address(int node) const {
  return absl::StrCat("127.0.0.1:", port(node));
}

std::vector<std::string> LocalRedisCluster::Addresses() const {
  std::vector<std::string> addresses;
  for (int node = 0; node < size(); ++node) addresses.push_back(Address(node));
  return addresses;
}

std::string LocalRedisCluster::ConfigPath(int node) const {
  return absl::StrCat(dir_, "/", port(node), "/redis.conf");
}

absl::Status LocalRedisCluster::WriteConfig(int node) const {
  std::string node_dir = absl::StrCat(dir_, "/", port(node));
  std::filesystem::create_directories(node_dir);
  std::ofstream config(ConfigPath(node));
  // Like scripts/redis-cluster.sh, but in the foreground: the test owns the process.
  config << "bind 127.0.0.1\n"
         << "port " << port(node) << "\n"
         << "dir " << node_dir << "\n"
         << "logfile " << node_dir << "/redis.log\n"
         << "cluster-enabled yes\n"
         << "cluster-config-file nodes.conf\n"
         << "cluster-node-timeout 5000\n"
         << "appendonly yes\n"
         << "appendfsync everysec\n"
         << "save \"\"\n";
  config.close();
  if (!config) return absl::InternalError(absl::StrCat("cannot write ", ConfigPath(node)));
  return absl::OkStatus();
}

absl::Status LocalRedisCluster::Spawn(int node) {
  std::string config_path = ConfigPath(node);
  char* argv[] = {const_cast<char*>("redis-server"), config_path.data(), nullptr};
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    execvp("redis-server", argv);
    _exit(127);
  }
  pids_[node] = pid;
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> LocalRedisCluster::Command(int node, const RedisCommand& command) const {
  RedisConnection connection(Address(node), {.connect_timeout = absl::Milliseconds(200),
                                             .command_timeout = absl::Seconds(5)});
  if (absl::Status status = connection.EnsureConnected(); !status.ok()) return status;
  return connection.ExecuteOne(command);
}

absl::StatusOr<RedisReply> LocalRedisCluster::CommandAsking(int node,
                                                            const RedisCommand& command) const {
  RedisConnection connection(Address(node), {.connect_timeout = absl::Milliseconds(200),
                                             .command_timeout = absl::Seconds(5)});
  if (absl::Status status = connection.EnsureConnected(); !status.ok()) return status;
  auto replies = connection.Execute({RedisCommand{"ASKING"}, command});
  if (!replies.ok()) return replies.status();
  return std::move(replies->back());
}

absl::Status LocalRedisCluster::WaitUntilServing(int node) {
  bool exited = false;
  absl::Status waited =
      PollUntil(absl::Seconds(10), absl::StrCat("redis-server on ", Address(node)), [&] {
        exited = waitpid(pids_[node], nullptr, WNOHANG) == pids_[node];
        if (exited) return true;
        auto pong = Command(node, {"PING"});
        return pong.ok() && pong->str == "PONG";
      });
  if (exited) {
    pids_[node] = 0;
    return absl::InternalError(absl::StrCat("redis-server on ", Address(node), " exited; see ",
                                            dir_, "/", port(node), "/redis.log"));
  }
  return waited;
}

absl::Status LocalRedisCluster::WaitUntilClusterOk(int node) const {
  return PollUntil(absl::Seconds(15), absl::StrCat("cluster_state:ok on ", Address(node)), [&] {
    auto info = Command(node, {"CLUSTER", "INFO"});
    return info.ok() && absl::StrContains(info->str, "cluster_state:ok");
  });
}

absl::Status LocalRedisCluster::FormCluster() {
  // What `redis-cli --cluster create` does, without its fixed sleeps:
  // distinct config epochs, equal slot ranges, then the nodes meet.
  const int masters = size();
  for (int node = 0; node < masters; ++node) {
    int first = kClusterSlotCount * node / masters;
    int last = kClusterSlotCount * (node + 1) / masters - 1;
    for (const RedisCommand& command :
         {RedisCommand{"CLUSTER", "SET-CONFIG-EPOCH", absl::StrCat(node + 1)},
          RedisCommand{"CLUSTER", "ADDSLOTSRANGE", absl::StrCat(first), absl::StrCat(last)}}) {
      auto reply = Command(node, command);
      if (!reply.ok()) return reply.status();
      if (reply->IsError()) return absl::InternalError(absl::StrCat(command[1], ": ", reply->str));
    }
  }
  // Every pair meets directly rather than waiting for gossip to spread.
  for (int node = 0; node < masters; ++node) {
    for (int other = node + 1; other < masters; ++other) {
      auto reply = Command(node, {"CLUSTER", "MEET", "127.0.0.1", absl::StrCat(port(other))});
      if (!reply.ok()) return reply.status();
      if (reply->IsError()) return absl::InternalError(absl::StrCat("CLUSTER MEET: ", reply->str));
    }
  }
  for (int node = 0; node < masters; ++node) {
    if (absl::Status status = WaitUntilClusterOk(node); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<int> LocalRedisCluster::NodeServing(int slot, int asking_node) const {
  auto reply = Command(asking_node, {"CLUSTER", "SLOTS"});
  if (!reply.ok()) return reply.status();
  auto map = SlotMap::FromClusterSlots(*reply, Address(asking_node));
  if (!map.ok()) return map.status();
  for (int node = 0; node < size(); ++node) {
    if (map->MasterOf(slot) == Address(node)) return node;
  }
  return absl::NotFoundError(absl::StrCat("no node serves slot ", slot));
}

absl::StatusOr<std::string> LocalRedisCluster::NodeId(int node) const {
  auto reply = Command(node, {"CLUSTER", "MYID"});
  if (!reply.ok()) return reply.status();
  return reply->str;
}

absl::Status LocalRedisCluster::StopNode(int node) {
  if (pids_[node] == 0) return absl::OkStatus();
  (void)Command(node, {"SHUTDOWN", "NOSAVE"});  // the connection just closes
  pid_t pid = pids_[node];
  absl::Status exited = PollUntil(absl::Seconds(5), absl::StrCat("shutdown of ", Address(node)),
                                  [&] { return waitpid(pid, nullptr, WNOHANG) == pid; });
  if (!exited.ok()) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  pids_[node] = 0;
  return absl::OkStatus();
}

absl::Status LocalRedisCluster::RestartNode(int node) {
  if (pids_[node] != 0) return absl::FailedPreconditionError("node is running");
  if (absl::Status status = Spawn(node); !status.ok()) return status;
  if (absl::Status status = WaitUntilServing(node); !status.ok()) return status;
  return WaitUntilClusterOk(node);
}

}  // namespace riskd::redis::testing
