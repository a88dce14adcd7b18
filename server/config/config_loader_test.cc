#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/config/config.h"

namespace riskd {
namespace {

using ::riskd::v1::EVENT_TYPE_LOGIN_FAILED;
using ::riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED;
using ::riskd::v1::EVENT_TYPE_TRANSACTION;

// Each test writes its config into a fresh folder of its own.
class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "riskd_config_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Writes `yaml` to <dir>/riskd.yaml and returns the path.
  std::string Write(absl::string_view yaml) {
    std::string path = dir_ + "/riskd.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  absl::StatusOr<Config> Load(absl::string_view yaml) { return LoadConfig(Write(yaml)); }

  // Asserts an INVALID_ARGUMENT that starts "<file>:<line>: <rest>".
  void ExpectError(absl::string_view yaml, int line, absl::string_view rest) {
    absl::StatusOr<Config> config = Load(yaml);
    ASSERT_FALSE(config.ok()) << "loaded:\n" << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    std::string prefix = absl::StrCat(dir_, "/riskd.yaml:", line, ": ", rest);
    EXPECT_TRUE(absl::StartsWith(config.status().message(), prefix))
        << "got:      " << config.status().message() << "\nexpected: " << prefix << "...";
  }

  Config LoadOk(absl::string_view yaml) {
    absl::StatusOr<Config> config = Load(yaml);
    EXPECT_TRUE(config.ok()) << config.status();
    return config.ok() ? *std::move(config) : Config{};
  }

  std::string dir_;
};

// --- Errors --------------------------------------------------------------

TEST_F(ConfigLoaderTest, UnknownTopLevelKey) {
  ExpectError(
      "listen: 127.0.0.1:50051\n"
      "mode: enforce\n"
      "combinr: max\n",
      3, "combinr: unknown key (expected one of: listen, data_dir,");
}

TEST_F(ConfigLoaderTest, UnknownNestedKey) {
  ExpectError(
      "thresholds:\n"
      "  default:\n"
      "    challenge: 0.5\n",
      3, "thresholds.default.challenge: unknown key (expected one of: challenge_at, deny_at)");
}

TEST_F(ConfigLoaderTest, DetectorWeightOutOfRange) {
  ExpectError(
      "detectors:\n"
      "  - plugin: plugins/libgeo.so\n"
      "    weight: 1.5\n",
      3, "detectors[0].weight: must be between 0 and 1, got 1.5");
}

TEST_F(ConfigLoaderTest, FunnelScoreFactorOutOfRange) {
  ExpectError(
      "funnel:\n"
      "  deny_reported_devices: true\n"
      "  approved_device_score_factor: 2\n",
      3, "funnel.approved_device_score_factor: must be between 0 and 1, got 2");
}

TEST_F(ConfigLoaderTest, UnreadableGeoIpFile) {
  ExpectError("geoip:\n  city_files:\n    - no-such.mmdb\n", 3,
              absl::StrCat("geoip.city_files[0]: cannot read ", dir_, "/no-such.mmdb"));
}

TEST_F(ConfigLoaderTest, FunnelUnknownKey) {
  ExpectError("funnel:\n  review_score: 0.5\n", 2,
              "funnel.review_score: unknown key (expected one of: review_min_score,");
}

TEST_F(ConfigLoaderTest, DetectorWeightNotANumber) {
  ExpectError(
      "detectors:\n"
      "  - plugin: plugins/libgeo.so\n"
      "  - plugin: plugins/libip.so\n"
      "    weight: heavy\n",
      4, "detectors[1].weight: expected a number, got \"heavy\"");
}

TEST_F(ConfigLoaderTest, DetectorWithoutPlugin) {
  ExpectError(
      "detectors:\n"
      "  - name: geo\n"
      "    weight: 0.5\n",
      2, "detectors[0].plugin: is required");
}

TEST_F(ConfigLoaderTest, UnknownEventTypeUnderThresholds) {
  ExpectError(
      "thresholds:\n"
      "  default: {challenge_at: 0.5, deny_at: 0.8}\n"
      "  logn_succeeded: {challenge_at: 0.4}\n",
      3,
      "thresholds.logn_succeeded: unknown event type (expected default or one of: "
      "login_succeeded, login_failed,");
}

TEST_F(ConfigLoaderTest, ChallengeAboveDeny) {
  ExpectError(
      "thresholds:\n"
      "  default:\n"
      "    challenge_at: 0.9\n"
      "    deny_at: 0.5\n",
      3, "thresholds.default: challenge_at (0.9) must not be above deny_at (0.5)");
}

TEST_F(ConfigLoaderTest, PerTypeChallengeAboveInheritedDeny) {
  ExpectError(
      "thresholds:\n"
      "  default: {challenge_at: 0.5, deny_at: 0.8}\n"
      "  transaction:\n"
      "    challenge_at: 0.85\n",
      4, "thresholds.transaction: challenge_at (0.85) must not be above deny_at (0.8)");
}

TEST_F(ConfigLoaderTest, ThresholdOutOfRange) {
  ExpectError(
      "thresholds:\n"
      "  default:\n"
      "    deny_at: 2\n",
      3, "thresholds.default.deny_at: must be between 0 and 1, got 2");
}

TEST_F(ConfigLoaderTest, BadCidrInPolicyIps) {
  ExpectError(
      "policies:\n"
      "  - name: office\n"
      "    when:\n"
      "      ips:\n"
      "        - 192.0.2.0/24\n"
      "        - 10.0.0.0/33\n"
      "    then: allow\n",
      6, "policies[0].when.ips[1]: \"10.0.0.0/33\" has an invalid prefix length");
}

TEST_F(ConfigLoaderTest, BadTrustedProxy) {
  ExpectError("trusted_proxies: [10.0.0.0/8, lb.internal]\n", 1,
              "trusted_proxies[1]: \"lb.internal\" is not an IP address or CIDR range");
}

TEST_F(ConfigLoaderTest, UnknownThen) {
  ExpectError(
      "policies:\n"
      "  - name: tor\n"
      "    when: {signals_any: [tor_exit]}\n"
      "    then: block\n",
      4, "policies[0].then: \"block\" is not one of: allow, challenge, deny");
}

TEST_F(ConfigLoaderTest, MissingThen) {
  ExpectError(
      "policies:\n"
      "  - name: tor\n"
      "    when: {signals_any: [tor_exit]}\n",
      2, "policies[0].then: is required");
}

TEST_F(ConfigLoaderTest, DuplicatePolicyNames) {
  ExpectError(
      "policies:\n"
      "  - name: tor\n"
      "    then: deny\n"
      "  - name: tor\n"
      "    then: challenge\n",
      4, "policies[1].name: \"tor\" is used by an earlier policy");
}

TEST_F(ConfigLoaderTest, SignalsAnyGivenAsScalar) {
  ExpectError(
      "policies:\n"
      "  - name: tor\n"
      "    when:\n"
      "      signals_any: tor_exit\n"
      "    then: deny\n",
      4, "policies[0].when.signals_any: expected a list, got \"tor_exit\"");
}

TEST_F(ConfigLoaderTest, UnknownEventTypeInPolicy) {
  ExpectError(
      "policies:\n"
      "  - name: money\n"
      "    when:\n"
      "      event_types: [transaction, purchase]\n"
      "    then: challenge\n",
      4, "policies[0].when.event_types[1]: unknown event type \"purchase\"");
}

TEST_F(ConfigLoaderTest, UnknownMode) {
  ExpectError("mode: audit\n", 1, "mode: \"audit\" is not one of: enforce, monitor");
}

TEST_F(ConfigLoaderTest, YamlSyntaxErrorNamesLineAndColumn) {
  absl::StatusOr<Config> config = Load(
      "listen: 127.0.0.1:50051\n"
      "policies:\n"
      "  - name: tor\n"
      "    then: deny: now\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  // "<file>:<line>:<column>: <yaml-cpp message>", both 1-based; the second
  // colon on line 4 is column 15.
  EXPECT_TRUE(absl::StartsWith(config.status().message(), dir_ + "/riskd.yaml:4:15: "))
      << config.status().message();
  EXPECT_GT(config.status().message().size(), (dir_ + "/riskd.yaml:4:15: ").size());
}

TEST_F(ConfigLoaderTest, YamlSyntaxErrorOnFirstLine) {
  absl::StatusOr<Config> config = Load("mode: enforce: monitor\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(config.status().message(), dir_ + "/riskd.yaml:1:14: "))
      << config.status().message();
}

TEST_F(ConfigLoaderTest, UnclosedFlowSequenceIsASyntaxError) {
  absl::StatusOr<Config> config = Load("trusted_proxies: [10.0.0.0/8, 192.0.2.0/24\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(config.status().message(), dir_ + "/riskd.yaml:"))
      << config.status().message();
}

TEST_F(ConfigLoaderTest, MissingFile) {
  std::string path = dir_ + "/does-not-exist.yaml";
  absl::StatusOr<Config> config = LoadConfig(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(), path + ": cannot open the file");
}

TEST_F(ConfigLoaderTest, EmptyFile) {
  absl::StatusOr<Config> config = Load("");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(config.status().message(), "the file is empty"))
      << config.status().message();
}

TEST_F(ConfigLoaderTest, TopLevelListIsRejected) {
  absl::StatusOr<Config> config = Load("- listen\n");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "expected a mapping, got a list"))
      << config.status().message();
}

// --- Success -------------------------------------------------------------

TEST_F(ConfigLoaderTest, DefaultsWhenKeysAreOmitted) {
  Config config = LoadOk("listen: 127.0.0.1:50051\n");
  EXPECT_EQ(config.path, dir_ + "/riskd.yaml");
  EXPECT_EQ(config.listen, "127.0.0.1:50051");
  EXPECT_EQ(config.data_dir, dir_ + "/data");
  EXPECT_EQ(config.mode, Mode::kEnforce);
  EXPECT_EQ(config.on_detector_error, FailMode::kOpen);
  EXPECT_EQ(config.combiner, CombinerKind::kNoisyOr);
  EXPECT_DOUBLE_EQ(config.default_thresholds.challenge_at, 0.6);
  EXPECT_DOUBLE_EQ(config.default_thresholds.deny_at, 0.9);
  EXPECT_EQ(config.default_thresholds.name, "thresholds.default");
  EXPECT_TRUE(config.thresholds_by_type.empty());
  EXPECT_TRUE(config.trusted_proxies.empty());
  EXPECT_TRUE(config.detectors.empty());
  EXPECT_TRUE(config.policies.empty());
  EXPECT_TRUE(config.watch_file);
  EXPECT_EQ(config.watch_interval, absl::Seconds(1));
  EXPECT_EQ(config.shutdown_grace, absl::Seconds(10));
}

TEST_F(ConfigLoaderTest, DetectorDefaults) {
  Config config = LoadOk(
      "detectors:\n"
      "  - plugin: plugins/libgeo.so\n");
  ASSERT_EQ(config.detectors.size(), 1u);
  const DetectorConfig& d = config.detectors[0];
  EXPECT_DOUBLE_EQ(d.weight, 1.0);
  EXPECT_EQ(d.timeout, absl::Milliseconds(20));
  EXPECT_EQ(d.on_error, FailMode::kOpen);
  EXPECT_EQ(d.key_path, "detectors[0]");
}

TEST_F(ConfigLoaderTest, PerTypeThresholdsInheritFromDefault) {
  Config config = LoadOk(
      "thresholds:\n"
      "  transaction:\n"
      "    challenge_at: 0.3\n"
      "  default:\n"
      "    challenge_at: 0.5\n"
      "    deny_at: 0.8\n"
      "  login_failed:\n"
      "    deny_at: 0.95\n");
  EXPECT_DOUBLE_EQ(config.default_thresholds.challenge_at, 0.5);
  EXPECT_DOUBLE_EQ(config.default_thresholds.deny_at, 0.8);

  const Thresholds& transaction = config.ThresholdsFor(EVENT_TYPE_TRANSACTION);
  EXPECT_DOUBLE_EQ(transaction.challenge_at, 0.3);
  EXPECT_DOUBLE_EQ(transaction.deny_at, 0.8);  // inherited, though listed before default
  EXPECT_EQ(transaction.name, "thresholds.transaction");

  const Thresholds& failed = config.ThresholdsFor(EVENT_TYPE_LOGIN_FAILED);
  EXPECT_DOUBLE_EQ(failed.challenge_at, 0.5);  // inherited
  EXPECT_DOUBLE_EQ(failed.deny_at, 0.95);
  EXPECT_EQ(failed.name, "thresholds.login_failed");

  const Thresholds& login = config.ThresholdsFor(EVENT_TYPE_LOGIN_SUCCEEDED);
  EXPECT_EQ(login.name, "thresholds.default");
}

TEST_F(ConfigLoaderTest, PerTypeThresholdNameIsCanonicalForAnySpelling) {
  // The name is what responses report as the deciding policy.
  Config config = LoadOk(
      "thresholds:\n"
      "  LOGIN-FAILED: {deny_at: 0.95}\n");
  const Thresholds& failed = config.ThresholdsFor(EVENT_TYPE_LOGIN_FAILED);
  EXPECT_DOUBLE_EQ(failed.deny_at, 0.95);
  EXPECT_EQ(failed.name, "thresholds.login_failed");
}

TEST_F(ConfigLoaderTest, StateSectionIsRead) {
  Config config = LoadOk(
      "state:\n"
      "  engine: redis_cluster\n"
      "  redis_cluster: {nodes: [127.0.0.1:7000, 127.0.0.1:7001], command_timeout_ms: 300}\n"
      "  on_unavailable: closed\n"
      "  response_ttl_hours: 2\n"
      "  max_devices_per_user: 4\n");
  EXPECT_EQ(config.state.engine, StateConfig::Engine::kRedisCluster);
  EXPECT_EQ(config.state.redis_nodes,
            (std::vector<std::string>{"127.0.0.1:7000", "127.0.0.1:7001"}));
  EXPECT_EQ(config.state.redis_command_timeout, absl::Milliseconds(300));
  EXPECT_EQ(config.state.on_unavailable, FailMode::kClosed);
  EXPECT_EQ(config.state.response_ttl, absl::Hours(2));
  EXPECT_EQ(config.state.user_model.max_devices, 4);
}

TEST_F(ConfigLoaderTest, StateDefaultsToRocksDbFailingOpen) {
  Config config = LoadOk("listen: 127.0.0.1:1\n");
  EXPECT_EQ(config.state.engine, StateConfig::Engine::kRocksDb);
  EXPECT_EQ(config.state.on_unavailable, FailMode::kOpen);
}

TEST_F(ConfigLoaderTest, RocksDbValueCacheSize) {
  EXPECT_EQ(LoadOk("listen: 127.0.0.1:1\n").state.value_cache_bytes, size_t{256} << 20);
  EXPECT_EQ(LoadOk("state:\n  rocksdb: {value_cache_mb: 32}\n").state.value_cache_bytes,
            size_t{32} << 20);
  ExpectError("state:\n  rocksdb:\n    value_cache_mb: -1\n", 3,
              "state.rocksdb.value_cache_mb: must be between 0 and 65536, got -1");
}

TEST_F(ConfigLoaderTest, RedisClusterNeedsSeedNodes) {
  ExpectError("state:\n  engine: redis_cluster\n", 2,
              "state.redis_cluster.nodes: the redis_cluster engine needs at least one seed node");
}

TEST_F(ConfigLoaderTest, UnknownStateKeyIsNamed) {
  ExpectError("state:\n  engin: rocksdb\n", 2, "state.engin: unknown key");
}

TEST_F(ConfigLoaderTest, TwoSpellingsOfOneEventTypeAreAnError) {
  ExpectError(
      "thresholds:\n"
      "  login_failed: {deny_at: 0.95}\n"
      "  LOGIN-FAILED: {deny_at: 0.92}\n",
      3, "thresholds.LOGIN-FAILED: a second entry for login_failed (spelled differently)");
}

TEST_F(ConfigLoaderTest, RelativePathsResolveAgainstTheConfigFolder) {
  Config config = LoadOk(
      "data_dir: var/state\n"
      "detectors:\n"
      "  - name: geo\n"
      "    plugin: ../plugins/libgeo.so\n"
      "  - plugin: /opt/riskd/libip.so\n");
  EXPECT_EQ(config.data_dir, dir_ + "/var/state");
  ASSERT_EQ(config.detectors.size(), 2u);
  std::string parent = std::filesystem::path(dir_).parent_path().string();
  EXPECT_EQ(config.detectors[0].plugin_path, parent + "/plugins/libgeo.so");
  EXPECT_EQ(config.detectors[0].name, "geo");
  EXPECT_EQ(config.detectors[1].plugin_path, "/opt/riskd/libip.so");  // absolute kept
}

TEST_F(ConfigLoaderTest, AbsoluteDataDirIsKept) {
  Config config = LoadOk("data_dir: /var/lib/riskd\n");
  EXPECT_EQ(config.data_dir, "/var/lib/riskd");
}

TEST_F(ConfigLoaderTest, ModeMonitor) { EXPECT_EQ(LoadOk("mode: monitor\n").mode, Mode::kMonitor); }

TEST_F(ConfigLoaderTest, CombinerKinds) {
  EXPECT_EQ(LoadOk("combiner: max\n").combiner, CombinerKind::kMax);
  EXPECT_EQ(LoadOk("combiner: weighted_mean\n").combiner, CombinerKind::kWeightedMean);
  EXPECT_EQ(LoadOk("combiner: noisy_or\n").combiner, CombinerKind::kNoisyOr);
}

TEST_F(ConfigLoaderTest, OnDetectorErrorClosedIsInheritedUnlessOverridden) {
  Config config = LoadOk(
      "detectors:\n"
      "  - plugin: plugins/a.so\n"
      "  - plugin: plugins/b.so\n"
      "    on_error: open\n"
      "on_detector_error: closed\n");
  EXPECT_EQ(config.on_detector_error, FailMode::kClosed);
  ASSERT_EQ(config.detectors.size(), 2u);
  EXPECT_EQ(config.detectors[0].on_error, FailMode::kClosed);
  EXPECT_EQ(config.detectors[1].on_error, FailMode::kOpen);
}

TEST_F(ConfigLoaderTest, DetectorFields) {
  Config config = LoadOk(
      "detectors:\n"
      "  - name: ip_rep\n"
      "    plugin: plugins/ip.so\n"
      "    weight: 0.25\n"
      "    timeout_ms: 7.5\n"
      "    on_error: closed\n"
      "    settings:\n"
      "      list: tor.txt\n");
  ASSERT_EQ(config.detectors.size(), 1u);
  const DetectorConfig& d = config.detectors[0];
  EXPECT_EQ(d.name, "ip_rep");
  EXPECT_DOUBLE_EQ(d.weight, 0.25);
  EXPECT_EQ(d.timeout, absl::Microseconds(7500));
  EXPECT_EQ(d.on_error, FailMode::kClosed);
  ASSERT_TRUE(d.settings.IsMap());
  EXPECT_EQ(d.settings["list"].as<std::string>(), "tor.txt");
}

TEST_F(ConfigLoaderTest, PoliciesKeepTheirOrderAndConditions) {
  Config config = LoadOk(
      "trusted_proxies: [10.0.0.0/8]\n"
      "policies:\n"
      "  - name: office\n"
      "    when:\n"
      "      ips: [192.0.2.0/24, 2001:db8::1]\n"
      "      email_domains: [Example.COM]\n"
      "    then: allow\n"
      "  - name: tor\n"
      "    when:\n"
      "      event_types: [login_succeeded, login-failed]\n"
      "      score_at_least: 0.2\n"
      "      score_below: 0.9\n"
      "      signals_any: [tor_exit, vpn]\n"
      "      signals_all: [new_device]\n"
      "      user_ids: [alice]\n"
      "    then: deny\n");
  ASSERT_EQ(config.trusted_proxies.size(), 1u);
  EXPECT_EQ(config.trusted_proxies[0].ToString(), "10.0.0.0/8");
  ASSERT_EQ(config.policies.size(), 2u);

  const PolicyConfig& office = config.policies[0];
  EXPECT_EQ(office.name, "office");
  EXPECT_EQ(office.then, riskd::v1::VERDICT_ALLOW);
  ASSERT_EQ(office.ips.size(), 2u);
  EXPECT_EQ(office.ips[1].ToString(), "2001:db8::1/128");
  EXPECT_TRUE(office.email_domains.contains("example.com"));  // lower-cased

  const PolicyConfig& tor = config.policies[1];
  EXPECT_EQ(tor.name, "tor");
  EXPECT_EQ(tor.then, riskd::v1::VERDICT_DENY);
  EXPECT_EQ(tor.event_types, (std::vector<riskd::v1::EventType>{EVENT_TYPE_LOGIN_SUCCEEDED,
                                                                EVENT_TYPE_LOGIN_FAILED}));
  ASSERT_TRUE(tor.score_at_least.has_value());
  EXPECT_DOUBLE_EQ(*tor.score_at_least, 0.2);
  ASSERT_TRUE(tor.score_below.has_value());
  EXPECT_DOUBLE_EQ(*tor.score_below, 0.9);
  EXPECT_EQ(tor.signals_any, (std::vector<std::string>{"tor_exit", "vpn"}));
  EXPECT_EQ(tor.signals_all, (std::vector<std::string>{"new_device"}));
  EXPECT_TRUE(tor.user_ids.contains("alice"));
  EXPECT_EQ(tor.key_path, "policies[1]");
}

TEST_F(ConfigLoaderTest, ReloadAndShutdownSettings) {
  Config config = LoadOk(
      "reload:\n"
      "  watch_file: false\n"
      "  interval_ms: 250\n"
      "shutdown_grace_ms: 3000\n");
  EXPECT_FALSE(config.watch_file);
  EXPECT_EQ(config.watch_interval, absl::Milliseconds(250));
  EXPECT_EQ(config.shutdown_grace, absl::Seconds(3));
}

}  // namespace
}  // namespace riskd
