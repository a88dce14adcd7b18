// Step 1 of the decision path: validate and normalise an incoming event.
// Every rejection is INVALID_ARGUMENT whose message starts with the field path.
#ifndef RISKD_SERVER_EVENT_EVENT_VALIDATOR_H_
#define RISKD_SERVER_EVENT_EVENT_VALIDATOR_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/common/ip_address.h"
#include "server/event/normalized_event.h"
#include "server/identity/identity_config.h"
#include "server/identity/identity_resolver.h"

namespace riskd {

// Limits are part of the API contract (documented in riskd.proto).
inline constexpr size_t kMaxUserAgentBytes = 8 * 1024;
inline constexpr size_t kMaxHeaders = 100;
inline constexpr size_t kMaxHeaderValueBytes = 8 * 1024;
inline constexpr size_t kMaxProperties = 100;
inline constexpr size_t kMaxPropertyKeyBytes = 256;
inline constexpr size_t kMaxPropertyValueBytes = 4 * 1024;
inline constexpr size_t kMaxIdBytes = 256;  // request_id, user.id, device_id
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

struct ValidationOptions {
  // Addresses of the app's own load balancers and proxies. When the event's
  // IP is one of them, the client is taken from X-Forwarded-For.
  std::vector<CidrRange> trusted_proxies;
  // Where a JWT names the user (identity.jwt); see identity_resolver.h.
  std::optional<JwtIdentityConfig> jwt_identity;
};

class EventValidator {
 public:
  explicit EventValidator(ValidationOptions options);

  // `now` is the server's clock, used for an unset occurred_at and the
  // future-skew check.
  absl::StatusOr<NormalizedEvent> Validate(const riskd::v1::Event& event, absl::Time now) const;

 private:
  absl::StatusOr<std::optional<IpAddress>> ClientIp(const riskd::v1::Event& event) const;

  // Fills out.user_id, email and registered_at from the request and the token.
  absl::Status ResolveUser(const riskd::v1::Event& event, const std::optional<TokenIdentity>& token,
                           NormalizedEvent& out) const;

  ValidationOptions options_;
  std::optional<IdentityResolver> identity_;
};

// "ISO 8601 or unix seconds": 1714557600, 2024-05-01T10:00:00Z,
// 2024-05-01T12:00:00+02:00, 2024-05-01T10:00:00 (UTC), 2024-05-01.
absl::StatusOr<absl::Time> ParseRegisteredAt(absl::string_view text);

}  // namespace riskd

#endif  // RISKD_SERVER_EVENT_EVENT_VALIDATOR_H_
