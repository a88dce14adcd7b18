#include "server/identity/cookie_header.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace riskd {

std::optional<absl::string_view> FindCookie(absl::string_view header, absl::string_view name) {
  // Browsers separate pairs with "; "; some clients and proxies that merge
  // headers use ";" alone or "," (HTTP/2 splits cookies into several headers).
  for (absl::string_view pair : absl::StrSplit(header, absl::ByAnyChar(";,"))) {
    pair = absl::StripAsciiWhitespace(pair);
    const size_t equals = pair.find('=');
    if (equals == absl::string_view::npos) continue;
    if (absl::StripTrailingAsciiWhitespace(pair.substr(0, equals)) != name) continue;
    absl::string_view value = absl::StripLeadingAsciiWhitespace(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace riskd
