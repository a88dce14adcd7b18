// The last user agent each thread parsed, with its feature hashes. riskd
// calls StateKeys and then Evaluate for an event on the same thread, and both
// need the user agent's features: the second finds them here instead of
// parsing again (~5k instructions a parse, ten rule searches of the text).
//
// What is remembered depends on the text alone (the parser's rules and the
// hash seeds are fixed), so the memo needs no detector instance. Plain data
// in a thread_local, as in ip_lookup_memo.h: a thread may outlive the
// plugin's library after a reload unloads it.
#ifndef RISKD_PLUGINS_PEER_PROFILE_USER_AGENT_MEMO_H_
#define RISKD_PLUGINS_PEER_PROFILE_USER_AGENT_MEMO_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "user_agent_parser.h"

namespace riskd_peer_profile {

struct AgentFeatures {
  ParsedUserAgent agent;  // views into the parser's static rules
  uint64_t os_hash = 0;
  uint64_t browser_hash = 0;
  uint64_t user_agent_hash = 0;
};

// This thread's remembered features of `user_agent`, if it was the last one.
std::optional<AgentFeatures> FindAgentFeatures(std::string_view user_agent);
// Remembers them; a user agent longer than the memo's buffer is not kept.
void RememberAgentFeatures(std::string_view user_agent, const AgentFeatures& features);

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_USER_AGENT_MEMO_H_
