#include "geo_history.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "great_circle.h"

namespace riskd_geo_velocity {
namespace {

// Layout, little-endian, fixed-size records (a full history is ~570 bytes):
//   header   'g' version:u8 located_events:u32 n_sightings:u8 n_places:u8 n_countries:u8
//   sighting at_ms:i64 lat:i32 lon:i32 (1e-5 degrees, ~1 m) accuracy_km:u16 country:2 flags:u8
//   place    lat:i32 lon:i32 accuracy_km:u16 count:u32 last_ms:i64
//   country  code:2 count:u32 last_ms:i64
constexpr char kMagic = 'g';
constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderSize = 1 + 1 + 4 + 3;
constexpr size_t kSightingSize = 8 + 4 + 4 + 2 + 2 + 1;
constexpr size_t kPlaceSize = 4 + 4 + 2 + 4 + 8;
constexpr size_t kCountrySize = 2 + 4 + 8;
constexpr uint8_t kCityLevel = 1;
constexpr double kUnitsPerDegree = 1e5;

class Writer {
 public:
  template <typename T>
  void Int(T value) {
    using U = std::make_unsigned_t<T>;
    U bits = static_cast<U>(value);
    for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>(bits >> (8 * i)));
  }
  void Degrees(double degrees) {
    Int(static_cast<int32_t>(std::lround(degrees * kUnitsPerDegree)));
  }
  void Accuracy(int km) { Int(static_cast<uint16_t>(std::clamp(km, 0, 65535))); }
  void Code(const std::string& code) {
    out_.push_back(code.size() > 0 ? code[0] : '\0');
    out_.push_back(code.size() > 1 ? code[1] : '\0');
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  T Int() {
    using U = std::make_unsigned_t<T>;
    U bits = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      bits |= static_cast<U>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += sizeof(T);
    return static_cast<T>(bits);
  }
  double Degrees() { return Int<int32_t>() / kUnitsPerDegree; }
  std::string Code() {
    std::string code(in_.substr(pos_, 2));
    pos_ += 2;
    code.erase(code.find_last_not_of('\0') + 1);
    return code;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

// Least used first, then least recently: what a full list gives up.
template <typename T>
void DropLeastUsed(std::vector<T>& items, size_t limit) {
  while (!items.empty() && items.size() > limit) {
    items.erase(std::min_element(items.begin(), items.end(), [](const T& a, const T& b) {
      return a.count != b.count ? a.count < b.count : a.last_ms < b.last_ms;
    }));
  }
}

}  // namespace

GeoHistory GeoHistory::Decode(std::string_view bytes) {
  GeoHistory history;
  if (bytes.size() < kHeaderSize || bytes[0] != kMagic ||
      static_cast<uint8_t>(bytes[1]) != kVersion) {
    return history;
  }
  Reader in(bytes.substr(2));
  const uint32_t located = in.Int<uint32_t>();
  const size_t sightings = in.Int<uint8_t>();
  const size_t places = in.Int<uint8_t>();
  const size_t countries = in.Int<uint8_t>();
  if (bytes.size() !=
      kHeaderSize + sightings * kSightingSize + places * kPlaceSize + countries * kCountrySize) {
    return history;
  }
  history.located_events_ = located;
  for (size_t i = 0; i < sightings; ++i) {
    Sighting s;
    s.at_ms = in.Int<int64_t>();
    s.latitude = in.Degrees();
    s.longitude = in.Degrees();
    s.accuracy_radius_km = in.Int<uint16_t>();
    s.country = in.Code();
    s.city_level = (in.Int<uint8_t>() & kCityLevel) != 0;
    history.sightings_.push_back(std::move(s));
  }
  for (size_t i = 0; i < places; ++i) {
    Place p;
    p.latitude = in.Degrees();
    p.longitude = in.Degrees();
    p.accuracy_radius_km = in.Int<uint16_t>();
    p.count = in.Int<uint32_t>();
    p.last_ms = in.Int<int64_t>();
    history.places_.push_back(p);
  }
  for (size_t i = 0; i < countries; ++i) {
    CountrySeen c;
    c.code = in.Code();
    c.count = in.Int<uint32_t>();
    c.last_ms = in.Int<int64_t>();
    history.countries_.push_back(std::move(c));
  }
  return history;
}

std::string GeoHistory::Encode() const {
  Writer out;
  out.Int<uint8_t>(kMagic);
  out.Int<uint8_t>(kVersion);
  out.Int<uint32_t>(located_events_);
  // Counts fit a byte: the limits are validated to at most 64.
  out.Int<uint8_t>(static_cast<uint8_t>(sightings_.size()));
  out.Int<uint8_t>(static_cast<uint8_t>(places_.size()));
  out.Int<uint8_t>(static_cast<uint8_t>(countries_.size()));
  for (const Sighting& s : sightings_) {
    out.Int<int64_t>(s.at_ms);
    out.Degrees(s.latitude);
    out.Degrees(s.longitude);
    out.Accuracy(s.accuracy_radius_km);
    out.Code(s.country);
    out.Int<uint8_t>(s.city_level ? kCityLevel : 0);
  }
  for (const Place& p : places_) {
    out.Degrees(p.latitude);
    out.Degrees(p.longitude);
    out.Accuracy(p.accuracy_radius_km);
    out.Int<uint32_t>(p.count);
    out.Int<int64_t>(p.last_ms);
  }
  for (const CountrySeen& c : countries_) {
    out.Code(c.code);
    out.Int<uint32_t>(c.count);
    out.Int<int64_t>(c.last_ms);
  }
  return out.Take();
}

void GeoHistory::Add(const Sighting& sighting, const HistoryLimits& limits) {
  if (located_events_ < std::numeric_limits<uint32_t>::max()) ++located_events_;
  auto later = std::upper_bound(sightings_.begin(), sightings_.end(), sighting.at_ms,
                                [](int64_t at_ms, const Sighting& s) { return at_ms < s.at_ms; });
  sightings_.insert(later, sighting);
  if (sightings_.size() > limits.sightings) {
    sightings_.erase(sightings_.begin(),
                     sightings_.begin() + (sightings_.size() - limits.sightings));
  }
  if (sighting.city_level) AddPlace(sighting, limits.places);
  if (!sighting.country.empty()) AddCountry(sighting, limits.countries);
}

void GeoHistory::AddPlace(const Sighting& sighting, size_t limit) {
  Place* nearest = nullptr;
  double nearest_km = kPlaceRadiusKm;
  for (Place& place : places_) {
    double km = riskd_geoip::GreatCircleKm(place.latitude, place.longitude, sighting.latitude,
                                           sighting.longitude);
    if (km <= nearest_km) {
      nearest = &place;
      nearest_km = km;
    }
  }
  if (nearest != nullptr) {
    ++nearest->count;
    nearest->last_ms = std::max(nearest->last_ms, sighting.at_ms);
    return;
  }
  DropLeastUsed(places_, limit == 0 ? 0 : limit - 1);
  if (limit > 0) {
    places_.push_back(
        {sighting.latitude, sighting.longitude, sighting.accuracy_radius_km, 1, sighting.at_ms});
  }
}

void GeoHistory::AddCountry(const Sighting& sighting, size_t limit) {
  for (CountrySeen& country : countries_) {
    if (country.code == sighting.country) {
      ++country.count;
      country.last_ms = std::max(country.last_ms, sighting.at_ms);
      return;
    }
  }
  DropLeastUsed(countries_, limit == 0 ? 0 : limit - 1);
  if (limit > 0) countries_.push_back({sighting.country, 1, sighting.at_ms});
}

}  // namespace riskd_geo_velocity
