#include "request_headers.h"

namespace riskd_bot_behaviour {

std::string_view UserAgentOf(const riskd::Event& event) {
  if (!event.user_agent().empty()) return event.user_agent();
  return event.header("user-agent").value_or(std::string_view());
}

std::vector<std::string> MissingHeaders(const riskd::Event& event,
                                        const std::vector<std::string>& expected, size_t min_sent) {
  std::vector<std::string> missing;
  if (event.raw().header_count < min_sent || event.raw().header_count == 0) return missing;
  for (const std::string& name : expected) {
    std::optional<std::string_view> value = event.header(name);
    bool present = value.has_value() && !value->empty();
    if (!present && name == "user-agent") present = !event.user_agent().empty();
    if (!present) missing.push_back(name);
  }
  return missing;
}

}  // namespace riskd_bot_behaviour
