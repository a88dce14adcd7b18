#include "pattern_file.h"

#include <fstream>
#include <sstream>

#include "json/json_file_reader.h"

namespace riskd_bot_behaviour {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Each item of a JSON list: a string, or an object whose "pattern" member is
// kept (other members are checked and skipped).
PatternEntry ReadItem(riskd_json::JsonFileReader& reader) {
  if (reader.Peek() == '"') {
    const int line = reader.Line();
    return {reader.ReadString(), line};
  }
  if (reader.Peek() != '{') reader.Fail("expected a string or an object with a \"pattern\"");
  const int object_line = reader.Line();
  PatternEntry entry;
  bool found = false;
  reader.ReadObject([&](const std::string& key) {
    if (key != "pattern") {
      reader.SkipValue();
      return;
    }
    if (reader.Peek() != '"') reader.Fail("\"pattern\" must be a string");
    entry.line = reader.Line();
    entry.pattern = reader.ReadString();
    found = true;
  });
  if (!found) reader.FailAtLine(object_line, "an object without a \"pattern\" string");
  return entry;
}

std::vector<PatternEntry> ParseJson(std::string_view text) {
  std::vector<PatternEntry> out;
  riskd_json::JsonFileReader reader(text);
  try {
    reader.ReadDocumentArray([&] { out.push_back(ReadItem(reader)); });
  } catch (const riskd_json::JsonFileError& e) {
    throw PatternFileError(e.what());
  }
  return out;
}

std::vector<PatternEntry> ParsePlainText(std::string_view text) {
  std::vector<PatternEntry> out;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    out.push_back({std::string(line), line_number});
  }
  return out;
}

}  // namespace

std::vector<PatternEntry> ParsePatternList(std::string_view text) {
  return riskd_json::LooksLikeJsonArray(text) ? ParseJson(text) : ParsePlainText(text);
}

std::vector<PatternEntry> ReadPatternFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PatternFileError(path + ": cannot open");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw PatternFileError(path + ": read error");
  try {
    return ParsePatternList(contents.str());
  } catch (const PatternFileError& e) {
    throw PatternFileError(path + ": " + e.what());
  }
}

}  // namespace riskd_bot_behaviour
