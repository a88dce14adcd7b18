// What the event's HTTP headers say about the client: the user agent, and
// which of the headers every browser sends are missing.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_REQUEST_HEADERS_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_REQUEST_HEADERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "riskd/detector.h"

namespace riskd_bot_behaviour {

// context.user_agent, or the user-agent header when the app sent only that.
std::string_view UserAgentOf(const riskd::Event& event);

// The `expected` headers (lower-case names) the event lacks; "user-agent" is
// there when either the header or context.user_agent is. Empty when the event
// carries fewer than `min_sent` headers: an app that forwards no headers, or
// only the one or two it picked, tells nothing about the client's request.
std::vector<std::string> MissingHeaders(const riskd::Event& event,
                                        const std::vector<std::string>& expected, size_t min_sent);

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_REQUEST_HEADERS_H_
