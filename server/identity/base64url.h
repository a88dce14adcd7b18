// base64url without padding (RFC 4648 section 5), as JWTs encode their parts.
#ifndef RISKD_SERVER_IDENTITY_BASE64URL_H_
#define RISKD_SERVER_IDENTITY_BASE64URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd {

// Strict: only A-Z a-z 0-9 - _, no padding, no whitespace, and the unused low
// bits of the last character must be zero. Strictness keeps one signature to
// one spelling, so a token whose signature was edited never verifies.
absl::StatusOr<std::string> DecodeBase64Url(absl::string_view text);

std::string EncodeBase64Url(absl::string_view bytes);

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_BASE64URL_H_
