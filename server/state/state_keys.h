// The layout of riskd's keys. Every key of one user carries the hash tag
// "{<user id>}" so that Redis Cluster keeps them in one slot.
#ifndef RISKD_SERVER_STATE_STATE_KEYS_H_
#define RISKD_SERVER_STATE_STATE_KEYS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace riskd {

// The part of `key` Redis Cluster hashes: the text between the first '{' and
// the next '}' when that is not empty, else the whole key.
inline absl::string_view HashTagOf(absl::string_view key) {
  size_t open = key.find('{');
  if (open == absl::string_view::npos) return key;
  size_t close = key.find('}', open + 1);
  if (close == absl::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

// User ids may hold any bytes; braces would break the hash tag, so they are
// escaped (and '%' with them, to keep the mapping one-to-one).
inline std::string EscapeForTag(absl::string_view id) {
  std::string out;
  for (char c : id) {
    if (c == '{' || c == '}' || c == '%') {
      absl::StrAppend(&out, "%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

inline constexpr absl::string_view kUserKeyPrefix = "u:";

// The user's record (a riskd.state.v1.UserRecord).
inline std::string UserKey(absl::string_view user_id) {
  return absl::StrCat(kUserKeyPrefix, "{", EscapeForTag(user_id), "}");
}
// A decision already made for a request id, to answer a retry the same way.
// Beside the user's record when there is a user; otherwise tagged by the
// request id itself (an empty tag would hash the whole key).
inline std::string ResponseKey(absl::string_view user_id, absl::string_view request_id) {
  if (user_id.empty()) return absl::StrCat("r:{~", EscapeForTag(request_id), "}");
  return absl::StrCat("r:{", EscapeForTag(user_id), "}:", request_id);
}

// A detector plugin's own key, kept apart from riskd's and other detectors'.
// The plugin's {hash tag}, if any, stays the key's tag.
inline std::string PluginStateKey(absl::string_view detector_name, absl::string_view key) {
  return absl::StrCat("p:", detector_name, ":", key);
}

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_STATE_KEYS_H_
