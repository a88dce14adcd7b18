#include "great_circle.h"

#include <gtest/gtest.h>

#include <cmath>

namespace riskd_geoip {
namespace {

TEST(GreatCircleTest, KnownCityPairs) {
  // Reference distances on the mean-radius sphere, to within 0.5%.
  EXPECT_NEAR(GreatCircleKm(51.5074, -0.1278, 40.7128, -74.0060), 5570, 5570 * 0.005);
  EXPECT_NEAR(GreatCircleKm(51.5074, -0.1278, -33.8688, 151.2093), 16994, 16994 * 0.005);
  EXPECT_NEAR(GreatCircleKm(35.6762, 139.6503, -23.5505, -46.6333), 18540, 18540 * 0.005);
}

TEST(GreatCircleTest, SymmetricAndZeroForOnePoint) {
  EXPECT_DOUBLE_EQ(GreatCircleKm(48.85, 2.35, 52.52, 13.40),
                   GreatCircleKm(52.52, 13.40, 48.85, 2.35));
  EXPECT_DOUBLE_EQ(GreatCircleKm(48.85, 2.35, 48.85, 2.35), 0.0);
}

TEST(GreatCircleTest, AntipodesAndTheDateLine) {
  EXPECT_NEAR(GreatCircleKm(0, 0, 0, 180), M_PI * kEarthRadiusKm, 1e-6);
  EXPECT_NEAR(GreatCircleKm(90, 0, -90, 0), M_PI * kEarthRadiusKm, 1e-6);
  // Across the 180th meridian the short way round: 2 degrees of longitude.
  EXPECT_NEAR(GreatCircleKm(0, 179, 0, -179), 2 * M_PI * kEarthRadiusKm / 180, 1e-6);
}

}  // namespace
}  // namespace riskd_geoip
