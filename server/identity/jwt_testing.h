// Test helpers: real keys made by OpenSSL and real tokens signed with them,
// so that tests exercise the verification they rely on, never a fixture
// signature. Header-only; link OpenSSL::Crypto.
#ifndef RISKD_SERVER_IDENTITY_JWT_TESTING_H_
#define RISKD_SERVER_IDENTITY_JWT_TESTING_H_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace riskd::testing {

class JwtSigner {
 public:
  static JwtSigner Hs256(std::string secret) {
    JwtSigner signer("HS256");
    signer.secret_ = std::move(secret);
    return signer;
  }
  static JwtSigner Rs256(size_t bits = 2048) {
    JwtSigner signer("RS256");
    signer.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits), EVP_PKEY_free);
    if (!signer.key_) std::abort();
    return signer;
  }
  // `curve` other than P-256 makes keys ES256 must refuse.
  static JwtSigner Es256(const char* curve = "P-256") {
    JwtSigner signer("ES256");
    signer.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), EVP_PKEY_free);
    if (!signer.key_) std::abort();
    return signer;
  }

  const std::string& algorithm() const { return algorithm_; }

  // "-----BEGIN PUBLIC KEY-----..." for the RSA and EC signers.
  std::string PublicKeyPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key_.get());
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, length);
    BIO_free(bio);
    return pem;
  }

  // The JWS signature of `input`: an HMAC, an RSA PKCS#1 v1.5 signature, or
  // ECDSA's r || s.
  std::string Sign(absl::string_view input) const {
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (algorithm_ == "HS256") {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), data, input.size(), mac,
           &length);
      return std::string(reinterpret_cast<char*>(mac), length);
    }
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    size_t length = 0;
    EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_.get());
    EVP_DigestSign(context, nullptr, &length, data, input.size());
    std::string signature(length, '\0');
    EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                   input.size());
    EVP_MD_CTX_free(context);
    signature.resize(length);
    if (algorithm_ != "ES256") return signature;
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
  }

  // A compact token: `header_json` and `claims_json` encoded, then signed.
  std::string Token(absl::string_view claims_json) const {
    return TokenWithHeader(absl::StrCat(R"({"alg":")", algorithm_, R"(","typ":"JWT"})"),
                           claims_json);
  }
  std::string TokenWithHeader(absl::string_view header_json, absl::string_view claims_json) const {
    std::string input = absl::StrCat(absl::WebSafeBase64Escape(header_json), ".",
                                     absl::WebSafeBase64Escape(claims_json));
    return absl::StrCat(input, ".", absl::WebSafeBase64Escape(Sign(input)));
  }

 private:
  explicit JwtSigner(std::string algorithm) : algorithm_(std::move(algorithm)) {}

  std::string algorithm_;
  std::string secret_;
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace riskd::testing

#endif  // RISKD_SERVER_IDENTITY_JWT_TESTING_H_
