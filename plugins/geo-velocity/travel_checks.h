// The three geo-velocity checks, as pure functions of the user's history and
// where this event comes from.
#ifndef RISKD_PLUGINS_GEO_VELOCITY_TRAVEL_CHECKS_H_
#define RISKD_PLUGINS_GEO_VELOCITY_TRAVEL_CHECKS_H_

#include <cstdint>
#include <optional>

#include "geo_history.h"

namespace riskd_geo_velocity {

struct CheckOptions {
  double max_speed_kmh = 1000;
  // How far a located address may be from its coordinates: the database's
  // accuracy radius, but at least city_accuracy_km; country_accuracy_km for
  // an address placed at its country's centre.
  double city_accuracy_km = 100;
  double country_accuracy_km = 1000;
  double unusual_distance_km = 500;
  uint32_t unusual_min_history = 3;
};

// The allowance for the accuracy of one location, in km.
double AllowanceKm(bool city_level, int accuracy_radius_km, const CheckOptions& options);

struct ImpossibleTravel {
  Sighting from;              // the remembered event it cannot have followed
  double distance_km;         // great-circle, centre to centre
  double beyond_accuracy_km;  // distance less both locations' allowances
  double hours;               // between the two occurred_at, either order
  double speed_kmh;           // beyond_accuracy_km / hours; infinite at 0 hours
};

// Whether one person cannot have been at both `a` and `b`: their distance,
// less both allowances, needs more than max_speed_kmh. Infinite speed when
// both happened at the same time.
std::optional<ImpossibleTravel> TravelBetween(const Sighting& then, const Sighting& now,
                                              const CheckOptions& options);

// The remembered sighting that `now` is farthest from being reachable from
// (or to) at max_speed_kmh, when any is. Every remembered sighting is a
// constraint, earlier or later (events may arrive out of order), so this
// includes the nearest previous login in time. Pairs where one side is only
// a country centre and both are in the same country are skipped: their
// distance means nothing.
std::optional<ImpossibleTravel> FindImpossibleTravel(const GeoHistory& history, const Sighting& now,
                                                     const CheckOptions& options);

struct UnusualLocation {
  double nearest_km;  // beyond accuracy, to the nearest remembered place
  size_t places;
};

// `now` (city-level) is farther than unusual_distance_km, beyond accuracy,
// from every place of a user with at least unusual_min_history located events.
std::optional<UnusualLocation> FindUnusualLocation(const GeoHistory& history, const Sighting& now,
                                                   const CheckOptions& options);

// `now`'s country is not among the remembered ones of a user who has some.
bool IsNewCountry(const GeoHistory& history, const Sighting& now);

}  // namespace riskd_geo_velocity

#endif  // RISKD_PLUGINS_GEO_VELOCITY_TRAVEL_CHECKS_H_
