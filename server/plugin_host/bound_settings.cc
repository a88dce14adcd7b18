#include "server/plugin_host/bound_settings.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/common/status_macros.h"

namespace riskd {
namespace {

// The canonical text of a YAML value of the given type (see riskd_setting).
absl::StatusOr<std::vector<std::string>> Canonical(riskd_setting_type type, const YAML::Node& node,
                                                   const std::string& path,
                                                   const YamlReader& yaml) {
  switch (type) {
    case RISKD_SETTING_STRING: {
      RISKD_ASSIGN_OR_RETURN(std::string s, yaml.String(node, path));
      return std::vector<std::string>{s};
    }
    case RISKD_SETTING_INT: {
      RISKD_ASSIGN_OR_RETURN(int64_t i, yaml.Int(node, path));
      return std::vector<std::string>{absl::StrCat(i)};
    }
    case RISKD_SETTING_DOUBLE: {
      RISKD_ASSIGN_OR_RETURN(double d, yaml.Double(node, path));
      return std::vector<std::string>{absl::StrFormat("%.17g", d)};
    }
    case RISKD_SETTING_BOOL: {
      RISKD_ASSIGN_OR_RETURN(bool b, yaml.Bool(node, path));
      return std::vector<std::string>{b ? "true" : "false"};
    }
    case RISKD_SETTING_STRING_LIST:
      return yaml.StringList(node, path);
    case RISKD_SETTING_FILE: {
      RISKD_ASSIGN_OR_RETURN(std::string file, yaml.String(node, path));
      std::filesystem::path resolved(file);
      if (resolved.is_relative()) {
        resolved = std::filesystem::path(yaml.file()).parent_path() / resolved;
      }
      std::string absolute = std::filesystem::absolute(resolved).lexically_normal().string();
      if (!std::ifstream(absolute).good()) {
        return yaml.Error(node, path,
                          absl::StrCat("cannot read ", absolute, ": ", std::strerror(errno),
                                       " (scripts/fetch-data.sh fetches the shipped data)"));
      }
      return std::vector<std::string>{absolute};
    }
  }
  return yaml.Error(node, path, "unsupported setting type");
}

}  // namespace

void BoundSettings::Add(const std::string& key, std::vector<std::string> values) {
  text_.push_back(key);
  riskd_string key_view{text_.back().data(), text_.back().size()};
  std::vector<riskd_string>& views = views_.emplace_back();
  for (std::string& v : values) {
    text_.push_back(std::move(v));
    views.push_back({text_.back().data(), text_.back().size()});
  }
  items_.push_back({key_view, views.data(), views.size()});
}

absl::StatusOr<BoundSettings> BoundSettings::Bind(const std::vector<PluginSettingSpec>& schema,
                                                  const YAML::Node& settings,
                                                  const YAML::Node& entry,
                                                  const std::string& key_path,
                                                  const YamlReader& yaml) {
  const std::string base = key_path + ".settings";
  if (settings.IsDefined() && settings.IsMap()) {
    for (const auto& kv : settings) {
      const std::string key = kv.first.Scalar();
      bool known = false;
      for (const PluginSettingSpec& spec : schema) known = known || spec.key == key;
      if (!known) {
        std::vector<std::string> names;
        for (const PluginSettingSpec& spec : schema) names.push_back(spec.key);
        return yaml.Error(kv.first, absl::StrCat(base, ".", key),
                          absl::StrCat("unknown setting (this plugin takes: ",
                                       names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
      }
    }
  }

  BoundSettings bound;
  for (const PluginSettingSpec& spec : schema) {
    const std::string path = absl::StrCat(base, ".", spec.key);
    YAML::Node value = settings.IsDefined() && settings.IsMap() ? settings[spec.key] : YAML::Node();
    if (value.IsDefined() && !value.IsNull()) {
      RISKD_ASSIGN_OR_RETURN(std::vector<std::string> values,
                             Canonical(spec.type, value, path, yaml));
      if (spec.type == RISKD_SETTING_FILE) bound.files_.push_back(values[0]);
      bound.Add(spec.key, std::move(values));
    } else if (spec.required) {
      return yaml.Error(settings.IsMap() ? settings : entry, path,
                        absl::StrCat("is required: ", spec.description));
    } else if (spec.default_value) {
      // Defaults come from the plugin and are parsed like YAML values, so a
      // plugin with a bad default fails the same way as a bad config.
      YAML::Node parsed;
      if (spec.type == RISKD_SETTING_STRING_LIST) {
        for (absl::string_view item : absl::StrSplit(*spec.default_value, ',', absl::SkipEmpty())) {
          parsed.push_back(std::string(item));
        }
        if (!parsed.IsDefined() || parsed.IsNull()) parsed = YAML::Node(YAML::NodeType::Sequence);
      } else {
        parsed = YAML::Node(*spec.default_value);
      }
      absl::StatusOr<std::vector<std::string>> values = Canonical(spec.type, parsed, path, yaml);
      if (!values.ok()) {
        return yaml.Error(
            entry, path,
            absl::StrCat("the plugin's default \"", *spec.default_value, "\" is invalid"));
      }
      if (spec.type == RISKD_SETTING_FILE) bound.files_.push_back((*values)[0]);
      bound.Add(spec.key, *std::move(values));
    }
  }
  return bound;
}

}  // namespace riskd
