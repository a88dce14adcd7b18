// The geo-velocity detector: where a login comes from against where the same
// user was before. impossible_travel (too far for the time between the two
// events), new_country and unusual_location, from an MMDB city database and
// a bounded per-user history kept in riskd's state.
#ifndef RISKD_PLUGINS_GEO_VELOCITY_GEO_VELOCITY_DETECTOR_H_
#define RISKD_PLUGINS_GEO_VELOCITY_GEO_VELOCITY_DETECTOR_H_

#include <set>
#include <string>
#include <vector>

#include "geo_database.h"
#include "geo_history.h"
#include "riskd/detector.h"
#include "travel_checks.h"

namespace riskd_geo_velocity {

class GeoVelocityDetector {
 public:
  static riskd::Description Describe();

  // Opens the city database(s) and checks every setting. Throws
  // riskd::SettingError naming the setting when one is unusable.
  explicit GeoVelocityDetector(const riskd::Settings& settings);

  // The user's history key, for events this detector scores or remembers.
  std::vector<std::string> StateKeys(const riskd::Event& event) const;

  // Pure and thread-safe: one database lookup and arithmetic over at most a
  // few dozen remembered entries.
  void Evaluate(const riskd::Event& event, riskd::Result& result) const;

  // "{<user id>}:geo": the user id is the Redis Cluster hash tag, escaped as
  // riskd escapes it, so the history lives in the slot of the user's record.
  static std::string HistoryKey(std::string_view user_id);

 private:
  bool Scores(riskd::EventType type) const { return scored_types_.count(type) > 0; }
  bool Remembers(riskd::EventType type) const { return history_types_.count(type) > 0; }

  riskd_geoip::GeoDatabase geo_;
  CheckOptions checks_;
  HistoryLimits limits_;
  int64_t ttl_ms_;
  std::set<riskd::EventType> scored_types_;
  std::set<riskd::EventType> history_types_;
  double impossible_travel_score_;
  double new_country_score_;
  double unusual_location_score_;
};

}  // namespace riskd_geo_velocity

#endif  // RISKD_PLUGINS_GEO_VELOCITY_GEO_VELOCITY_DETECTOR_H_
