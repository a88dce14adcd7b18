#include "mmdb_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace riskd_geoip {
namespace {

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void Fail(const std::string& path, const std::string& why) {
  throw std::runtime_error(path + ": " + why);
}

// Copies `path` into an anonymous memory file and returns a path that opens
// it (/proc/self/fd/N), or "" when the system offers no memory files.
std::string PrivateCopy(const std::string& path, Fd& memory) {
  Fd source{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (source.fd < 0) Fail(path, std::strerror(errno));
  struct stat info {};
  if (::fstat(source.fd, &info) != 0) Fail(path, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) Fail(path, "not a regular file");
  if (info.st_size == 0) Fail(path, "empty file (not a MaxMind DB)");
  memory.fd = ::memfd_create("riskd-mmdb", MFD_CLOEXEC);
  if (memory.fd < 0) return "";
  off_t offset = 0;
  while (offset < info.st_size) {
    ssize_t sent = ::sendfile(memory.fd, source.fd, &offset, info.st_size - offset);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) Fail(path, std::string("cannot read: ") + std::strerror(errno));
    if (sent == 0) break;  // shrank while we read: MMDB_open judges what we got
  }
  return "/proc/self/fd/" + std::to_string(memory.fd);
}

// The value at `path` if it is present and of a usable type.
std::optional<MMDB_entry_data_s> Value(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
  return data;
}

std::optional<std::string> String(MMDB_entry_s entry, const char* const* path) {
  auto data = Value(entry, path);
  if (!data || data->type != MMDB_DATA_TYPE_UTF8_STRING) return std::nullopt;
  return std::string(data->utf8_string, data->data_size);
}

std::optional<double> Number(MMDB_entry_s entry, const char* const* path) {
  auto data = Value(entry, path);
  if (!data) return std::nullopt;
  switch (data->type) {
    case MMDB_DATA_TYPE_DOUBLE:
      return data->double_value;
    case MMDB_DATA_TYPE_FLOAT:
      return data->float_value;
    case MMDB_DATA_TYPE_UINT16:
      return data->uint16;
    case MMDB_DATA_TYPE_UINT32:
      return data->uint32;
    case MMDB_DATA_TYPE_INT32:
      return data->int32;
    default:
      return std::nullopt;
  }
}

// MaxMind's GeoIP2 / GeoLite2 City and Country schema (also DB-IP's
// MaxMind-compatible files).
constexpr const char* kCountryIso[] = {"country", "iso_code", nullptr};
constexpr const char* kRegisteredCountryIso[] = {"registered_country", "iso_code", nullptr};
constexpr const char* kLatitude[] = {"location", "latitude", nullptr};
constexpr const char* kLongitude[] = {"location", "longitude", nullptr};
constexpr const char* kAccuracy[] = {"location", "accuracy_radius", nullptr};
constexpr const char* kCityEnglish[] = {"city", "names", "en", nullptr};
// ip-location-db's flat schema.
constexpr const char* kFlatCountry[] = {"country_code", nullptr};
constexpr const char* kFlatLatitude[] = {"latitude", nullptr};
constexpr const char* kFlatLongitude[] = {"longitude", nullptr};
constexpr const char* kFlatCity[] = {"city", nullptr};

// A record's fields before the coordinates are checked.
struct Record {
  GeoLocation location;
  std::optional<double> latitude, longitude;
};

// Where one schema keeps each field; a null path: the schema has no such field.
struct SchemaPaths {
  const char* const* country;
  const char* const* city;
  const char* const* latitude;
  const char* const* longitude;
  const char* const* accuracy;
};
constexpr SchemaPaths kMaxMindPaths = {kCountryIso, kCityEnglish, kLatitude, kLongitude, kAccuracy};
constexpr SchemaPaths kFlatPaths = {kFlatCountry, kFlatCity, kFlatLatitude, kFlatLongitude,
                                    nullptr};

// The record read with `schema`'s paths; nullopt when it has no country
// there (the record is of another schema).
std::optional<Record> SchemaRecord(MMDB_entry_s entry, const SchemaPaths& schema,
                                   GeoFields fields) {
  std::optional<std::string> country = String(entry, schema.country);
  if (!country) return std::nullopt;
  Record record;
  record.location.country_code = std::move(*country);
  if (fields == GeoFields::kCountry) return record;
  record.location.city = String(entry, schema.city).value_or("");
  record.latitude = Number(entry, schema.latitude);
  record.longitude = Number(entry, schema.longitude);
  if (schema.accuracy != nullptr) {
    record.location.accuracy_radius_km =
        static_cast<int>(Number(entry, schema.accuracy).value_or(0));
  }
  return record;
}

// A MaxMind record without country/iso_code: the registered country, and the
// location if it has one.
Record RegisteredCountryRecord(MMDB_entry_s entry, GeoFields fields) {
  Record record;
  record.location.country_code = String(entry, kRegisteredCountryIso).value_or("");
  if (fields == GeoFields::kCountry) return record;
  record.latitude = Number(entry, kLatitude);
  record.longitude = Number(entry, kLongitude);
  record.location.accuracy_radius_km = static_cast<int>(Number(entry, kAccuracy).value_or(0));
  return record;
}

}  // namespace

std::unique_ptr<MmdbFile> MmdbFile::Open(const std::string& path) {
  std::unique_ptr<MmdbFile> file(new MmdbFile(path));
  Fd memory;
  std::string open_path = PrivateCopy(path, memory);
  if (open_path.empty()) open_path = path;
  int status = MMDB_open(open_path.c_str(), MMDB_MODE_MMAP, &file->mmdb_);
  if (status != MMDB_SUCCESS) {
    Fail(path, std::string("not a readable MaxMind DB (MMDB) file: ") + MMDB_strerror(status));
  }
  file->open_ = true;  // the mapping keeps the memory file alive after close
  const int version = file->mmdb_.metadata.ip_version;
  if (version != 4 && version != 6) {
    Fail(path, "MMDB metadata names IP version " + std::to_string(version));
  }
  return file;
}

MmdbFile::~MmdbFile() {
  if (open_) MMDB_close(&mmdb_);
}

std::optional<GeoLocation> MmdbFile::Lookup(const sockaddr* address, GeoFields fields) const {
  int error = MMDB_SUCCESS;
  MMDB_lookup_result_s found = MMDB_lookup_sockaddr(&mmdb_, address, &error);
  if (error != MMDB_SUCCESS || !found.found_entry) return std::nullopt;
  const MMDB_entry_s entry = found.entry;

  const bool flat_first = flat_first_.load(std::memory_order_relaxed);
  const SchemaPaths& first = flat_first ? kFlatPaths : kMaxMindPaths;
  const SchemaPaths& second = flat_first ? kMaxMindPaths : kFlatPaths;
  std::optional<Record> record = SchemaRecord(entry, first, fields);
  if (!record) {
    record = SchemaRecord(entry, second, fields);
    if (record) flat_first_.store(!flat_first, std::memory_order_relaxed);
  }
  // Some MaxMind records (anycast, satellite) carry only the network's
  // registered country; a MaxMind record may also hold a location alone.
  if (!record) record = RegisteredCountryRecord(entry, fields);

  GeoLocation& location = record->location;
  const std::optional<double>& latitude = record->latitude;
  const std::optional<double>& longitude = record->longitude;
  if (latitude && longitude && *latitude >= -90 && *latitude <= 90 && *longitude >= -180 &&
      *longitude <= 180) {
    location.has_coordinates = true;
    location.latitude = *latitude;
    location.longitude = *longitude;
  }
  if (location.country_code.empty() && !location.has_coordinates) return std::nullopt;
  return std::move(location);
}

}  // namespace riskd_geoip
