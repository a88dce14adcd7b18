// Reads a list of user-agent regular expressions from a file, in one of the
// formats the public lists use:
//   - crawler-user-agents.json: a JSON array of objects, each with a
//     "pattern" string (other fields are ignored);
//   - a JSON array of strings (isbot's list, exported);
//   - plain text: one pattern a line; blank lines and lines starting with '#'
//     are skipped.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_PATTERN_FILE_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_PATTERN_FILE_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace riskd_bot_behaviour {

class PatternFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PatternEntry {
  std::string pattern;
  int line = 0;  // where the pattern is in the file, for error messages
};

// Parses `text`. Throws PatternFileError with a line number.
std::vector<PatternEntry> ParsePatternList(std::string_view text);

// Reads and parses the file at `path`. Throws PatternFileError naming the path.
std::vector<PatternEntry> ReadPatternFile(const std::string& path);

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_PATTERN_FILE_H_
