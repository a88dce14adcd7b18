// What an IP geolocation database says about one address.
#ifndef RISKD_PLUGINS_COMMON_GEOIP_GEO_LOCATION_H_
#define RISKD_PLUGINS_COMMON_GEOIP_GEO_LOCATION_H_

#include <string>

namespace riskd_geoip {

struct GeoLocation {
  // ISO 3166-1 alpha-2 ("GB"); empty when the record has no country.
  std::string country_code;
  // The city's (English) name; empty when the database knows only the country,
  // in which case the coordinates are the country's centre.
  std::string city;
  bool has_coordinates = false;
  double latitude = 0.0;   // degrees, north positive
  double longitude = 0.0;  // degrees, east positive
  // How far from the coordinates the address may be, as the database states
  // it (MaxMind's location/accuracy_radius); 0 when the database does not say
  // (the flat ip-location-db schema never does).
  int accuracy_radius_km = 0;
};

// What a lookup reads from the record. Each field costs a search of the
// record's map, so a caller that wants only the country says so.
enum class GeoFields {
  kAll,      // every field above
  kCountry,  // country_code only; the other fields stay empty
};

}  // namespace riskd_geoip

#endif  // RISKD_PLUGINS_COMMON_GEOIP_GEO_LOCATION_H_
