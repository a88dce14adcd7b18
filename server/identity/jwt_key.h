// The key riskd checks JWT signatures with: an HS256 secret, or an RS256 or
// ES256 public key. OpenSSL does the cryptography.
#ifndef RISKD_SERVER_IDENTITY_JWT_KEY_H_
#define RISKD_SERVER_IDENTITY_JWT_KEY_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd {

enum class JwtAlgorithm { kHs256, kRs256, kEs256 };

// "HS256", "RS256", "ES256" (case-sensitive, as in the JWT "alg" header).
absl::string_view JwtAlgorithmName(JwtAlgorithm algorithm);
std::optional<JwtAlgorithm> ParseJwtAlgorithm(absl::string_view name);

// Immutable and thread-safe once created.
class JwtKey {
 public:
  // RFC 7518 section 3.2: an HS256 key must be at least as long as the hash.
  static constexpr size_t kMinHmacSecretBytes = 32;
  static constexpr int kMinRsaBits = 2048;  // RFC 7518 section 3.3

  static absl::StatusOr<std::unique_ptr<JwtKey>> HmacSecret(std::string secret);
  // `pem` is a "BEGIN PUBLIC KEY" block: RSA (at least 2048 bits) for RS256,
  // EC on P-256 for ES256.
  static absl::StatusOr<std::unique_ptr<JwtKey>> PublicKeyPem(JwtAlgorithm algorithm,
                                                              absl::string_view pem);
  ~JwtKey();
  JwtKey(const JwtKey&) = delete;
  JwtKey& operator=(const JwtKey&) = delete;

  JwtAlgorithm algorithm() const { return algorithm_; }

  // OK when `signature` (the decoded third part of the token) signs
  // `signing_input` (the token's first two parts with their dot).
  absl::Status Verify(absl::string_view signing_input, absl::string_view signature) const;

 private:
  // OpenSSL's objects, kept out of this header: the key and a context
  // prepared with it, which Verify copies (cheaper than preparing one per
  // call: no algorithm look-up, no HMAC key schedule).
  struct Prepared;
  explicit JwtKey(JwtAlgorithm algorithm);

  JwtAlgorithm algorithm_;
  std::unique_ptr<Prepared> prepared_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_JWT_KEY_H_
