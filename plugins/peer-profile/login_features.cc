#include "login_features.h"

#include <algorithm>
#include <cmath>

#include "stable_hash.h"
#include "user_agent_memo.h"

namespace riskd_peer_profile {

std::string_view FeatureName(Feature feature) {
  static constexpr std::string_view kNames[kFeatureCount] = {"country", "asn",        "ip",    "os",
                                                             "browser", "user_agent", "device"};
  return kNames[feature];
}

int LocalHour(int64_t unix_ms, int utc_offset_hours) {
  constexpr int64_t kMsPerHour = 3600 * 1000;
  int64_t hours = unix_ms / kMsPerHour + utc_offset_hours;
  return static_cast<int>(((hours % 24) + 24) % 24);
}

int UtcOffsetFromLongitude(double longitude) {
  return std::clamp(static_cast<int>(std::lround(longitude / 15.0)), -12, 14);
}

std::string LoginFeatures::Label(Feature feature) const {
  switch (feature) {
    case kCountry:
      return country;
    case kAsn:
      return "AS" + std::to_string(asn);
    case kIp:
      return std::string(ip);
    case kOs:
      return std::string(agent.os);
    case kBrowser:
      return std::string(agent.browser) + " " + std::to_string(agent.major);
    case kUserAgent:
      return std::string(user_agent.substr(0, 60)) + (user_agent.size() > 60 ? "..." : "");
    case kDevice:
      return std::string(device_id);
    case kFeatureCount:
      break;
  }
  return {};
}

LoginFeatures ExtractFeatures(const riskd::Event& event, const std::optional<Location>& where,
                              uint32_t asn) {
  LoginFeatures f;
  f.ip = event.ip();
  f.user_agent = event.user_agent();
  f.device_id = event.device_id();
  if (!f.ip.empty()) {
    f.country = where && !where->country_code.empty() ? where->country_code : "--";
    f.asn = asn;
    f.hash[kCountry] = StableHash(f.country, /*seed=*/kCountry);
    f.hash[kAsn] = ChildHash(f.hash[kCountry], std::to_string(asn));
    f.hash[kIp] = ChildHash(f.hash[kAsn], f.ip);
    f.present[kCountry] = f.present[kAsn] = f.present[kIp] = true;
    if (where && where->longitude) f.utc_offset_hours = UtcOffsetFromLongitude(*where->longitude);
  }
  if (!f.user_agent.empty()) {
    std::optional<AgentFeatures> memo = FindAgentFeatures(f.user_agent);
    if (!memo) {
      memo.emplace();
      f.agent = memo->agent = ParseUserAgent(f.user_agent);
      memo->os_hash = StableHash(f.agent.os, /*seed=*/kOs);
      memo->browser_hash = ChildHash(memo->os_hash, f.Label(kBrowser));
      memo->user_agent_hash = ChildHash(memo->browser_hash, f.user_agent);
      RememberAgentFeatures(f.user_agent, *memo);
    }
    f.agent = memo->agent;
    f.hash[kOs] = memo->os_hash;
    f.hash[kBrowser] = memo->browser_hash;
    f.hash[kUserAgent] = memo->user_agent_hash;
    f.present[kOs] = f.present[kBrowser] = f.present[kUserAgent] = true;
  }
  if (!f.device_id.empty()) {
    f.hash[kDevice] = StableHash(f.device_id, /*seed=*/kDevice);
    f.present[kDevice] = true;
  }
  f.local_hour = LocalHour(event.occurred_at_ms(), f.utc_offset_hours);
  return f;
}

}  // namespace riskd_peer_profile
