// Reads the state values a detector asked for, by position: the host passes
// them in the order StateKeys named them, so Evaluate, naming the same keys
// in the same order, finds each in one comparison instead of a search.
#ifndef RISKD_PLUGINS_PEER_PROFILE_STATE_READER_H_
#define RISKD_PLUGINS_PEER_PROFILE_STATE_READER_H_

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "riskd/detector.h"

namespace riskd_peer_profile {

class StateReader {
 public:
  explicit StateReader(const riskd::Event& event) : event_(event) {}

  // The value of the next key asked for; nullopt when absent. Falls back to
  // a search when the host's list does not line up (no state was read).
  std::optional<std::string_view> Next(std::string_view key) {
    const riskd_event& raw = event_.raw();
    const size_t at = next_++;
    if (at < raw.state_count && riskd::View(raw.state[at].key) == key) {
      if (!raw.state[at].present) return std::nullopt;
      return riskd::View(raw.state[at].value);
    }
    return event_.state(key);
  }

  // A counter: decimal text; 0 when absent or not a number.
  int64_t NextCounter(std::string_view key) {
    std::optional<std::string_view> text = Next(key);
    int64_t value = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
  }

 private:
  const riskd::Event& event_;
  size_t next_ = 0;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_STATE_READER_H_
