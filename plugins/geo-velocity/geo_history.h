// What geo-velocity remembers of one user: the last located events (for
// travel speed), the places logged in from (for unusual_location) and the
// countries (for new_country), bounded, in one compact binary value.
#ifndef RISKD_PLUGINS_GEO_VELOCITY_GEO_HISTORY_H_
#define RISKD_PLUGINS_GEO_VELOCITY_GEO_HISTORY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace riskd_geo_velocity {

// One located event.
struct Sighting {
  int64_t at_ms = 0;  // the event's occurred_at
  double latitude = 0.0;
  double longitude = 0.0;
  int accuracy_radius_km = 0;  // as the database stated it; 0 when it did not
  std::string country;         // ISO code, or empty
  // False when the database placed the address at its country's centre only:
  // such a point says nothing about where in the country the user is.
  bool city_level = false;
};

// A place the user logged in from, and how often.
struct Place {
  double latitude = 0.0;
  double longitude = 0.0;
  int accuracy_radius_km = 0;
  uint32_t count = 0;
  int64_t last_ms = 0;
};

struct CountrySeen {
  std::string code;
  uint32_t count = 0;
  int64_t last_ms = 0;
};

struct HistoryLimits {
  size_t sightings = 8;  // most recent by occurred_at
  size_t places = 8;     // most used, then most recent
  size_t countries = 16;
};

// A sighting within this distance of a place counts as that place.
inline constexpr double kPlaceRadiusKm = 100.0;

class GeoHistory {
 public:
  // Reads what Encode wrote. A value it cannot read (another version, a
  // damaged write) gives an empty history, so one bad value never fails every
  // later event of its user; the next write replaces it.
  static GeoHistory Decode(std::string_view bytes);
  std::string Encode() const;

  // Remembers a sighting: inserted by occurred_at (events may arrive out of
  // order), counted in its place (city-level only) and its country; the
  // oldest / least used entries beyond `limits` are dropped.
  void Add(const Sighting& sighting, const HistoryLimits& limits);

  // Forgets the sightings `contradicts` returns true for (kept counts of
  // places and countries stay).
  template <typename Predicate>
  void ForgetSightings(Predicate contradicts) {
    std::erase_if(sightings_, contradicts);
  }

  const std::vector<Sighting>& sightings() const { return sightings_; }  // oldest first
  const std::vector<Place>& places() const { return places_; }
  const std::vector<CountrySeen>& countries() const { return countries_; }
  // Located events ever added (not bounded by the limits).
  uint32_t located_events() const { return located_events_; }
  bool empty() const { return located_events_ == 0; }

 private:
  void AddPlace(const Sighting& sighting, size_t limit);
  void AddCountry(const Sighting& sighting, size_t limit);

  uint32_t located_events_ = 0;
  std::vector<Sighting> sightings_;
  std::vector<Place> places_;
  std::vector<CountrySeen> countries_;
};

}  // namespace riskd_geo_velocity

#endif  // RISKD_PLUGINS_GEO_VELOCITY_GEO_HISTORY_H_
