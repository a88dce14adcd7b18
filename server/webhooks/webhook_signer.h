// Signs webhook deliveries: HMAC-SHA256 (OpenSSL) over "<unix seconds>.<raw
// body>" with the endpoint's secret, sent as
//   Riskd-Signature: t=<unix seconds>,v1=<64 lower-case hex digits>
// The timestamp is inside the signed text, so a receiver that rejects old
// timestamps also rejects replays of a captured delivery.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_SIGNER_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_SIGNER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace riskd {

inline constexpr absl::string_view kSignatureHeader = "Riskd-Signature";
inline constexpr absl::string_view kDeliveryHeader = "Riskd-Delivery";
inline constexpr absl::string_view kEventHeader = "Riskd-Event";

// Lower-case hex of HMAC-SHA256(key, message).
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);
// Lower-case hex of SHA-256(data).
std::string Sha256Hex(absl::string_view data);

// The Riskd-Signature header's value for `body` sent at `at`.
std::string WebhookSignature(absl::string_view secret, absl::Time at, absl::string_view body);

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_SIGNER_H_
