// Who the user is, from a JWT the app's request carried in a cookie or a
// header (identity.jwt in the config). Runs inside event validation, before
// the check that the event has a user.
//
// Precedence between user.id and the token:
// - user.id empty: the token's user is the event's user.
// - user.id equal to the token's user: the token's claims are used.
// - user.id different, on events inside a session (profile update,
//   transaction): INVALID_ARGUMENT; the app and the session disagree.
// - user.id sent on the events around signing in (logins, registration,
//   password resets, challenges): user.id wins and a token that is invalid or
//   names someone else is ignored. The request may still carry the previous
//   session's cookie, and an attacker must not escape scoring of a failed
//   login by sending a broken or foreign token along with it.
// Values the app sent in user.email and user.registered_at win over claims.
#ifndef RISKD_SERVER_IDENTITY_IDENTITY_RESOLVER_H_
#define RISKD_SERVER_IDENTITY_IDENTITY_RESOLVER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/identity/identity_config.h"
#include "server/identity/jwt_token.h"

namespace riskd {

inline constexpr absl::string_view kJwtPropertyPrefix = "jwt.";

struct TokenClaim {
  std::string claim;  // its name in the token
  std::string value;
};

// What a valid token says. Limits and formats (an email's domain, a date) are
// checked by the validator, like the same values in user.*.
struct TokenIdentity {
  std::string source;  // "context.headers.cookie[session]"
  TokenClaim user_id;
  std::optional<TokenClaim> email;
  std::optional<TokenClaim> registered_at;
  // Kept claims, by their property key "jwt.<name>".
  std::vector<std::pair<std::string, TokenClaim>> properties;

  // The start of an error about `c`: `<source>: JWT claim "<claim>"`.
  std::string FieldOf(const TokenClaim& c) const;
};

// Immutable; thread-safe.
class IdentityResolver {
 public:
  explicit IdentityResolver(JwtIdentityConfig config);

  // Where the token is looked for, as a field path for messages.
  const std::string& source() const { return source_; }

  // nullopt when the request carries no token (or an empty one), or the token
  // is ignored by the rules above. `at` is the event's time: expiry is judged
  // when the event happened, so that recorded events replay.
  absl::StatusOr<std::optional<TokenIdentity>> Resolve(const riskd::v1::Event& event,
                                                       absl::Time at) const;

 private:
  std::optional<absl::string_view> FindToken(const riskd::v1::Event& event) const;
  // Errors are INVALID_ARGUMENT "<source>: JWT <problem>".
  absl::StatusOr<TokenIdentity> Read(absl::string_view compact, absl::Time at) const;
  absl::Status Verify(const JwtToken& token, absl::Time at) const;

  JwtIdentityConfig config_;
  std::string source_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_IDENTITY_RESOLVER_H_
