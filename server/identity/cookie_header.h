// Reads one cookie out of a Cookie request header (RFC 6265 section 5.4).
#ifndef RISKD_SERVER_IDENTITY_COOKIE_HEADER_H_
#define RISKD_SERVER_IDENTITY_COOKIE_HEADER_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace riskd {

// The value of cookie `name` in `header` ("a=1; session=xyz; b=2"), without
// surrounding double quotes; nullopt when absent. Cookie names are
// case-sensitive. When the name appears twice the first wins: browsers send the
// cookie of the longest matching path first.
std::optional<absl::string_view> FindCookie(absl::string_view header, absl::string_view name);

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_COOKIE_HEADER_H_
