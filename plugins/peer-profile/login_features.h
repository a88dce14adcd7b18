// What peer-profile looks at in one event: the network (country -> ASN -> IP),
// the browser (OS -> browser -> user agent), the device and the local hour.
#ifndef RISKD_PLUGINS_PEER_PROFILE_LOGIN_FEATURES_H_
#define RISKD_PLUGINS_PEER_PROFILE_LOGIN_FEATURES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "riskd/detector.h"
#include "user_agent_parser.h"

namespace riskd_peer_profile {

enum Feature : int { kCountry, kAsn, kIp, kOs, kBrowser, kUserAgent, kDevice, kFeatureCount };

// The hierarchies, most general first: a value's parent is the one before it.
// The device has no parent.
inline constexpr std::array<Feature, 3> kNetworkChain = {kCountry, kAsn, kIp};
inline constexpr std::array<Feature, 3> kAgentChain = {kOs, kBrowser, kUserAgent};
inline constexpr std::array<Feature, 1> kDeviceChain = {kDevice};

// A short name per feature, used in state keys and details.
std::string_view FeatureName(Feature feature);

// What the GeoIP database said about the event's IP.
struct Location {
  std::string country_code;  // "GB"; empty when unknown
  std::optional<double> longitude;
};

struct LoginFeatures {
  std::array<bool, kFeatureCount> present{};
  // Each value hashed with its parents (see ChildHash): the id of the value
  // in the sketches and in the user's history.
  std::array<uint64_t, kFeatureCount> hash{};
  std::string country;  // "--" when the IP has no country
  uint32_t asn = 0;     // 0 when no ASN announces the IP
  std::string_view ip;  // views into the event: valid during the call only
  std::string_view user_agent;
  std::string_view device_id;
  ParsedUserAgent agent;
  int utc_offset_hours = 0;  // from the longitude, 0 when unknown
  int local_hour = 0;        // 0..23, at utc_offset_hours

  // "AU", "AS9342", "203.2.218.214", "Linux", "Firefox 126", the user agent
  // (cut to 60 bytes), the device id.
  std::string Label(Feature feature) const;
};

// `where` and `asn` are the lookups of the event's IP (nullopt and 0 for none).
LoginFeatures ExtractFeatures(const riskd::Event& event, const std::optional<Location>& where,
                              uint32_t asn);

// Hour of day at `utc_offset_hours` for a unix time in milliseconds.
int LocalHour(int64_t unix_ms, int utc_offset_hours);
// Solar time zone of a longitude: round(longitude / 15), in -12..14.
int UtcOffsetFromLongitude(double longitude);

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_LOGIN_FEATURES_H_
