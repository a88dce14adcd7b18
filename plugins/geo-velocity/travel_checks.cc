#include "travel_checks.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "great_circle.h"

namespace riskd_geo_velocity {

double AllowanceKm(bool city_level, int accuracy_radius_km, const CheckOptions& options) {
  return std::max<double>(accuracy_radius_km,
                          city_level ? options.city_accuracy_km : options.country_accuracy_km);
}

std::optional<ImpossibleTravel> TravelBetween(const Sighting& then, const Sighting& now,
                                              const CheckOptions& options) {
  constexpr double kMsPerHour = 3600.0 * 1000.0;
  if ((!now.city_level || !then.city_level) && now.country == then.country) return std::nullopt;
  const double km =
      riskd_geoip::GreatCircleKm(then.latitude, then.longitude, now.latitude, now.longitude);
  const double beyond = km - AllowanceKm(now.city_level, now.accuracy_radius_km, options) -
                        AllowanceKm(then.city_level, then.accuracy_radius_km, options);
  if (beyond <= 0) return std::nullopt;
  const double hours = std::llabs(now.at_ms - then.at_ms) / kMsPerHour;
  const double speed = hours > 0 ? beyond / hours : std::numeric_limits<double>::infinity();
  if (speed <= options.max_speed_kmh) return std::nullopt;
  return ImpossibleTravel{then, km, beyond, hours, speed};
}

std::optional<ImpossibleTravel> FindImpossibleTravel(const GeoHistory& history, const Sighting& now,
                                                     const CheckOptions& options) {
  std::optional<ImpossibleTravel> worst;
  for (const Sighting& then : history.sightings()) {
    std::optional<ImpossibleTravel> travel = TravelBetween(then, now, options);
    if (travel && (!worst || travel->speed_kmh > worst->speed_kmh)) worst = travel;
  }
  return worst;
}

std::optional<UnusualLocation> FindUnusualLocation(const GeoHistory& history, const Sighting& now,
                                                   const CheckOptions& options) {
  if (!now.city_level || history.places().empty() ||
      history.located_events() < options.unusual_min_history) {
    return std::nullopt;
  }
  const double now_allowance = AllowanceKm(true, now.accuracy_radius_km, options);
  double nearest = std::numeric_limits<double>::infinity();
  for (const Place& place : history.places()) {
    const double km =
        riskd_geoip::GreatCircleKm(place.latitude, place.longitude, now.latitude, now.longitude);
    nearest = std::min(nearest,
                       km - now_allowance - AllowanceKm(true, place.accuracy_radius_km, options));
  }
  if (nearest <= options.unusual_distance_km) return std::nullopt;
  return UnusualLocation{nearest, history.places().size()};
}

bool IsNewCountry(const GeoHistory& history, const Sighting& now) {
  if (now.country.empty() || history.countries().empty()) return false;
  return std::none_of(history.countries().begin(), history.countries().end(),
                      [&](const CountrySeen& c) { return c.code == now.country; });
}

}  // namespace riskd_geo_velocity
