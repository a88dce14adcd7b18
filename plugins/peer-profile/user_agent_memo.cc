#include "user_agent_memo.h"

#include <cstring>

namespace riskd_peer_profile {
namespace {

// Browsers' user agents are 100-200 bytes; longer ones are parsed each time.
constexpr size_t kMaxUserAgent = 512;

struct LastAgent {
  size_t size = 0;  // 0: empty (an empty user agent is never parsed)
  char text[kMaxUserAgent] = {};
  AgentFeatures features;
};

thread_local LastAgent last;

}  // namespace

std::optional<AgentFeatures> FindAgentFeatures(std::string_view user_agent) {
  if (last.size == 0 || last.size != user_agent.size() ||
      std::memcmp(last.text, user_agent.data(), user_agent.size()) != 0) {
    return std::nullopt;
  }
  return last.features;
}

void RememberAgentFeatures(std::string_view user_agent, const AgentFeatures& features) {
  if (user_agent.empty() || user_agent.size() > kMaxUserAgent) {
    last.size = 0;
    return;
  }
  std::memcpy(last.text, user_agent.data(), user_agent.size());
  last.size = user_agent.size();
  last.features = features;
}

}  // namespace riskd_peer_profile
