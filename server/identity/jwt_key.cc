#include "server/identity/jwt_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace riskd {

struct JwtKey::PublicKey {
  explicit PublicKey(EVP_PKEY* k) : key(k) {}
  ~PublicKey() { EVP_PKEY_free(key); }
  EVP_PKEY* key;
};

namespace {

constexpr size_t kEs256ComponentBytes = 32;  // r and s on P-256

// OpenSSL reports failures through a thread-local queue; leave it empty so
// that one failure never shows up in the next call's diagnosis.
struct ClearOpenSslErrors {
  ~ClearOpenSslErrors() { ERR_clear_error(); }
};

absl::Status DoesNotVerify() { return absl::InvalidArgumentError("signature does not verify"); }

// JWS carries an ECDSA signature as r || s, 32 bytes each (RFC 7518 section
// 3.4); OpenSSL verifies the DER encoding of the pair.
absl::StatusOr<std::string> EcdsaRawToDer(absl::string_view raw) {
  if (raw.size() != 2 * kEs256ComponentBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signature is ", raw.size(), " bytes; ES256 signatures are 64"));
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, kEs256ComponentBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kEs256ComponentBytes, kEs256ComponentBytes, nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || sig == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return absl::ResourceExhaustedError("OpenSSL could not allocate an ECDSA signature");
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);  // frees r and s too
  if (length <= 0) return absl::InternalError("OpenSSL could not DER-encode an ECDSA signature");
  std::string out(reinterpret_cast<const char*>(der), length);
  OPENSSL_free(der);
  return out;
}

}  // namespace

absl::string_view JwtAlgorithmName(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHs256:
      return "HS256";
    case JwtAlgorithm::kRs256:
      return "RS256";
    case JwtAlgorithm::kEs256:
      return "ES256";
  }
  return "?";
}

std::optional<JwtAlgorithm> ParseJwtAlgorithm(absl::string_view name) {
  for (JwtAlgorithm a : {JwtAlgorithm::kHs256, JwtAlgorithm::kRs256, JwtAlgorithm::kEs256}) {
    if (JwtAlgorithmName(a) == name) return a;
  }
  return std::nullopt;
}

JwtKey::JwtKey(JwtAlgorithm algorithm) : algorithm_(algorithm) {}
JwtKey::~JwtKey() = default;

absl::StatusOr<std::unique_ptr<JwtKey>> JwtKey::HmacSecret(std::string secret) {
  if (secret.size() < kMinHmacSecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the secret is ", secret.size(),
                                                   " bytes; HS256 needs at least ",
                                                   kMinHmacSecretBytes, " (RFC 7518 section 3.2)"));
  }
  std::unique_ptr<JwtKey> key(new JwtKey(JwtAlgorithm::kHs256));
  key->secret_ = std::move(secret);
  return key;
}

absl::StatusOr<std::unique_ptr<JwtKey>> JwtKey::PublicKeyPem(JwtAlgorithm algorithm,
                                                             absl::string_view pem) {
  ClearOpenSslErrors clear;
  if (algorithm == JwtAlgorithm::kHs256) {
    return absl::InvalidArgumentError("HS256 takes a secret, not a public key");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::ResourceExhaustedError("OpenSSL could not allocate a BIO");
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (raw == nullptr) {
    return absl::InvalidArgumentError(
        "is not a PEM public key (expected a -----BEGIN PUBLIC KEY----- block)");
  }
  auto public_key = std::make_unique<PublicKey>(raw);
  const int type = EVP_PKEY_get_base_id(raw);
  if (algorithm == JwtAlgorithm::kRs256) {
    if (type != EVP_PKEY_RSA) return absl::InvalidArgumentError("is not an RSA key (RS256)");
    if (EVP_PKEY_get_bits(raw) < kMinRsaBits) {
      return absl::InvalidArgumentError(absl::StrCat("is a ", EVP_PKEY_get_bits(raw),
                                                     "-bit RSA key; RS256 needs at least ",
                                                     kMinRsaBits, " bits (RFC 7518 section 3.3)"));
    }
  } else {
    char group[64] = {0};
    size_t group_length = 0;
    if (type != EVP_PKEY_EC ||
        EVP_PKEY_get_group_name(raw, group, sizeof(group), &group_length) != 1) {
      return absl::InvalidArgumentError("is not an elliptic-curve key (ES256 needs P-256)");
    }
    if (std::strcmp(group, "prime256v1") != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("is a key on curve ", group, "; ES256 needs P-256 (prime256v1)"));
    }
  }
  std::unique_ptr<JwtKey> key(new JwtKey(algorithm));
  key->public_key_ = std::move(public_key);
  return key;
}

absl::Status JwtKey::Verify(absl::string_view signing_input, absl::string_view signature) const {
  ClearOpenSslErrors clear;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (algorithm_ == JwtAlgorithm::kHs256) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_length = 0;
    if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), data,
             signing_input.size(), mac, &mac_length) == nullptr) {
      return absl::InternalError("OpenSSL could not compute HMAC-SHA256");
    }
    // Constant time: the comparison must not tell an attacker how much matched.
    if (signature.size() != mac_length || CRYPTO_memcmp(mac, signature.data(), mac_length) != 0) {
      return DoesNotVerify();
    }
    return absl::OkStatus();
  }

  std::string der;
  if (algorithm_ == JwtAlgorithm::kEs256) {
    absl::StatusOr<std::string> converted = EcdsaRawToDer(signature);
    if (!converted.ok()) return converted.status();
    der = *std::move(converted);
    signature = der;
  }
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (context == nullptr) return absl::ResourceExhaustedError("OpenSSL could not allocate");
  int verified = EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, public_key_->key);
  if (verified == 1) {
    verified = EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                                signature.size(), data, signing_input.size());
  }
  EVP_MD_CTX_free(context);
  return verified == 1 ? absl::OkStatus() : DoesNotVerify();
}

}  // namespace riskd
