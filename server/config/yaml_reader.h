// Typed reads from yaml-cpp nodes whose errors name the file, line and key:
//   config/riskd.yaml:14: detectors[0].weight: expected a number, got "heavy"
#ifndef RISKD_SERVER_CONFIG_YAML_READER_H_
#define RISKD_SERVER_CONFIG_YAML_READER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "yaml-cpp/yaml.h"

namespace riskd {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  // An INVALID_ARGUMENT "file:line: key_path: message". `node` gives the line;
  // for a missing key pass its parent.
  absl::Status Error(const YAML::Node& node, absl::string_view key_path,
                     absl::string_view message) const;

  // Fails on the first key of `map` that is not in `allowed`: typos in config
  // files must not pass silently.
  absl::Status CheckKeys(const YAML::Node& map, absl::string_view path,
                         std::initializer_list<absl::string_view> allowed) const;
  absl::Status ExpectMap(const YAML::Node& node, absl::string_view path) const;
  absl::Status ExpectSequence(const YAML::Node& node, absl::string_view path) const;

  absl::StatusOr<std::string> String(const YAML::Node& node, absl::string_view path) const;
  absl::StatusOr<double> Double(const YAML::Node& node, absl::string_view path) const;
  // A number in [min, max].
  absl::StatusOr<double> DoubleIn(const YAML::Node& node, absl::string_view path, double min,
                                  double max) const;
  absl::StatusOr<int64_t> Int(const YAML::Node& node, absl::string_view path) const;
  absl::StatusOr<bool> Bool(const YAML::Node& node, absl::string_view path) const;
  // A sequence of scalars; a single scalar is not accepted, to catch
  // `signals_any: tor_exit` meant as a list.
  absl::StatusOr<std::vector<std::string>> StringList(const YAML::Node& node,
                                                      absl::string_view path) const;

 private:
  std::string file_;
};

// Loads a YAML file; a syntax error becomes "file:line:column: message".
absl::StatusOr<YAML::Node> LoadYamlFile(const std::string& path);

}  // namespace riskd

#endif  // RISKD_SERVER_CONFIG_YAML_READER_H_
