#include "server/webhooks/webhook_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace riskd {
namespace {

std::string Hex(const unsigned char* bytes, unsigned int length) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), length));
}

}  // namespace

std::string HmacSha256Hex(absl::string_view key, absl::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return Hex(mac, length);
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return Hex(digest, length);
}

std::string WebhookSignature(absl::string_view secret, absl::Time at, absl::string_view body) {
  const int64_t t = absl::ToUnixSeconds(at);
  return absl::StrCat("t=", t, ",v1=", HmacSha256Hex(secret, absl::StrCat(t, ".", body)));
}

}  // namespace riskd
