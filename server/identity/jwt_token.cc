#include "server/identity/jwt_token.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "server/identity/base64url.h"
#include "server/identity/json_object.h"

namespace riskd {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

absl::StatusOr<Struct> DecodeJsonPart(absl::string_view encoded, absl::string_view part) {
  absl::StatusOr<std::string> json = DecodeBase64Url(encoded);
  if (!json.ok()) return Invalid(absl::StrCat(part, " ", json.status().message()));
  absl::StatusOr<Struct> parsed = ParseJsonObject(*json);
  if (!parsed.ok()) {
    return Invalid(absl::StrCat(part, " is not a JSON object: ", parsed.status().message()));
  }
  return parsed;
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// A NumericDate claim, or nullopt when absent.
absl::StatusOr<std::optional<absl::Time>> NumericDate(const JwtToken& token,
                                                      absl::string_view claim) {
  const Value* value = token.Claim(claim);
  if (value == nullptr) return std::nullopt;
  // Within 2^53 seconds the conversion to milliseconds cannot overflow.
  if (value->kind_case() != Value::kNumberValue || std::fabs(value->number_value()) > 0x1p53) {
    return Invalid(absl::StrCat("claim \"", claim, "\" is not a date in seconds since 1970"));
  }
  return absl::FromUnixMillis(static_cast<int64_t>(value->number_value() * 1000));
}

}  // namespace

const Value* JwtToken::Claim(absl::string_view name) const {
  auto it = claims.fields().find(std::string(name));
  return it == claims.fields().end() ? nullptr : &it->second;
}

bool IsExactInteger(double n) { return std::trunc(n) == n && std::fabs(n) <= 0x1p53; }

absl::StatusOr<JwtToken> ParseJwt(absl::string_view compact) {
  if (compact.size() > kMaxJwtBytes) {
    return Invalid(
        absl::StrCat("is ", compact.size(), " bytes, more than the limit of ", kMaxJwtBytes));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(compact, '.');
  if (parts.size() != 3) {
    return Invalid(absl::StrCat("has ", parts.size(),
                                " dot-separated parts, not 3 (header.payload.signature)"));
  }
  JwtToken token;
  absl::StatusOr<Struct> header = DecodeJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  auto alg = header->fields().find("alg");
  if (alg == header->fields().end() || alg->second.kind_case() != Value::kStringValue) {
    return Invalid("header has no \"alg\"");
  }
  token.algorithm = alg->second.string_value();
  // RFC 7515 section 4.1.11: extensions the recipient does not understand
  // must make the token invalid; riskd understands none.
  if (header->fields().contains("crit")) {
    return Invalid("header has \"crit\" extensions, which riskd does not support");
  }
  absl::StatusOr<Struct> claims = DecodeJsonPart(parts[1], "payload");
  if (!claims.ok()) return claims.status();
  token.claims = *std::move(claims);
  absl::StatusOr<std::string> signature = DecodeBase64Url(parts[2]);
  if (!signature.ok()) return Invalid(absl::StrCat("signature ", signature.status().message()));
  token.signature = *std::move(signature);
  token.signing_input = std::string(compact.substr(0, parts[0].size() + 1 + parts[1].size()));
  return token;
}

absl::Status CheckJwtTimes(const JwtToken& token, absl::Time at, const JwtTimeRules& rules) {
  absl::StatusOr<std::optional<absl::Time>> expires = NumericDate(token, "exp");
  if (!expires.ok()) return expires.status();
  if (!*expires && rules.expiry_required) return Invalid("has no \"exp\" (expiry) claim");
  if (*expires && at > **expires + rules.leeway) {
    return Invalid(absl::StrCat("expired at ", Utc(**expires), " (event at ", Utc(at), ", leeway ",
                                absl::FormatDuration(rules.leeway), ")"));
  }
  absl::StatusOr<std::optional<absl::Time>> not_before = NumericDate(token, "nbf");
  if (!not_before.ok()) return not_before.status();
  if (*not_before && at + rules.leeway < **not_before) {
    return Invalid(absl::StrCat("is not valid before ", Utc(**not_before), " (event at ", Utc(at),
                                ", leeway ", absl::FormatDuration(rules.leeway), ")"));
  }
  return absl::OkStatus();
}

std::optional<std::string> ClaimText(const JwtToken& token, absl::string_view claim) {
  const Value* found = token.Claim(claim);
  if (found == nullptr) return std::nullopt;
  const Value& value = *found;
  switch (value.kind_case()) {
    case Value::kNullValue:
    case Value::KIND_NOT_SET:
      return std::nullopt;
    case Value::kStringValue:
      return value.string_value();
    case Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case Value::kNumberValue: {
      const double n = value.number_value();
      if (IsExactInteger(n)) return absl::StrFormat("%.0f", n);
      break;
    }
    default:
      break;
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) return std::nullopt;
  return json;
}

}  // namespace riskd
