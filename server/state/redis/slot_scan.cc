#include "server/state/redis/slot_scan.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/state/redis/crc16_slot.h"

namespace riskd::redis {
namespace {

// "s:" + the hex of the last key returned: the form tells it from a
// ClusterScanCursor ("<node>:<cursor>", digits first).
constexpr absl::string_view kCursorMark = "s:";

}  // namespace

std::optional<int> SlotOfPrefix(absl::string_view prefix) {
  size_t open = prefix.find('{');
  if (open == absl::string_view::npos) return std::nullopt;
  size_t close = prefix.find('}', open + 1);
  if (close == absl::string_view::npos || close == open + 1) return std::nullopt;
  // Every key with this prefix has the same first '{' and next '}'.
  return HashSlot(prefix.substr(0, close + 1));
}

absl::StatusOr<SlotScanSelection> SelectSlotScanPage(std::vector<std::string> slot_keys,
                                                     absl::string_view prefix,
                                                     absl::string_view cursor, size_t limit) {
  std::string after;
  if (!cursor.empty()) {
    absl::string_view hex = cursor;
    if (!absl::ConsumePrefix(&hex, kCursorMark) || hex.size() % 2 != 0 ||
        !std::all_of(hex.begin(), hex.end(),
                     [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); })) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a redis slot scan cursor: \"", cursor, "\""));
    }
    after = absl::HexStringToBytes(hex);
  }
  slot_keys.erase(std::remove_if(slot_keys.begin(), slot_keys.end(),
                                 [&](const std::string& key) {
                                   return !absl::StartsWith(key, prefix) ||
                                          (!cursor.empty() && key <= after);
                                 }),
                  slot_keys.end());
  std::sort(slot_keys.begin(), slot_keys.end());
  SlotScanSelection selection;
  limit = std::max<size_t>(limit, 1);
  if (slot_keys.size() > limit) {
    slot_keys.resize(limit);
    selection.next_cursor = absl::StrCat(kCursorMark, absl::BytesToHexString(slot_keys.back()));
  }
  selection.keys = std::move(slot_keys);
  return selection;
}

}  // namespace riskd::redis
