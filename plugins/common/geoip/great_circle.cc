#include "great_circle.h"

#include <algorithm>
#include <cmath>

namespace riskd_geoip {

double GreatCircleKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRadiansPerDegree = M_PI / 180.0;
  const double phi1 = lat1 * kRadiansPerDegree;
  const double phi2 = lat2 * kRadiansPerDegree;
  const double half_dphi = (phi2 - phi1) / 2;
  const double half_dlambda = (lon2 - lon1) * kRadiansPerDegree / 2;
  const double h = std::sin(half_dphi) * std::sin(half_dphi) + std::cos(phi1) * std::cos(phi2) *
                                                                   std::sin(half_dlambda) *
                                                                   std::sin(half_dlambda);
  // Rounding can push h a hair past 1 for antipodes; asin would return NaN.
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::clamp(h, 0.0, 1.0)));
}

}  // namespace riskd_geoip
