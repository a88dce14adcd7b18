#include "server/decision/decision_engine.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"
#include "server/config/yaml_reader.h"
#include "server/decision/combiner.h"
#include "server/plugin_host/abi_event.h"

namespace riskd {

DecisionEngine::DecisionEngine(Config config)
    : config_(std::move(config)),
      validator_(ValidationOptions{config_.trusted_proxies, config_.identity.jwt}),
      policies_(config_) {}

absl::StatusOr<std::unique_ptr<DecisionEngine>> DecisionEngine::Create(Config config,
                                                                       PluginLibraryCache& cache) {
  std::unique_ptr<DecisionEngine> engine(new DecisionEngine(std::move(config)));
  YamlReader yaml(engine->config_.path);
  absl::flat_hash_map<std::string, std::string> used_names;  // name -> key path

  // config_.detectors no longer moves: LoadedDetector may point into it.
  for (DetectorConfig& d : engine->config_.detectors) {
    absl::StatusOr<std::shared_ptr<PluginLibrary>> library = cache.Get(d.plugin_path);
    if (!library.ok()) {
      return yaml.Error(d.node["plugin"], d.key_path + ".plugin", library.status().message());
    }
    if (d.name.empty()) d.name = (*library)->description().name;
    auto [it, inserted] = used_names.emplace(d.name, d.key_path);
    if (!inserted) {
      return yaml.Error(d.node, d.key_path + ".name",
                        absl::StrCat("\"", d.name, "\" is already the name of ", it->second,
                                     "; give each instance its own name"));
    }
    RISKD_ASSIGN_OR_RETURN(std::unique_ptr<DetectorInstance> instance,
                           DetectorInstance::Create(*library, d, engine->config_.path));
    engine->detectors_.push_back({&d, std::move(instance)});
  }
  RISKD_RETURN_IF_ERROR(engine->CheckPolicySignals());
  const GeoIpConfig& geoip = engine->config_.geoip;
  if (!geoip.city_files.empty()) {
    engine->geo_ = std::make_unique<riskd_geoip::GeoDatabase>();
    for (size_t i = 0; i < geoip.city_files.size(); ++i) {
      try {
        engine->geo_->AddFile(geoip.city_files[i]);
      } catch (const std::exception& e) {  // the library reports errors by throwing
        return yaml.Error(geoip.node["city_files"][i], absl::StrCat("geoip.city_files[", i, "]"),
                          e.what());
      }
    }
  }
  return engine;
}

std::string DecisionEngine::CountryOf(const NormalizedEvent& event) const {
  if (geo_ == nullptr || !event.ip) return "";
  // From the parsed bytes, and the country alone: the record's other fields
  // would each cost another search of it.
  std::optional<riskd_geoip::GeoLocation> where;
  if (event.ip->family == IpAddress::Family::kV4) {
    where = geo_->LookupV4(*reinterpret_cast<const uint8_t(*)[4]>(event.ip->bytes.data()),
                           riskd_geoip::GeoFields::kCountry);
  } else {
    where = geo_->LookupV6(*reinterpret_cast<const uint8_t(*)[16]>(event.ip->bytes.data()),
                           riskd_geoip::GeoFields::kCountry);
  }
  return where ? where->country_code : "";
}

absl::Status DecisionEngine::CheckPolicySignals() const {
  absl::flat_hash_set<std::string> declared = {kDetectorFailedSignal};
  for (const LoadedDetector& d : detectors_) {
    for (const std::string& s : d.instance->library().description().signals) {
      declared.insert(s);
    }
  }
  YamlReader yaml(config_.path);
  for (const PolicyConfig& p : config_.policies) {
    for (const char* list : {"signals_any", "signals_all"}) {
      const std::vector<std::string>& names =
          absl::string_view(list) == "signals_any" ? p.signals_any : p.signals_all;
      for (size_t i = 0; i < names.size(); ++i) {
        if (declared.contains(names[i])) continue;
        std::vector<std::string> sorted(declared.begin(), declared.end());
        std::sort(sorted.begin(), sorted.end());
        return yaml.Error(p.node["when"][list][i],
                          absl::StrCat(p.key_path, ".when.", list, "[", i, "]"),
                          absl::StrCat("no loaded detector declares signal \"", names[i],
                                       "\" (declared: ", absl::StrJoin(sorted, ", "), ")"));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<std::vector<std::string>> DecisionEngine::StateKeys(const AbiEvent& abi_event) const {
  std::vector<std::vector<std::string>> keys;
  keys.reserve(detectors_.size());
  for (const LoadedDetector& d : detectors_) keys.push_back(d.instance->StateKeys(abi_event.raw()));
  return keys;
}

Decision DecisionEngine::Decide(const NormalizedEvent& event, const AbiEvent& abi_event,
                                const DetectorState* state, riskd_device_trust trust) const {
  Decision decision;
  decision.detectors.reserve(detectors_.size());
  std::vector<WeightedScore> scores;
  scores.reserve(detectors_.size());

  for (const LoadedDetector& d : detectors_) {
    DetectorOutcome& outcome = decision.detectors.emplace_back();
    outcome.name = d.config->name;
    outcome.weight = d.config->weight;
    // Each detector sees only the state it asked for.
    riskd_event raw = abi_event.raw();
    std::vector<riskd_state_value> values;
    const size_t index = decision.detectors.size() - 1;
    if (state != nullptr && index < state->size()) {
      for (const auto& [key, value] : (*state)[index]) {
        values.push_back({{key.data(), key.size()},
                          {value ? value->data() : "", value ? value->size() : 0},
                          value.has_value()});
      }
    }
    raw.state = values.data();
    raw.state_count = values.size();
    raw.device_trust = trust;
    outcome.run = d.instance->Evaluate(raw, d.config->timeout);
    if (outcome.run.error.empty()) {
      outcome.counted = true;
      outcome.counted_score = outcome.run.score;
    } else if (d.config->on_error == FailMode::kClosed) {
      outcome.counted = true;
      outcome.counted_score = 1.0;  // an unknown is treated as the worst
    }
    if (outcome.counted) scores.push_back({outcome.counted_score, outcome.weight});
  }

  decision.risk_score = Combine(config_.combiner, scores);
  if (trust == RISKD_DEVICE_APPROVED) {
    decision.risk_score *= config_.funnel.approved_device_score_factor;
  }
  PolicyOutcome policy = policies_.Decide(event, decision.risk_score, decision.detectors);
  decision.verdict = policy.verdict;
  decision.policy = std::move(policy.policy);
  decision.reason = std::move(policy.reason);
  if (trust == RISKD_DEVICE_REPORTED && config_.funnel.deny_reported_devices) {
    decision.verdict = riskd::v1::VERDICT_DENY;
    decision.policy = "funnel.deny_reported_devices";
    decision.reason = "the user reported this device (\"this was not me\")";
  }
  decision.monitor_only = config_.mode == Mode::kMonitor;
  return decision;
}

}  // namespace riskd
