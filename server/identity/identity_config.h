// `identity:` in the config: where riskd finds who the user is when the app
// sends its raw request headers instead of user.id.
#ifndef RISKD_SERVER_IDENTITY_IDENTITY_CONFIG_H_
#define RISKD_SERVER_IDENTITY_IDENTITY_CONFIG_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "server/identity/jwt_key.h"

namespace riskd {

struct JwtIdentityConfig {
  enum class Carrier { kCookie, kHeader };
  Carrier carrier = Carrier::kCookie;
  std::string name;  // the cookie's name, or the header's (lower-case)

  std::string user_id_claim = "sub";
  std::string email_claim;          // empty: not read
  std::string registered_at_claim;  // empty: not read
  // Other claims kept as event properties "jwt.<property>": (property, claim).
  std::vector<std::pair<std::string, std::string>> kept_claims;

  // Null: signatures are not checked (the app verified the token itself).
  std::shared_ptr<const JwtKey> key;
  bool expiry_required = true;
  absl::Duration leeway = absl::Seconds(30);
  std::string issuer;    // when set, "iss" must equal it
  std::string audience;  // when set, "aud" must be or contain it
  // A token that fails a check: reject the event (INVALID_ARGUMENT), or carry
  // on as if there were no token.
  bool reject_invalid = true;
};

struct IdentityConfig {
  std::optional<JwtIdentityConfig> jwt;
};

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_IDENTITY_CONFIG_H_
