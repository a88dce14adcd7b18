// riskd's configuration, as loaded from YAML (see config/riskd.yaml for the
// commented reference).
#ifndef RISKD_SERVER_CONFIG_CONFIG_H_
#define RISKD_SERVER_CONFIG_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/common/ip_address.h"
#include "server/common/logging.h"
#include "server/config/webhooks_config.h"
#include "server/funnel/funnel_options.h"
#include "server/identity/identity_config.h"
#include "server/state/user_model_options.h"
#include "yaml-cpp/yaml.h"

namespace riskd {

enum class CombinerKind { kNoisyOr, kWeightedMean, kMax };
enum class Mode { kEnforce, kMonitor };
// What a detector error or timeout does: kOpen leaves the detector out of the
// score; kClosed counts it as score 1.
enum class FailMode { kOpen, kClosed };

struct DetectorConfig {
  std::string name;         // unique instance name; the plugin's name by default
  std::string plugin_path;  // resolved against the config file's folder
  double weight = 1.0;
  absl::Duration timeout = absl::Milliseconds(20);
  FailMode on_error = FailMode::kOpen;
  YAML::Node settings;   // checked against the plugin's schema when loaded
  YAML::Node node;       // the whole entry, for error locations
  std::string key_path;  // "detectors[2]"
};

struct Thresholds {
  double challenge_at = 0.6;
  double deny_at = 0.9;
  std::string name;  // "thresholds.default" or "thresholds.<event type>"
};

// A rule evaluated in order; the first whose conditions all hold decides.
// Each list condition holds when any of its items matches; an empty list is
// no condition.
struct PolicyConfig {
  std::string name;
  std::vector<riskd::v1::EventType> event_types;
  std::optional<double> score_at_least;
  std::optional<double> score_below;
  std::vector<std::string> signals_any;
  std::vector<std::string> signals_all;
  std::vector<CidrRange> ips;
  absl::flat_hash_set<std::string> user_ids;
  absl::flat_hash_set<std::string> email_domains;  // matches subdomains too
  riskd::v1::Verdict then = riskd::v1::VERDICT_ALLOW;
  YAML::Node node;
  std::string key_path;
};

// Where and how riskd keeps its memory. The engine and its connection are
// read at start-up only; the rest is reloadable.
struct StateConfig {
  enum class Engine { kRocksDb, kRedisCluster };
  Engine engine = Engine::kRocksDb;
  bool sync_writes = false;  // rocksdb: fsync every commit
  // rocksdb: recent values kept in riskd's memory (see RocksDbOptions).
  size_t value_cache_bytes = size_t{256} << 20;
  std::vector<std::string> redis_nodes;  // seed nodes, "host:port"
  std::string redis_key_prefix;          // lets deployments share a cluster
  absl::Duration redis_connect_timeout = absl::Milliseconds(200);
  absl::Duration redis_command_timeout = absl::Milliseconds(500);
  // When the store cannot be read or written: open decides without history,
  // closed answers challenge. Either way the response says so.
  FailMode on_unavailable = FailMode::kOpen;
  // How long a decision is kept to answer a retry of its request id.
  absl::Duration response_ttl = absl::Hours(24);
  UserModelOptions user_model;
};

// The host's own IP geolocation: fills each device's and user's country (for
// GetUser, the shared_account flag and webhooks). Optional.
struct GeoIpConfig {
  std::vector<std::string> city_files;  // MMDB files, resolved; looked up in order
  YAML::Node node;                      // for errors that name the line
};

struct Config {
  std::string path;  // the file it was loaded from
  std::string listen = "127.0.0.1:50051";
  std::string data_dir;  // resolved against the config file's folder
  LogLevel log_level = LogLevel::kInfo;
  Mode mode = Mode::kEnforce;
  FailMode on_detector_error = FailMode::kOpen;
  CombinerKind combiner = CombinerKind::kNoisyOr;
  Thresholds default_thresholds{.name = "thresholds.default"};
  absl::flat_hash_map<riskd::v1::EventType, Thresholds> thresholds_by_type;
  std::vector<CidrRange> trusted_proxies;
  IdentityConfig identity;  // who the user is when the app sends a JWT
  std::vector<DetectorConfig> detectors;
  std::vector<PolicyConfig> policies;
  StateConfig state;
  FunnelOptions funnel;
  GeoIpConfig geoip;
  bool watch_file = true;  // reload when the file changes
  absl::Duration watch_interval = absl::Seconds(1);
  absl::Duration shutdown_grace = absl::Seconds(10);
  WebhooksConfig webhooks;

  const Thresholds& ThresholdsFor(riskd::v1::EventType type) const {
    auto it = thresholds_by_type.find(type);
    return it == thresholds_by_type.end() ? default_thresholds : it->second;
  }
};

// Reads and checks `path`. Errors name the file, line and key.
absl::StatusOr<Config> LoadConfig(const std::string& path);

}  // namespace riskd

#endif  // RISKD_SERVER_CONFIG_CONFIG_H_
