// A JWT in JWS compact form (RFC 7519, RFC 7515): parsing and the time checks.
// Signatures are checked by JwtKey.
#ifndef RISKD_SERVER_IDENTITY_JWT_TOKEN_H_
#define RISKD_SERVER_IDENTITY_JWT_TOKEN_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"

namespace riskd {

// Longer tokens are refused before any decoding; a cookie or header value is
// limited to 8 KiB anyway.
inline constexpr size_t kMaxJwtBytes = 8 * 1024;

struct JwtToken {
  std::string algorithm;            // the header's "alg"
  google::protobuf::Struct claims;  // the payload
  std::string signing_input;        // "<header>.<payload>", as sent
  std::string signature;            // decoded

  // The claim named `name`, or null.
  const google::protobuf::Value* Claim(absl::string_view name) const;
};

// True for a number a double holds exactly as an integer (|n| <= 2^53).
bool IsExactInteger(double n);

// Splits, decodes and parses; checks nothing the signature vouches for. Error
// messages are phrases such as "has 2 parts, not 3" for the caller to prefix.
absl::StatusOr<JwtToken> ParseJwt(absl::string_view compact);

struct JwtTimeRules {
  bool expiry_required = true;                // a token without "exp" is invalid
  absl::Duration leeway = absl::Seconds(30);  // for clocks that disagree
};

// Checks "exp" and "nbf" (NumericDate: seconds since the epoch) against `at`.
absl::Status CheckJwtTimes(const JwtToken& token, absl::Time at, const JwtTimeRules& rules);

// A claim as text: strings as they are, integers without a decimal point,
// other numbers, booleans, objects and lists as JSON. nullopt for an absent
// or null claim.
std::optional<std::string> ClaimText(const JwtToken& token, absl::string_view claim);

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_JWT_TOKEN_H_
