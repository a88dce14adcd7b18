// A detector's `settings:` section checked against its plugin's schema and
// laid out as the riskd_setting array that riskd_detector_create() takes.
#ifndef RISKD_SERVER_PLUGIN_HOST_BOUND_SETTINGS_H_
#define RISKD_SERVER_PLUGIN_HOST_BOUND_SETTINGS_H_

#include <deque>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "riskd/detector_abi.h"
#include "server/config/yaml_reader.h"
#include "server/plugin_host/plugin_library.h"
#include "yaml-cpp/yaml.h"

namespace riskd {

class BoundSettings {
 public:
  // Applies defaults, rejects unknown keys, missing required keys and values
  // of the wrong type. Errors name the file, line and `key_path.settings.key`.
  static absl::StatusOr<BoundSettings> Bind(const std::vector<PluginSettingSpec>& schema,
                                            const YAML::Node& settings, const YAML::Node& entry,
                                            const std::string& key_path, const YamlReader& yaml);

  const riskd_setting* data() const { return items_.data(); }
  // The absolute paths of the RISKD_SETTING_FILE settings, to watch.
  const std::vector<std::string>& files() const { return files_; }
  size_t size() const { return items_.size(); }

  BoundSettings(BoundSettings&&) = default;
  BoundSettings& operator=(BoundSettings&&) = default;

 private:
  BoundSettings() = default;
  void Add(const std::string& key, std::vector<std::string> values);

  // Deques keep element addresses stable as they grow; the views point in.
  std::deque<std::string> text_;
  std::deque<std::vector<riskd_string>> views_;
  std::vector<riskd_setting> items_;
  std::vector<std::string> files_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_PLUGIN_HOST_BOUND_SETTINGS_H_
