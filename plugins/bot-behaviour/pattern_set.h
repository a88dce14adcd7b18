// Many regular expressions matched against one text in a single pass: an
// RE2::Set (a DFA over all patterns at once), which costs about the same for
// 1,500 patterns as for one. Matching is unanchored (a pattern matches
// anywhere in the text), as crawler-user-agents' patterns expect.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_PATTERN_SET_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_PATTERN_SET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace riskd_bot_behaviour {

class PatternSet {
 public:
  explicit PatternSet(bool case_insensitive);
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  // Adds `pattern` (RE2 syntax). Returns an empty string, or RE2's reason
  // when the pattern does not compile (it is then not added).
  std::string Add(std::string_view pattern);

  // Call once after the last Add and before the first Match. Throws
  // std::runtime_error when RE2 cannot build the set.
  void Compile();

  // The index (order of Add) of the first pattern that matches `text`, or -1.
  // Thread-safe. Throws std::runtime_error if RE2 runs out of its memory
  // budget (kMaxMemoryBytes) for this text.
  int FirstMatch(std::string_view text) const;

  size_t size() const { return patterns_.size(); }
  const std::string& pattern(int index) const { return patterns_[index]; }

  // RE2's budget for the compiled set and its DFA cache. The shipped 1,500
  // patterns use well under a third of it; too small a budget makes the DFA
  // throw its cache away over and over (5x slower).
  static constexpr int64_t kMaxMemoryBytes = 64 << 20;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> patterns_;
};

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_PATTERN_SET_H_
