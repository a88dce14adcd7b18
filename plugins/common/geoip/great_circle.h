// Distance between two points on the Earth's surface.
#ifndef RISKD_PLUGINS_COMMON_GEOIP_GREAT_CIRCLE_H_
#define RISKD_PLUGINS_COMMON_GEOIP_GREAT_CIRCLE_H_

namespace riskd_geoip {

// The mean Earth radius (IUGG), which keeps the spherical model's error under
// about 0.5% anywhere: ample for IP geolocation, whose error is kilometres.
inline constexpr double kEarthRadiusKm = 6371.0088;

// Great-circle distance in km between two (latitude, longitude) points in
// degrees, by the haversine formula (accurate for short and antipodal spans).
double GreatCircleKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace riskd_geoip

#endif  // RISKD_PLUGINS_COMMON_GEOIP_GREAT_CIRCLE_H_
