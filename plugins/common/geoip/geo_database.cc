#include "geo_database.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "mmdb_file.h"

namespace riskd_geoip {

GeoDatabase::GeoDatabase() = default;
GeoDatabase::~GeoDatabase() = default;
GeoDatabase::GeoDatabase(GeoDatabase&&) noexcept = default;
GeoDatabase& GeoDatabase::operator=(GeoDatabase&&) noexcept = default;

void GeoDatabase::AddFile(const std::string& path) { files_.push_back(MmdbFile::Open(path)); }

std::optional<GeoLocation> GeoDatabase::LookupV4(const uint8_t (&bytes)[4],
                                                 GeoFields fields) const {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  std::memcpy(&address.sin_addr, bytes, 4);
  // Every file can answer IPv4: IPv4 trees directly, IPv6 trees under ::/96.
  for (const auto& file : files_) {
    if (auto found = file->Lookup(reinterpret_cast<const sockaddr*>(&address), fields))
      return found;
  }
  return std::nullopt;
}

std::optional<GeoLocation> GeoDatabase::LookupV6(const uint8_t (&bytes)[16],
                                                 GeoFields fields) const {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  std::memcpy(&address.sin6_addr, bytes, 16);
  for (const auto& file : files_) {
    if (file->ip_version() != 6) continue;  // an IPv4 tree cannot hold it
    if (auto found = file->Lookup(reinterpret_cast<const sockaddr*>(&address), fields))
      return found;
  }
  return std::nullopt;
}

std::optional<GeoLocation> GeoDatabase::Lookup(std::string_view ip, GeoFields fields) const {
  char text[INET6_ADDRSTRLEN] = {};
  if (ip.empty() || ip.size() >= sizeof(text)) return std::nullopt;
  std::memcpy(text, ip.data(), ip.size());
  uint8_t v4[4];
  if (inet_pton(AF_INET, text, v4) == 1) return LookupV4(v4, fields);
  uint8_t v6[16];
  if (inet_pton(AF_INET6, text, v6) != 1) return std::nullopt;
  constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6, kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
    std::memcpy(v4, v6 + 12, 4);
    return LookupV4(v4, fields);
  }
  return LookupV6(v6, fields);
}

}  // namespace riskd_geoip
