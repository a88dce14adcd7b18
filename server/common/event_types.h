// Event type and verdict names as they appear in config files and riskctl.
#ifndef RISKD_SERVER_COMMON_EVENT_TYPES_H_
#define RISKD_SERVER_COMMON_EVENT_TYPES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "riskd/v1/riskd.pb.h"

namespace riskd {

// EVENT_TYPE_LOGIN_SUCCEEDED <-> "login_succeeded". Parsing also accepts
// "login-succeeded" and upper case.
std::string EventTypeName(riskd::v1::EventType type);
std::optional<riskd::v1::EventType> ParseEventTypeName(absl::string_view name);
// "login_succeeded, login_failed, ..." for error messages.
std::string AllEventTypeNames();

// VERDICT_CHALLENGE <-> "challenge".
std::string VerdictName(riskd::v1::Verdict verdict);
std::optional<riskd::v1::Verdict> ParseVerdictName(absl::string_view name);

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_EVENT_TYPES_H_
