#include "server/state/redis/scan_cursor.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace riskd::redis {

absl::StatusOr<ClusterScanCursor> ClusterScanCursor::Parse(absl::string_view cursor) {
  if (cursor.empty()) return ClusterScanCursor{};
  size_t colon = cursor.find(':');
  ClusterScanCursor parsed;
  uint64_t node_cursor = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(cursor.substr(0, colon), &parsed.node_index) ||
      !absl::SimpleAtoi(cursor.substr(colon + 1), &node_cursor) ||
      !absl::ascii_isdigit(cursor[colon + 1])) {
    return absl::InvalidArgumentError(absl::StrCat("not a redis scan cursor: \"", cursor, "\""));
  }
  parsed.node_cursor = absl::StrCat(node_cursor);
  return parsed;
}

std::string ClusterScanCursor::ToString() const {
  return absl::StrCat(node_index, ":", node_cursor);
}

std::string PrefixMatchPattern(absl::string_view prefix) {
  std::string pattern;
  pattern.reserve(prefix.size() + 1);
  for (char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('*');
  return pattern;
}

}  // namespace riskd::redis
