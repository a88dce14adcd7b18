#include "server/plugin_host/detector_instance.h"

#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/status_macros.h"
#include "server/plugin_host/bound_settings.h"

namespace riskd {
namespace {

struct Collector {
  DetectorRun* run;
};

void OnScore(void* context, double score) { static_cast<Collector*>(context)->run->score = score; }

void OnSignal(void* context, riskd_string name, riskd_string detail) {
  static_cast<Collector*>(context)->run->signals.push_back(
      {std::string(name.data, name.size), std::string(detail.data, detail.size)});
}

void OnPut(void* context, riskd_string key, riskd_string value, int64_t ttl_ms) {
  static_cast<Collector*>(context)->run->writes.push_back(
      {std::string(key.data, key.size), std::string(value.data, value.size), std::nullopt, ttl_ms});
}

void OnAdd(void* context, riskd_string key, int64_t delta, int64_t ttl_ms) {
  static_cast<Collector*>(context)->run->writes.push_back(
      {std::string(key.data, key.size), std::nullopt, delta, ttl_ms});
}

void OnSharedAdd(void* context, riskd_string key, int64_t delta, int64_t ttl_ms) {
  static_cast<Collector*>(context)->run->writes.push_back(
      {std::string(key.data, key.size), std::nullopt, delta, ttl_ms, /*shared=*/true});
}

void OnWant(void* context, riskd_string key) {
  static_cast<std::vector<std::string>*>(context)->emplace_back(key.data, key.size);
}

void OnError(void* context, riskd_string message) {
  DetectorRun* run = static_cast<Collector*>(context)->run;
  run->error = message.size ? std::string(message.data, message.size)
                            : "the detector reported an error without a message";
}

std::string Millis(absl::Duration d) {
  return absl::StrFormat("%.3g ms", absl::ToDoubleMilliseconds(d));
}

}  // namespace

absl::StatusOr<std::unique_ptr<DetectorInstance>> DetectorInstance::Create(
    std::shared_ptr<PluginLibrary> library, const DetectorConfig& config,
    const std::string& config_file) {
  YamlReader yaml(config_file);
  RISKD_ASSIGN_OR_RETURN(BoundSettings settings,
                         BoundSettings::Bind(library->description().settings, config.settings,
                                             config.node, config.key_path, yaml));
  riskd_error error{};
  riskd_detector* detector = library->create()(settings.data(), settings.size(), &error);
  if (detector == nullptr) {
    std::string key(error.key);
    std::string message = error.message[0] ? error.message : "create() failed";
    std::string where = absl::StrCat(library->path(), ": ", message);
    if (!key.empty() && config.settings.IsDefined() && config.settings[key]) {
      return yaml.Error(config.settings[key], absl::StrCat(config.key_path, ".settings.", key),
                        where);
    }
    return yaml.Error(
        config.node,
        key.empty() ? config.key_path : absl::StrCat(config.key_path, ".settings.", key), where);
  }
  return std::unique_ptr<DetectorInstance>(
      new DetectorInstance(std::move(library), detector, settings.files()));
}

DetectorInstance::~DetectorInstance() { library_->destroy()(detector_); }

DetectorRun DetectorInstance::Evaluate(const riskd_event& event, absl::Duration timeout) const {
  DetectorRun run;
  Collector collector{&run};
  riskd_result_sink sink{&collector, &OnScore, &OnSignal, &OnError, &OnPut, &OnAdd, &OnSharedAdd};

  auto start = std::chrono::steady_clock::now();
  int32_t rc = library_->evaluate()(detector_, &event, &sink);
  run.duration = absl::FromChrono(std::chrono::steady_clock::now() - start);

  if (rc != 0 && run.error.empty()) {
    run.error = absl::StrCat("evaluate returned ", rc);
  } else if (rc == 0 && run.duration > timeout) {
    run.error =
        absl::StrCat("timed out: took ", Millis(run.duration), ", budget ", Millis(timeout));
  } else if (rc == 0 && !(run.score >= 0.0 && run.score <= 1.0)) {
    run.error = absl::StrCat("returned score ", run.score, " outside [0, 1]");
  }
  if (!run.error.empty()) {
    run.score = 0.0;
    run.signals.clear();
    run.writes.clear();
  }
  return run;
}

std::vector<std::string> DetectorInstance::StateKeys(const riskd_event& event) const {
  std::vector<std::string> keys;
  if (library_->state_keys() == nullptr) return keys;
  riskd_key_sink sink{&keys, &OnWant};
  if (library_->state_keys()(detector_, &event, &sink) != 0) keys.clear();
  return keys;
}

}  // namespace riskd
