// Reads the config's `identity:` section (see config/riskd-jwt.yaml). Keys are
// loaded here, so that a missing secret or an unreadable key file is a config
// error naming the file, line and key.
#ifndef RISKD_SERVER_CONFIG_IDENTITY_SECTION_H_
#define RISKD_SERVER_CONFIG_IDENTITY_SECTION_H_

#include "absl/status/status.h"
#include "server/config/yaml_reader.h"
#include "server/identity/identity_config.h"
#include "yaml-cpp/yaml.h"

namespace riskd {

absl::Status ParseIdentitySection(const YamlReader& yaml, const YAML::Node& node,
                                  IdentityConfig& identity);

}  // namespace riskd

#endif  // RISKD_SERVER_CONFIG_IDENTITY_SECTION_H_
