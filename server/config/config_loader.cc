#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/event_types.h"
#include "server/common/status_macros.h"
#include "server/config/config.h"
#include "server/config/identity_section.h"
#include "server/config/yaml_reader.h"

namespace riskd {
namespace {

// Paths in the file are relative to the file's own folder.
std::string Resolve(const std::string& config_path, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(config_path).parent_path() / p).lexically_normal().string();
}

class ConfigParser {
 public:
  explicit ConfigParser(const std::string& path) : path_(path), yaml_(path) {}

  absl::StatusOr<Config> Parse(const YAML::Node& root) {
    Config config;
    config.path = path_;
    if (!root.IsDefined() || root.IsNull()) {
      return yaml_.Error(root, "", "the file is empty");
    }
    RISKD_RETURN_IF_ERROR(
        yaml_.CheckKeys(root, "",
                        {"listen", "data_dir", "log_level", "mode", "on_detector_error", "combiner",
                         "thresholds", "trusted_proxies", "detectors", "policies", "reload",
                         "shutdown_grace_ms", "state", "funnel", "webhooks", "geoip", "identity"}));

    if (root["listen"]) {
      RISKD_ASSIGN_OR_RETURN(config.listen, yaml_.String(root["listen"], "listen"));
    }
    std::string data_dir = "data";
    if (root["data_dir"]) {
      RISKD_ASSIGN_OR_RETURN(data_dir, yaml_.String(root["data_dir"], "data_dir"));
    }
    config.data_dir = Resolve(path_, data_dir);
    if (root["log_level"]) {
      RISKD_ASSIGN_OR_RETURN(std::string level, yaml_.String(root["log_level"], "log_level"));
      absl::StatusOr<LogLevel> parsed = ParseLogLevel(level);
      if (!parsed.ok()) {
        return yaml_.Error(root["log_level"], "log_level", parsed.status().message());
      }
      config.log_level = *parsed;
    }
    if (root["mode"]) {
      RISKD_ASSIGN_OR_RETURN(std::string mode, OneOf(root["mode"], "mode", {"enforce", "monitor"}));
      config.mode = mode == "monitor" ? Mode::kMonitor : Mode::kEnforce;
    }
    if (root["on_detector_error"]) {
      RISKD_ASSIGN_OR_RETURN(config.on_detector_error,
                             ParseFailMode(root["on_detector_error"], "on_detector_error"));
    }
    if (root["combiner"]) {
      RISKD_ASSIGN_OR_RETURN(std::string combiner, OneOf(root["combiner"], "combiner",
                                                         {"noisy_or", "weighted_mean", "max"}));
      config.combiner = combiner == "max"             ? CombinerKind::kMax
                        : combiner == "weighted_mean" ? CombinerKind::kWeightedMean
                                                      : CombinerKind::kNoisyOr;
    }
    if (root["thresholds"]) RISKD_RETURN_IF_ERROR(ParseThresholds(root["thresholds"], config));
    if (root["trusted_proxies"]) {
      RISKD_ASSIGN_OR_RETURN(config.trusted_proxies,
                             Cidrs(root["trusted_proxies"], "trusted_proxies"));
    }
    if (root["identity"]) {
      RISKD_RETURN_IF_ERROR(ParseIdentitySection(yaml_, root["identity"], config.identity));
    }
    if (root["reload"]) RISKD_RETURN_IF_ERROR(ParseReload(root["reload"], config));
    if (root["shutdown_grace_ms"]) {
      RISKD_ASSIGN_OR_RETURN(int64_t ms, yaml_.Int(root["shutdown_grace_ms"], "shutdown_grace_ms"));
      config.shutdown_grace = absl::Milliseconds(ms);
    }
    if (root["state"]) RISKD_RETURN_IF_ERROR(ParseState(root["state"], config.state));
    if (root["funnel"]) RISKD_RETURN_IF_ERROR(ParseFunnel(root["funnel"], config.funnel));
    if (root["geoip"]) RISKD_RETURN_IF_ERROR(ParseGeoIp(root["geoip"], config.geoip));
    if (root["detectors"]) {
      RISKD_RETURN_IF_ERROR(ParseDetectors(root["detectors"], config));
    }
    if (root["policies"]) RISKD_RETURN_IF_ERROR(ParsePolicies(root["policies"], config));
    if (root["webhooks"]) {
      RISKD_RETURN_IF_ERROR(ParseWebhooksConfig(yaml_, root["webhooks"], config.webhooks));
    }
    return config;
  }

 private:
  absl::StatusOr<std::string> OneOf(const YAML::Node& node, absl::string_view path,
                                    std::initializer_list<absl::string_view> choices) {
    RISKD_ASSIGN_OR_RETURN(std::string value, yaml_.String(node, path));
    for (absl::string_view choice : choices) {
      if (value == choice) return value;
    }
    return yaml_.Error(
        node, path, absl::StrCat("\"", value, "\" is not one of: ", absl::StrJoin(choices, ", ")));
  }

  absl::StatusOr<FailMode> ParseFailMode(const YAML::Node& node, absl::string_view path) {
    RISKD_ASSIGN_OR_RETURN(std::string mode, OneOf(node, path, {"open", "closed"}));
    return mode == "closed" ? FailMode::kClosed : FailMode::kOpen;
  }

  absl::StatusOr<std::vector<CidrRange>> Cidrs(const YAML::Node& node, absl::string_view path) {
    RISKD_ASSIGN_OR_RETURN(std::vector<std::string> items, yaml_.StringList(node, path));
    std::vector<CidrRange> ranges;
    for (size_t i = 0; i < items.size(); ++i) {
      absl::StatusOr<CidrRange> range = CidrRange::Parse(items[i]);
      if (!range.ok()) {
        return yaml_.Error(node[i], absl::StrCat(path, "[", i, "]"), range.status().message());
      }
      ranges.push_back(*range);
    }
    return ranges;
  }

  // Keys that `node` omits keep their value from `base`.
  absl::StatusOr<Thresholds> ParseThresholdPair(const YAML::Node& node, const std::string& path,
                                                Thresholds base) {
    RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(node, path, {"challenge_at", "deny_at"}));
    Thresholds t = base;
    t.name = path;
    if (node["challenge_at"]) {
      RISKD_ASSIGN_OR_RETURN(t.challenge_at,
                             yaml_.DoubleIn(node["challenge_at"], path + ".challenge_at", 0, 1));
    }
    if (node["deny_at"]) {
      RISKD_ASSIGN_OR_RETURN(t.deny_at, yaml_.DoubleIn(node["deny_at"], path + ".deny_at", 0, 1));
    }
    if (t.challenge_at > t.deny_at) {
      return yaml_.Error(node, path,
                         absl::StrCat("challenge_at (", t.challenge_at,
                                      ") must not be above deny_at (", t.deny_at, ")"));
    }
    return t;
  }

  absl::Status ParseThresholds(const YAML::Node& node, Config& config) {
    RISKD_RETURN_IF_ERROR(yaml_.ExpectMap(node, "thresholds"));
    // The default first, so that per-type entries inherit what they omit.
    if (node["default"]) {
      RISKD_ASSIGN_OR_RETURN(
          config.default_thresholds,
          ParseThresholdPair(node["default"], "thresholds.default", config.default_thresholds));
    }
    for (const auto& entry : node) {
      std::string key = entry.first.Scalar();
      if (key == "default") continue;
      std::string path = "thresholds." + key;
      std::optional<riskd::v1::EventType> type = ParseEventTypeName(key);
      if (!type) {
        return yaml_.Error(entry.first, path,
                           absl::StrCat("unknown event type (expected default or one of: ",
                                        AllEventTypeNames(), ")"));
      }
      RISKD_ASSIGN_OR_RETURN(Thresholds t,
                             ParseThresholdPair(entry.second, path, config.default_thresholds));
      // Reported as the deciding policy: canonical, whatever spelling the file used.
      t.name = "thresholds." + EventTypeName(*type);
      if (!config.thresholds_by_type.emplace(*type, t).second) {
        return yaml_.Error(
            entry.first, path,
            absl::StrCat("a second entry for ", EventTypeName(*type), " (spelled differently)"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseReload(const YAML::Node& node, Config& config) {
    RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(node, "reload", {"watch_file", "interval_ms"}));
    if (node["watch_file"]) {
      RISKD_ASSIGN_OR_RETURN(config.watch_file,
                             yaml_.Bool(node["watch_file"], "reload.watch_file"));
    }
    if (node["interval_ms"]) {
      RISKD_ASSIGN_OR_RETURN(int64_t ms, yaml_.Int(node["interval_ms"], "reload.interval_ms"));
      if (ms < 50)
        return yaml_.Error(node["interval_ms"], "reload.interval_ms", "must be at least 50");
      config.watch_interval = absl::Milliseconds(ms);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<absl::Duration> Millis(const YAML::Node& node, const std::string& path) {
    RISKD_ASSIGN_OR_RETURN(int64_t ms, yaml_.Int(node, path));
    if (ms <= 0) return yaml_.Error(node, path, "must be greater than 0");
    return absl::Milliseconds(ms);
  }

  absl::StatusOr<int> Positive(const YAML::Node& node, const std::string& path) {
    RISKD_ASSIGN_OR_RETURN(int64_t n, yaml_.Int(node, path));
    if (n <= 0 || n > 1000) return yaml_.Error(node, path, "must be between 1 and 1000");
    return static_cast<int>(n);
  }

  absl::Status ParseGeoIp(const YAML::Node& node, GeoIpConfig& geoip) {
    RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(node, "geoip", {"city_files"}));
    geoip.node = node;
    if (!node["city_files"]) return absl::OkStatus();
    RISKD_ASSIGN_OR_RETURN(std::vector<std::string> files,
                           yaml_.StringList(node["city_files"], "geoip.city_files"));
    for (size_t i = 0; i < files.size(); ++i) {
      std::string path = Resolve(path_, files[i]);
      if (!std::ifstream(path).good()) {
        return yaml_.Error(node["city_files"][i], absl::StrCat("geoip.city_files[", i, "]"),
                           absl::StrCat("cannot read ", path));
      }
      geoip.city_files.push_back(std::move(path));
    }
    return absl::OkStatus();
  }

  absl::Status ParseFunnel(const YAML::Node& node, FunnelOptions& funnel) {
    RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(
        node, "funnel",
        {"review_min_score", "approved_device_score_factor", "deny_reported_devices"}));
    if (node["review_min_score"]) {
      RISKD_ASSIGN_OR_RETURN(
          funnel.review_min_score,
          yaml_.DoubleIn(node["review_min_score"], "funnel.review_min_score", 0, 1));
    }
    if (node["approved_device_score_factor"]) {
      RISKD_ASSIGN_OR_RETURN(funnel.approved_device_score_factor,
                             yaml_.DoubleIn(node["approved_device_score_factor"],
                                            "funnel.approved_device_score_factor", 0, 1));
    }
    if (node["deny_reported_devices"]) {
      RISKD_ASSIGN_OR_RETURN(
          funnel.deny_reported_devices,
          yaml_.Bool(node["deny_reported_devices"], "funnel.deny_reported_devices"));
    }
    return absl::OkStatus();
  }

  absl::Status ParseState(const YAML::Node& node, StateConfig& state) {
    RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(
        node, "state",
        {"engine", "rocksdb", "redis_cluster", "on_unavailable", "response_ttl_hours",
         "risk_half_life_hours", "max_devices_per_user", "lost_password_failures"}));
    if (node["engine"]) {
      RISKD_ASSIGN_OR_RETURN(std::string engine,
                             OneOf(node["engine"], "state.engine", {"rocksdb", "redis_cluster"}));
      state.engine = engine == "redis_cluster" ? StateConfig::Engine::kRedisCluster
                                               : StateConfig::Engine::kRocksDb;
    }
    if (const YAML::Node r = node["rocksdb"]) {
      RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(r, "state.rocksdb", {"sync_writes", "value_cache_mb"}));
      if (r["sync_writes"]) {
        RISKD_ASSIGN_OR_RETURN(state.sync_writes,
                               yaml_.Bool(r["sync_writes"], "state.rocksdb.sync_writes"));
      }
      if (r["value_cache_mb"]) {
        RISKD_ASSIGN_OR_RETURN(double mb, yaml_.DoubleIn(r["value_cache_mb"],
                                                         "state.rocksdb.value_cache_mb", 0, 65536));
        state.value_cache_bytes = static_cast<size_t>(mb * (1 << 20));
      }
    }
    if (const YAML::Node r = node["redis_cluster"]) {
      RISKD_RETURN_IF_ERROR(
          yaml_.CheckKeys(r, "state.redis_cluster",
                          {"nodes", "key_prefix", "connect_timeout_ms", "command_timeout_ms"}));
      if (r["key_prefix"]) {
        RISKD_ASSIGN_OR_RETURN(state.redis_key_prefix,
                               yaml_.String(r["key_prefix"], "state.redis_cluster.key_prefix"));
        if (state.redis_key_prefix.find_first_of("{}") != std::string::npos) {
          return yaml_.Error(r["key_prefix"], "state.redis_cluster.key_prefix",
                             "must not contain { or } (they would change the hash tags)");
        }
      }
      if (r["nodes"]) {
        RISKD_ASSIGN_OR_RETURN(state.redis_nodes,
                               yaml_.StringList(r["nodes"], "state.redis_cluster.nodes"));
      }
      if (r["connect_timeout_ms"]) {
        RISKD_ASSIGN_OR_RETURN(
            state.redis_connect_timeout,
            Millis(r["connect_timeout_ms"], "state.redis_cluster.connect_timeout_ms"));
      }
      if (r["command_timeout_ms"]) {
        RISKD_ASSIGN_OR_RETURN(
            state.redis_command_timeout,
            Millis(r["command_timeout_ms"], "state.redis_cluster.command_timeout_ms"));
      }
    }
    if (state.engine == StateConfig::Engine::kRedisCluster && state.redis_nodes.empty()) {
      return yaml_.Error(node, "state.redis_cluster.nodes",
                         "the redis_cluster engine needs at least one seed node (host:port)");
    }
    if (node["on_unavailable"]) {
      RISKD_ASSIGN_OR_RETURN(state.on_unavailable,
                             ParseFailMode(node["on_unavailable"], "state.on_unavailable"));
    }
    if (node["response_ttl_hours"]) {
      RISKD_ASSIGN_OR_RETURN(double h, yaml_.DoubleIn(node["response_ttl_hours"],
                                                      "state.response_ttl_hours", 0.001, 24 * 365));
      state.response_ttl = absl::Seconds(h * 3600);
    }
    if (node["risk_half_life_hours"]) {
      RISKD_ASSIGN_OR_RETURN(
          double h, yaml_.DoubleIn(node["risk_half_life_hours"], "state.risk_half_life_hours",
                                   0.001, 24 * 3650));
      state.user_model.risk_half_life = absl::Seconds(h * 3600);
    }
    if (node["max_devices_per_user"]) {
      RISKD_ASSIGN_OR_RETURN(state.user_model.max_devices,
                             Positive(node["max_devices_per_user"], "state.max_devices_per_user"));
    }
    if (node["lost_password_failures"]) {
      RISKD_ASSIGN_OR_RETURN(
          state.user_model.lost_password_failures,
          Positive(node["lost_password_failures"], "state.lost_password_failures"));
    }
    return absl::OkStatus();
  }

  absl::Status ParseDetectors(const YAML::Node& node, Config& config) {
    RISKD_RETURN_IF_ERROR(yaml_.ExpectSequence(node, "detectors"));
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node entry = node[i];
      std::string path = absl::StrCat("detectors[", i, "]");
      RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(
          entry, path, {"name", "plugin", "weight", "timeout_ms", "on_error", "settings"}));
      DetectorConfig d;
      d.node = entry;
      d.key_path = path;
      d.on_error = config.on_detector_error;
      if (!entry["plugin"]) return yaml_.Error(entry, path + ".plugin", "is required");
      RISKD_ASSIGN_OR_RETURN(std::string plugin, yaml_.String(entry["plugin"], path + ".plugin"));
      d.plugin_path = Resolve(path_, plugin);
      if (entry["name"]) {
        RISKD_ASSIGN_OR_RETURN(d.name, yaml_.String(entry["name"], path + ".name"));
      }
      if (entry["weight"]) {
        RISKD_ASSIGN_OR_RETURN(d.weight, yaml_.DoubleIn(entry["weight"], path + ".weight", 0, 1));
      }
      if (entry["timeout_ms"]) {
        RISKD_ASSIGN_OR_RETURN(
            double ms, yaml_.DoubleIn(entry["timeout_ms"], path + ".timeout_ms", 0.001, 60000));
        d.timeout = absl::Microseconds(static_cast<int64_t>(ms * 1000));
      }
      if (entry["on_error"]) {
        RISKD_ASSIGN_OR_RETURN(d.on_error, ParseFailMode(entry["on_error"], path + ".on_error"));
      }
      if (entry["settings"]) {
        RISKD_RETURN_IF_ERROR(yaml_.ExpectMap(entry["settings"], path + ".settings"));
        d.settings = entry["settings"];
      }
      config.detectors.push_back(std::move(d));
    }
    return absl::OkStatus();
  }

  absl::Status ParsePolicies(const YAML::Node& node, Config& config) {
    RISKD_RETURN_IF_ERROR(yaml_.ExpectSequence(node, "policies"));
    absl::flat_hash_set<std::string> names;
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node entry = node[i];
      std::string path = absl::StrCat("policies[", i, "]");
      RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(entry, path, {"name", "when", "then"}));
      PolicyConfig p;
      p.node = entry;
      p.key_path = path;
      if (!entry["name"]) return yaml_.Error(entry, path + ".name", "is required");
      RISKD_ASSIGN_OR_RETURN(p.name, yaml_.String(entry["name"], path + ".name"));
      if (!names.insert(p.name).second) {
        return yaml_.Error(entry["name"], path + ".name",
                           absl::StrCat("\"", p.name, "\" is used by an earlier policy"));
      }
      if (!entry["then"]) return yaml_.Error(entry, path + ".then", "is required");
      RISKD_ASSIGN_OR_RETURN(std::string then,
                             OneOf(entry["then"], path + ".then", {"allow", "challenge", "deny"}));
      p.then = *ParseVerdictName(then);
      if (entry["when"]) RISKD_RETURN_IF_ERROR(ParseConditions(entry["when"], path + ".when", p));
      config.policies.push_back(std::move(p));
    }
    return absl::OkStatus();
  }

  absl::Status ParseConditions(const YAML::Node& when, const std::string& path, PolicyConfig& p) {
    RISKD_RETURN_IF_ERROR(
        yaml_.CheckKeys(when, path,
                        {"event_types", "score_at_least", "score_below", "signals_any",
                         "signals_all", "ips", "user_ids", "email_domains"}));
    if (when["event_types"]) {
      RISKD_ASSIGN_OR_RETURN(std::vector<std::string> names,
                             yaml_.StringList(when["event_types"], path + ".event_types"));
      for (size_t i = 0; i < names.size(); ++i) {
        std::optional<riskd::v1::EventType> type = ParseEventTypeName(names[i]);
        if (!type) {
          return yaml_.Error(when["event_types"][i], absl::StrCat(path, ".event_types[", i, "]"),
                             absl::StrCat("unknown event type \"", names[i],
                                          "\" (expected one of: ", AllEventTypeNames(), ")"));
        }
        p.event_types.push_back(*type);
      }
    }
    if (when["score_at_least"]) {
      RISKD_ASSIGN_OR_RETURN(
          p.score_at_least, yaml_.DoubleIn(when["score_at_least"], path + ".score_at_least", 0, 1));
    }
    if (when["score_below"]) {
      RISKD_ASSIGN_OR_RETURN(p.score_below,
                             yaml_.DoubleIn(when["score_below"], path + ".score_below", 0, 1));
    }
    if (when["signals_any"]) {
      RISKD_ASSIGN_OR_RETURN(p.signals_any,
                             yaml_.StringList(when["signals_any"], path + ".signals_any"));
    }
    if (when["signals_all"]) {
      RISKD_ASSIGN_OR_RETURN(p.signals_all,
                             yaml_.StringList(when["signals_all"], path + ".signals_all"));
    }
    if (when["ips"]) {
      RISKD_ASSIGN_OR_RETURN(p.ips, Cidrs(when["ips"], path + ".ips"));
    }
    if (when["user_ids"]) {
      RISKD_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                             yaml_.StringList(when["user_ids"], path + ".user_ids"));
      p.user_ids.insert(ids.begin(), ids.end());
    }
    if (when["email_domains"]) {
      RISKD_ASSIGN_OR_RETURN(std::vector<std::string> domains,
                             yaml_.StringList(when["email_domains"], path + ".email_domains"));
      for (std::string& d : domains) {
        p.email_domains.insert(absl::AsciiStrToLower(d));
      }
    }
    return absl::OkStatus();
  }

  std::string path_;
  YamlReader yaml_;
};

}  // namespace

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  RISKD_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  return ConfigParser(path).Parse(root);
}

}  // namespace riskd
