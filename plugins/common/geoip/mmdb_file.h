// One MaxMind DB (MMDB) file, opened with libmaxminddb.
#ifndef RISKD_PLUGINS_COMMON_GEOIP_MMDB_FILE_H_
#define RISKD_PLUGINS_COMMON_GEOIP_MMDB_FILE_H_

#include <maxminddb.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "geo_location.h"

namespace riskd_geoip {

class MmdbFile {
 public:
  // Opens `path`. The file is first copied into private memory, so that a
  // database rewritten in place while riskd serves (cp over it instead of mv)
  // cannot change or truncate the pages under a running lookup. Throws
  // std::runtime_error naming the file when it cannot be read or is not an
  // MMDB database.
  static std::unique_ptr<MmdbFile> Open(const std::string& path);
  ~MmdbFile();
  MmdbFile(const MmdbFile&) = delete;
  MmdbFile& operator=(const MmdbFile&) = delete;

  // 4 or 6: the address family of the file's search tree. An IPv6 tree may
  // also hold IPv4 (MaxMind's files do, under ::/96).
  int ip_version() const { return mmdb_.metadata.ip_version; }
  // The metadata's database_type ("GeoLite2-City", "city ipv4", ...).
  std::string database_type() const { return mmdb_.metadata.database_type; }
  const std::string& path() const { return path_; }

  // The record for `address` (AF_INET or AF_INET6), in either schema:
  // MaxMind's GeoIP2/GeoLite2 (country/iso_code, location/latitude, ...) or
  // the flat one of ip-location-db (country_code, latitude, longitude, city).
  // nullopt when the address is not in the file, or the family is not in it.
  // Thread-safe.
  std::optional<GeoLocation> Lookup(const sockaddr* address,
                                    GeoFields fields = GeoFields::kAll) const;

 private:
  explicit MmdbFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
  MMDB_s mmdb_{};
  bool open_ = false;
  // Which schema to try first: the one the last record matched. A file holds
  // one schema, and a failed probe searches the whole record.
  mutable std::atomic<bool> flat_first_{false};
};

}  // namespace riskd_geoip

#endif  // RISKD_PLUGINS_COMMON_GEOIP_MMDB_FILE_H_
