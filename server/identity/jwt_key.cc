#include "server/identity/jwt_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace riskd {

struct JwtKey::Prepared {
  ~Prepared() {
    EVP_MD_CTX_free(verify);
    EVP_PKEY_free(key);
    EVP_MAC_CTX_free(hmac);
  }
  // RS256, ES256: the public key, and a verification context initialised
  // with it and SHA-256.
  EVP_PKEY* key = nullptr;
  EVP_MD_CTX* verify = nullptr;
  // HS256: an HMAC-SHA256 context with the secret set.
  EVP_MAC_CTX* hmac = nullptr;
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

JwtKey::JwtKey(JwtAlgorithm algorithm)
    : algorithm_(algorithm), prepared_(std::make_unique<Prepared>()) {}
JwtKey::~JwtKey() = default;

absl::StatusOr<std::unique_ptr<JwtKey>> JwtKey::HmacSecret(std::string secret) {
  if (secret.size() < kMinHmacSecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the secret is ", secret.size(),
                                                   " bytes; HS256 needs at least ",
                                                   kMinHmacSecretBytes, " (RFC 7518 section 3.2)"));
  }
  ClearOpenSslErrors clear;
  std::unique_ptr<JwtKey> key(new JwtKey(JwtAlgorithm::kHs256));
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  key->prepared_->hmac = mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (key->prepared_->hmac == nullptr ||
      EVP_MAC_init(key->prepared_->hmac, reinterpret_cast<const unsigned char*>(secret.data()),
                   secret.size(), params) != 1) {
    return absl::InternalError("OpenSSL could not set up HMAC-SHA256");
  }
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
  std::unique_ptr<JwtKey> key(new JwtKey(algorithm));
  key->prepared_->key = raw;
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
  key->prepared_->verify = EVP_MD_CTX_new();
  if (key->prepared_->verify == nullptr ||
      EVP_DigestVerifyInit(key->prepared_->verify, nullptr, EVP_sha256(), nullptr, raw) != 1) {
    return absl::InternalError("OpenSSL could not set up signature verification");
  }
  return key;
}

absl::Status JwtKey::Verify(absl::string_view signing_input, absl::string_view signature) const {
  ClearOpenSslErrors clear;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (algorithm_ == JwtAlgorithm::kHs256) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_length = 0;
    EVP_MAC_CTX* context = EVP_MAC_CTX_dup(prepared_->hmac);
    const bool computed = context != nullptr &&
                          EVP_MAC_update(context, data, signing_input.size()) == 1 &&
                          EVP_MAC_final(context, mac, &mac_length, sizeof(mac)) == 1;
    EVP_MAC_CTX_free(context);
    if (!computed) return absl::InternalError("OpenSSL could not compute HMAC-SHA256");
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
  if (context == nullptr || EVP_MD_CTX_copy_ex(context, prepared_->verify) != 1) {
    EVP_MD_CTX_free(context);
    return absl::InternalError("OpenSSL could not copy a verification context");
  }
  const int verified =
      EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), data, signing_input.size());
  EVP_MD_CTX_free(context);
  return verified == 1 ? absl::OkStatus() : DoesNotVerify();
}

}  // namespace riskd
