#include "server/config/yaml_reader.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace riskd {
namespace {

std::string Describe(const YAML::Node& node) {
  if (node.IsScalar()) return absl::StrCat("\"", node.Scalar(), "\"");
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

}  // namespace

absl::Status YamlReader::Error(const YAML::Node& node, absl::string_view key_path,
                               absl::string_view message) const {
  int line = node.IsDefined() ? node.Mark().line : -1;
  std::string where = line >= 0 ? absl::StrCat(file_, ":", line + 1) : file_;
  return absl::InvalidArgumentError(key_path.empty()
                                        ? absl::StrCat(where, ": ", message)
                                        : absl::StrCat(where, ": ", key_path, ": ", message));
}

absl::Status YamlReader::ExpectMap(const YAML::Node& node, absl::string_view path) const {
  if (node.IsMap()) return absl::OkStatus();
  return Error(node, path, absl::StrCat("expected a mapping, got ", Describe(node)));
}

absl::Status YamlReader::ExpectSequence(const YAML::Node& node, absl::string_view path) const {
  if (node.IsSequence()) return absl::OkStatus();
  return Error(node, path, absl::StrCat("expected a list, got ", Describe(node)));
}

absl::Status YamlReader::CheckKeys(const YAML::Node& map, absl::string_view path,
                                   std::initializer_list<absl::string_view> allowed) const {
  if (absl::Status s = ExpectMap(map, path); !s.ok()) return s;
  for (const auto& entry : map) {
    std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string full = path.empty() ? key : absl::StrCat(path, ".", key);
      return Error(
          entry.first, full,
          absl::StrCat("unknown key (expected one of: ", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> YamlReader::String(const YAML::Node& node,
                                               absl::string_view path) const {
  if (!node.IsScalar()) {
    return Error(node, path, absl::StrCat("expected a string, got ", Describe(node)));
  }
  return node.Scalar();
}

absl::StatusOr<double> YamlReader::Double(const YAML::Node& node, absl::string_view path) const {
  double value = 0;
  if (!node.IsScalar() || !absl::SimpleAtod(node.Scalar(), &value) || !std::isfinite(value)) {
    return Error(node, path, absl::StrCat("expected a number, got ", Describe(node)));
  }
  return value;
}

absl::StatusOr<double> YamlReader::DoubleIn(const YAML::Node& node, absl::string_view path,
                                            double min, double max) const {
  absl::StatusOr<double> value = Double(node, path);
  if (value.ok() && (*value < min || *value > max)) {
    return Error(node, path,
                 absl::StrCat("must be between ", min, " and ", max, ", got ", node.Scalar()));
  }
  return value;
}

absl::StatusOr<int64_t> YamlReader::Int(const YAML::Node& node, absl::string_view path) const {
  int64_t value = 0;
  if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &value)) {
    return Error(node, path, absl::StrCat("expected a whole number, got ", Describe(node)));
  }
  return value;
}

absl::StatusOr<bool> YamlReader::Bool(const YAML::Node& node, absl::string_view path) const {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  return Error(node, path, absl::StrCat("expected true or false, got ", Describe(node)));
}

absl::StatusOr<std::vector<std::string>> YamlReader::StringList(const YAML::Node& node,
                                                                absl::string_view path) const {
  if (absl::Status s = ExpectSequence(node, path); !s.ok()) return s;
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    absl::StatusOr<std::string> item = String(node[i], absl::StrCat(path, "[", i, "]"));
    if (!item.ok()) return item.status();
    out.push_back(*std::move(item));
  }
  return out;
}

absl::StatusOr<YAML::Node> LoadYamlFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    return YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
}

}  // namespace riskd
