// The cursor of a cluster-wide scan, and the SCAN MATCH pattern of a prefix.
// A scan walks the masters one after the other in address order, each with
// its own SCAN cursor; the cursor string carries both.
#ifndef RISKD_SERVER_STATE_REDIS_SCAN_CURSOR_H_
#define RISKD_SERVER_STATE_REDIS_SCAN_CURSOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd::redis {

struct ClusterScanCursor {
  size_t node_index = 0;          // into the sorted list of masters
  std::string node_cursor = "0";  // that node's SCAN cursor

  // "" (the start of a scan) -> {0, "0"}.
  static absl::StatusOr<ClusterScanCursor> Parse(absl::string_view cursor);
  // "<node index>:<node cursor>".
  std::string ToString() const;
};

// A SCAN MATCH pattern for keys starting with `prefix`: its glob characters
// (* ? [ ] \) escaped, then "*".
std::string PrefixMatchPattern(absl::string_view prefix);

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_SCAN_CURSOR_H_
