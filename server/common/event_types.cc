#include "server/common/event_types.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace riskd {

std::string EventTypeName(riskd::v1::EventType type) {
  return absl::AsciiStrToLower(absl::StripPrefix(riskd::v1::EventType_Name(type), "EVENT_TYPE_"));
}

std::optional<riskd::v1::EventType> ParseEventTypeName(absl::string_view name) {
  std::string upper = absl::AsciiStrToUpper(absl::StrReplaceAll(name, {{"-", "_"}}));
  riskd::v1::EventType type;
  if (!riskd::v1::EventType_Parse("EVENT_TYPE_" + upper, &type) &&
      !riskd::v1::EventType_Parse(upper, &type)) {
    return std::nullopt;
  }
  if (type == riskd::v1::EVENT_TYPE_UNSPECIFIED) return std::nullopt;
  return type;
}

std::string AllEventTypeNames() {
  std::string names;
  for (int i = riskd::v1::EventType_MIN + 1; i <= riskd::v1::EventType_MAX; ++i) {
    if (!riskd::v1::EventType_IsValid(i)) continue;
    if (!names.empty()) names += ", ";
    names += EventTypeName(static_cast<riskd::v1::EventType>(i));
  }
  return names;
}

std::string VerdictName(riskd::v1::Verdict verdict) {
  return absl::AsciiStrToLower(absl::StripPrefix(riskd::v1::Verdict_Name(verdict), "VERDICT_"));
}

std::optional<riskd::v1::Verdict> ParseVerdictName(absl::string_view name) {
  riskd::v1::Verdict verdict;
  if (!riskd::v1::Verdict_Parse("VERDICT_" + absl::AsciiStrToUpper(name), &verdict) ||
      verdict == riskd::v1::VERDICT_UNSPECIFIED) {
    return std::nullopt;
  }
  return verdict;
}

}  // namespace riskd
