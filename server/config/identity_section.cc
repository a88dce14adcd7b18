#include "server/config/identity_section.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"

namespace riskd {
namespace {

constexpr absl::string_view kPath = "identity.jwt";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class JwtSectionParser {
 public:
  explicit JwtSectionParser(const YamlReader& yaml) : yaml_(yaml) {}

  absl::StatusOr<JwtIdentityConfig> Parse(const YAML::Node& node) {
    RISKD_RETURN_IF_ERROR(
        yaml_.CheckKeys(node, kPath,
                        {"cookie", "header", "user_id_claim", "claims", "verify", "expiry",
                         "leeway_seconds", "issuer", "audience", "on_invalid"}));
    JwtIdentityConfig jwt;
    RISKD_RETURN_IF_ERROR(ParseCarrier(node, jwt));
    if (node["user_id_claim"]) {
      RISKD_ASSIGN_OR_RETURN(jwt.user_id_claim, NonEmpty(node["user_id_claim"], "user_id_claim"));
    }
    if (node["claims"]) RISKD_RETURN_IF_ERROR(ParseClaims(node["claims"], jwt));
    if (!node["verify"]) {
      return yaml_.Error(node, Key("verify"),
                         "is required: an algorithm and its key, or none when the app has "
                         "verified the token itself");
    }
    RISKD_RETURN_IF_ERROR(ParseVerify(node["verify"], jwt));
    if (node["expiry"]) {
      RISKD_ASSIGN_OR_RETURN(std::string expiry,
                             OneOf(node["expiry"], "expiry", {"required", "optional"}));
      jwt.expiry_required = expiry == "required";
    }
    if (node["leeway_seconds"]) {
      RISKD_ASSIGN_OR_RETURN(int64_t seconds,
                             yaml_.Int(node["leeway_seconds"], Key("leeway_seconds")));
      if (seconds < 0 || seconds > 3600) {
        return yaml_.Error(node["leeway_seconds"], Key("leeway_seconds"),
                           "must be between 0 and 3600");
      }
      jwt.leeway = absl::Seconds(seconds);
    }
    if (node["issuer"]) {
      RISKD_ASSIGN_OR_RETURN(jwt.issuer, NonEmpty(node["issuer"], "issuer"));
    }
    if (node["audience"]) {
      RISKD_ASSIGN_OR_RETURN(jwt.audience, NonEmpty(node["audience"], "audience"));
    }
    if (node["on_invalid"]) {
      RISKD_ASSIGN_OR_RETURN(std::string on_invalid,
                             OneOf(node["on_invalid"], "on_invalid", {"reject", "ignore"}));
      jwt.reject_invalid = on_invalid == "reject";
    }
    return jwt;
  }

 private:
  static std::string Key(absl::string_view key) { return absl::StrCat(kPath, ".", key); }

  absl::StatusOr<std::string> NonEmpty(const YAML::Node& node, absl::string_view key) {
    RISKD_ASSIGN_OR_RETURN(std::string value, yaml_.String(node, Key(key)));
    if (value.empty()) return yaml_.Error(node, Key(key), "must not be empty");
    return value;
  }

  absl::StatusOr<std::string> OneOf(const YAML::Node& node, absl::string_view key,
                                    std::initializer_list<absl::string_view> choices) {
    RISKD_ASSIGN_OR_RETURN(std::string value, yaml_.String(node, Key(key)));
    for (absl::string_view choice : choices) {
      if (value == choice) return value;
    }
    return yaml_.Error(
        node, Key(key),
        absl::StrCat("\"", value, "\" is not one of: ", absl::StrJoin(choices, ", ")));
  }

  absl::Status ParseCarrier(const YAML::Node& node, JwtIdentityConfig& jwt) {
    if (node["cookie"] && node["header"]) {
      return yaml_.Error(node["header"], Key("header"),
                         "set cookie or header, not both: the token is in one place");
    }
    if (node["cookie"]) {
      jwt.carrier = JwtIdentityConfig::Carrier::kCookie;
      RISKD_ASSIGN_OR_RETURN(jwt.name, NonEmpty(node["cookie"], "cookie"));
      return absl::OkStatus();
    }
    if (!node["header"]) {
      return yaml_.Error(node, kPath,
                         "say where the token is: cookie: NAME, or header: NAME (for example "
                         "header: authorization, which takes \"Bearer <token>\")");
    }
    jwt.carrier = JwtIdentityConfig::Carrier::kHeader;
    RISKD_ASSIGN_OR_RETURN(std::string header, NonEmpty(node["header"], "header"));
    jwt.name = absl::AsciiStrToLower(header);
    if (jwt.name == "cookie") {
      return yaml_.Error(node["header"], Key("header"),
                         "for a token in a cookie, write cookie: <the cookie's name>");
    }
    return absl::OkStatus();
  }

  absl::Status ParseClaims(const YAML::Node& node, JwtIdentityConfig& jwt) {
    RISKD_RETURN_IF_ERROR(yaml_.ExpectMap(node, Key("claims")));
    for (const auto& entry : node) {
      const std::string target = entry.first.Scalar();
      const std::string path = absl::StrCat(Key("claims"), ".", target);
      RISKD_ASSIGN_OR_RETURN(std::string claim, yaml_.String(entry.second, path));
      if (claim.empty()) return yaml_.Error(entry.second, path, "must name a claim");
      if (target == "email") {
        jwt.email_claim = claim;
      } else if (target == "registered_at") {
        jwt.registered_at_claim = claim;
      } else if (target == "user_id" || target == "id") {
        return yaml_.Error(entry.first, path, "the user id's claim is set by user_id_claim");
      } else {
        jwt.kept_claims.emplace_back(target, claim);
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseVerify(const YAML::Node& node, JwtIdentityConfig& jwt) {
    const std::string path = Key("verify");
    if (node.IsScalar()) {
      if (node.Scalar() == "none") return absl::OkStatus();  // jwt.key stays null
      return yaml_.Error(
          node, path,
          absl::StrCat("expected none or a mapping with algorithm and its key, got \"",
                       node.Scalar(), "\""));
    }
    RISKD_RETURN_IF_ERROR(
        yaml_.CheckKeys(node, path, {"algorithm", "secret_env", "public_key_file"}));
    const std::string algorithm_path = path + ".algorithm";
    if (!node["algorithm"])
      return yaml_.Error(node, algorithm_path, "is required (HS256, RS256 or ES256)");
    RISKD_ASSIGN_OR_RETURN(std::string name, yaml_.String(node["algorithm"], algorithm_path));
    std::optional<JwtAlgorithm> algorithm = ParseJwtAlgorithm(name);
    if (!algorithm) {
      return yaml_.Error(node["algorithm"], algorithm_path,
                         absl::StrCat("\"", name, "\" is not one of: HS256, RS256, ES256"));
    }
    if (*algorithm == JwtAlgorithm::kHs256) return LoadSecret(node, path, jwt);
    return LoadPublicKey(node, path, *algorithm, jwt);
  }

  absl::Status LoadSecret(const YAML::Node& node, const std::string& path, JwtIdentityConfig& jwt) {
    if (node["public_key_file"]) {
      return yaml_.Error(node["public_key_file"], path + ".public_key_file",
                         "is for RS256 and ES256; HS256 takes secret_env");
    }
    const std::string env_path = path + ".secret_env";
    if (!node["secret_env"]) {
      return yaml_.Error(node, env_path,
                         "is required for HS256: the environment variable that holds the secret "
                         "(secrets stay out of config files)");
    }
    RISKD_ASSIGN_OR_RETURN(std::string variable, yaml_.String(node["secret_env"], env_path));
    const char* secret = std::getenv(variable.c_str());
    if (secret == nullptr || *secret == '\0') {
      return yaml_.Error(node["secret_env"], env_path,
                         absl::StrCat("the environment variable ", variable,
                                      secret == nullptr ? " is not set" : " is empty"));
    }
    absl::StatusOr<std::unique_ptr<JwtKey>> key = JwtKey::HmacSecret(secret);
    if (!key.ok()) {
      return yaml_.Error(node["secret_env"], env_path,
                         absl::StrCat(variable, ": ", key.status().message()));
    }
    jwt.key = *std::move(key);
    return absl::OkStatus();
  }

  absl::Status LoadPublicKey(const YAML::Node& node, const std::string& path,
                             JwtAlgorithm algorithm, JwtIdentityConfig& jwt) {
    const std::string name(JwtAlgorithmName(algorithm));
    if (node["secret_env"]) {
      return yaml_.Error(node["secret_env"], path + ".secret_env",
                         absl::StrCat("is for HS256; ", name, " takes public_key_file"));
    }
    const std::string file_path = path + ".public_key_file";
    if (!node["public_key_file"]) {
      return yaml_.Error(node, file_path,
                         absl::StrCat("is required for ", name, ": a PEM public key"));
    }
    RISKD_ASSIGN_OR_RETURN(std::string file, yaml_.String(node["public_key_file"], file_path));
    // Relative to the config file's folder, like every path in it.
    std::filesystem::path resolved(file);
    if (resolved.is_relative()) {
      resolved = (std::filesystem::path(yaml_.file()).parent_path() / resolved).lexically_normal();
    }
    absl::StatusOr<std::string> pem = ReadFile(resolved.string());
    if (!pem.ok()) return yaml_.Error(node["public_key_file"], file_path, pem.status().message());
    absl::StatusOr<std::unique_ptr<JwtKey>> key = JwtKey::PublicKeyPem(algorithm, *pem);
    if (!key.ok()) {
      return yaml_.Error(node["public_key_file"], file_path,
                         absl::StrCat(resolved.string(), " ", key.status().message()));
    }
    jwt.key = *std::move(key);
    return absl::OkStatus();
  }

  const YamlReader& yaml_;
};

}  // namespace

absl::Status ParseIdentitySection(const YamlReader& yaml, const YAML::Node& node,
                                  IdentityConfig& identity) {
  RISKD_RETURN_IF_ERROR(yaml.CheckKeys(node, "identity", {"jwt"}));
  if (node["jwt"]) {
    RISKD_ASSIGN_OR_RETURN(identity.jwt, JwtSectionParser(yaml).Parse(node["jwt"]));
  }
  return absl::OkStatus();
}

}  // namespace riskd
