// A small user-agent parser: browser family and major version, OS family.
// Enough to tell "the same browser as usual" from "another browser on another
// OS"; not a device database.
#ifndef RISKD_PLUGINS_PEER_PROFILE_USER_AGENT_PARSER_H_
#define RISKD_PLUGINS_PEER_PROFILE_USER_AGENT_PARSER_H_

#include <string_view>

namespace riskd_peer_profile {

struct ParsedUserAgent {
  // "Chrome", "Safari", "Firefox", "Edge", ...; "Other" when unrecognised.
  // Views of static strings.
  std::string_view browser = "Other";
  int major = 0;  // the browser's major version; 0 when absent
  // "Windows", "macOS", "iOS", "Android", "Linux", "ChromeOS", ...; "Other".
  std::string_view os = "Other";
};

// Pure and allocation-free: a few substring searches in a fixed order, the
// most specific token first (Edge and Opera also say "Chrome/", Chrome also
// says "Safari/", iOS also says "like Mac OS X", Android also says "Linux").
ParsedUserAgent ParseUserAgent(std::string_view user_agent);

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_USER_AGENT_PARSER_H_
