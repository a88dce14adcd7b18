#include "server/identity/base64url.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace riskd {
namespace {

// The 6-bit value of a base64url character, or -1.
int SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> DecodeBase64Url(absl::string_view text) {
  if (text.size() % 4 == 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("is not base64url: ", text.size(), " characters cannot encode whole bytes"));
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int bit_count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const int sextet = SextetOf(text[i]);
    if (sextet < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "is not base64url: character ", i + 1, " is '", absl::CHexEscape(text.substr(i, 1)),
          "' (padding and standard base64's + and / are not allowed)"));
    }
    bits = (bits << 6) | static_cast<uint32_t>(sextet);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  if ((bits & ((1u << bit_count) - 1)) != 0) {
    return absl::InvalidArgumentError(
        "is not base64url: the last character has bits set past the end of the data");
  }
  return out;
}

std::string EncodeBase64Url(absl::string_view bytes) {
  return absl::WebSafeBase64Escape(bytes);  // unpadded
}

}  // namespace riskd
