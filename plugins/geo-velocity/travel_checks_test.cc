#include "travel_checks.h"

#include <gtest/gtest.h>

#include <cmath>

namespace riskd_geo_velocity {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;

Sighting At(int64_t at_ms, double latitude, double longitude, std::string country,
            bool city_level = true, int accuracy = 0) {
  return {at_ms, latitude, longitude, accuracy, std::move(country), city_level};
}
// Coordinates as the shipped flat database gives them.
Sighting London(int64_t at) { return At(at, 51.5081, -0.1278, "GB"); }
Sighting Bracknell(int64_t at) { return At(at, 51.4036, -0.7618, "GB"); }
Sighting Sydney(int64_t at) { return At(at, -33.8784, 151.1949, "AU"); }
Sighting Paris(int64_t at) { return At(at, 48.8534, 2.3488, "FR"); }
Sighting NewYork(int64_t at) { return At(at, 40.8123, -73.9682, "US"); }
Sighting Stanford(int64_t at) { return At(at, 37.4230, -122.1639, "US"); }
Sighting UsCentre(int64_t at) { return At(at, 37.751, -97.822, "US", /*city_level=*/false); }

GeoHistory With(std::initializer_list<Sighting> sightings) {
  GeoHistory history;
  for (const Sighting& s : sightings) history.Add(s, {});
  return history;
}

const CheckOptions kDefaults;

TEST(ImpossibleTravelTest, LondonThenSydneyHalfAnHourLater) {
  std::optional<ImpossibleTravel> travel =
      FindImpossibleTravel(With({London(0)}), Sydney(30 * kMinute), kDefaults);
  ASSERT_TRUE(travel.has_value());
  EXPECT_NEAR(travel->distance_km, 16990, 100);
  EXPECT_NEAR(travel->beyond_accuracy_km, travel->distance_km - 200, 1e-6);
  EXPECT_DOUBLE_EQ(travel->hours, 0.5);
  EXPECT_NEAR(travel->speed_kmh, 2 * travel->beyond_accuracy_km, 1e-6);
  EXPECT_EQ(travel->from.country, "GB");
}

TEST(ImpossibleTravelTest, ThirtyHoursIsEnoughForAFlight) {
  EXPECT_FALSE(FindImpossibleTravel(With({London(0)}), Sydney(30 * kHour), kDefaults));
  // The limit is the setting: at 500 km/h the same trip is impossible.
  CheckOptions slow = kDefaults;
  slow.max_speed_kmh = 500;
  EXPECT_TRUE(FindImpossibleTravel(With({London(0)}), Sydney(30 * kHour), slow));
}

TEST(ImpossibleTravelTest, EventsArrivingOutOfOrderAreCheckedAgainstLaterOnes) {
  // Sydney at 10:00 is remembered; a London event that happened at 09:30
  // arrives afterwards.
  EXPECT_TRUE(FindImpossibleTravel(With({Sydney(10 * kHour)}), London(9 * kHour + 30 * kMinute),
                                   kDefaults));
}

TEST(ImpossibleTravelTest, TheNearestEventInTimeIsNotTheOnlyConstraint) {
  // London two hours ago, Paris one hour ago: Sydney now is impossible from
  // both; the faster one is reported.
  std::optional<ImpossibleTravel> travel =
      FindImpossibleTravel(With({London(0), Paris(1 * kHour)}), Sydney(2 * kHour), kDefaults);
  ASSERT_TRUE(travel.has_value());
  EXPECT_EQ(travel->from.country, "FR");
  EXPECT_DOUBLE_EQ(travel->hours, 1.0);
}

TEST(ImpossibleTravelTest, NearbyPlacesWithinTheAllowanceNeverFire) {
  // 45 km one second later: inside two 100 km allowances.
  EXPECT_FALSE(FindImpossibleTravel(With({London(0)}), Bracknell(1000), kDefaults));
  EXPECT_FALSE(FindImpossibleTravel(With({London(0)}), London(0), kDefaults));
  // London to Paris (344 km) in 5 minutes is over the allowance.
  EXPECT_TRUE(FindImpossibleTravel(With({London(0)}), Paris(5 * kMinute), kDefaults));
  CheckOptions wide = kDefaults;
  wide.city_accuracy_km = 200;
  EXPECT_FALSE(FindImpossibleTravel(With({London(0)}), Paris(5 * kMinute), wide));
}

TEST(ImpossibleTravelTest, AtTheSameInstantAnyRealDistanceIsImpossible) {
  std::optional<ImpossibleTravel> travel =
      FindImpossibleTravel(With({London(0)}), Paris(0), kDefaults);
  ASSERT_TRUE(travel.has_value());
  EXPECT_TRUE(std::isinf(travel->speed_kmh));
}

TEST(ImpossibleTravelTest, TheDatabasesAccuracyRadiusWidensTheAllowance) {
  Sighting vague_paris = Paris(5 * kMinute);
  vague_paris.accuracy_radius_km = 500;
  EXPECT_FALSE(FindImpossibleTravel(With({London(0)}), vague_paris, kDefaults));
}

TEST(ImpossibleTravelTest, CountryCentresOnlyCountAcrossCountries) {
  // New York then "somewhere in the US" a minute later: nothing to measure.
  EXPECT_FALSE(FindImpossibleTravel(With({NewYork(0)}), UsCentre(kMinute), kDefaults));
  // London then the US centre a minute later: 6,800 km less 1,100 km.
  std::optional<ImpossibleTravel> travel =
      FindImpossibleTravel(With({London(0)}), UsCentre(kMinute), kDefaults);
  ASSERT_TRUE(travel.has_value());
  EXPECT_NEAR(travel->beyond_accuracy_km, travel->distance_km - 1100, 1e-6);
}

TEST(UnusualLocationTest, FarFromEveryPlaceOfAUserWithHistory) {
  GeoHistory history = With({NewYork(0), NewYork(kHour), NewYork(2 * kHour)});
  std::optional<UnusualLocation> unusual =
      FindUnusualLocation(history, Stanford(30 * kHour), kDefaults);
  ASSERT_TRUE(unusual.has_value());
  EXPECT_NEAR(unusual->nearest_km, 4130 - 200, 50);
  EXPECT_EQ(unusual->places, 1u);
  EXPECT_FALSE(FindUnusualLocation(history, NewYork(30 * kHour), kDefaults));
}

TEST(UnusualLocationTest, NeedsEnoughHistoryAndACityLevelLocation) {
  EXPECT_FALSE(
      FindUnusualLocation(With({NewYork(0), NewYork(kHour)}), Stanford(30 * kHour), kDefaults));
  GeoHistory history = With({NewYork(0), NewYork(kHour), NewYork(2 * kHour)});
  EXPECT_FALSE(FindUnusualLocation(history, UsCentre(30 * kHour), kDefaults));
  CheckOptions far = kDefaults;
  far.unusual_distance_km = 5000;
  EXPECT_FALSE(FindUnusualLocation(history, Stanford(30 * kHour), far));
}

TEST(NewCountryTest, OnlyOnceTheUserHasHistory) {
  EXPECT_FALSE(IsNewCountry(GeoHistory(), Sydney(0)));
  EXPECT_TRUE(IsNewCountry(With({London(0)}), Sydney(kHour)));
  EXPECT_FALSE(IsNewCountry(With({London(0), Sydney(kHour)}), Sydney(2 * kHour)));
  EXPECT_FALSE(IsNewCountry(With({London(0)}), At(kHour, 0, 0, "")));
}

}  // namespace
}  // namespace riskd_geo_velocity
