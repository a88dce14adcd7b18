#include "pattern_file.h"

#include <fstream>
#include <sstream>

namespace riskd_bot_behaviour {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Just enough JSON for the pattern lists: the top-level array's items are
// strings or objects whose "pattern" member is kept; every other value is
// checked and skipped. No JSON library, so the plugin depends on RE2 only.
class PatternArrayReader {
 public:
  explicit PatternArrayReader(std::string_view text) : text_(text) {}

  std::vector<PatternEntry> Read() {
    std::vector<PatternEntry> out;
    SkipSpace();
    Expect('[');
    SkipSpace();
    if (Peek() == ']') {
      ++pos_;
    } else {
      while (true) {
        SkipSpace();
        out.push_back(ReadItem());
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect(']');
        break;
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) Fail("unexpected text after the closing ']'");
    return out;
  }

 private:
  static constexpr int kMaxDepth = 32;

  PatternEntry ReadItem() {
    if (Peek() == '"') {
      int line = Line();
      return {ReadString(), line};
    }
    if (Peek() != '{') Fail("expected a string or an object with a \"pattern\"");
    int object_line = Line();
    ++pos_;
    PatternEntry entry;
    bool found = false;
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
    } else {
      while (true) {
        SkipSpace();
        std::string key = ReadString();
        SkipSpace();
        Expect(':');
        SkipSpace();
        if (key == "pattern") {
          if (Peek() != '"') Fail("\"pattern\" must be a string");
          entry.line = Line();
          entry.pattern = ReadString();
          found = true;
        } else {
          SkipValue(1);
        }
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect('}');
        break;
      }
    }
    if (!found) FailAtLine(object_line, "an object without a \"pattern\" string");
    return entry;
  }

  void SkipValue(int depth) {
    if (depth > kMaxDepth) Fail("nested too deeply");
    char c = Peek();
    if (c == '"') {
      ReadString();
    } else if (c == '[' || c == '{') {
      const char close = c == '[' ? ']' : '}';
      ++pos_;
      SkipSpace();
      if (Peek() == close) {
        ++pos_;
        return;
      }
      while (true) {
        SkipSpace();
        if (close == '}') {
          ReadString();
          SkipSpace();
          Expect(':');
          SkipSpace();
        }
        SkipValue(depth + 1);
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect(close);
        return;
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      while (pos_ < text_.size() &&
             std::string_view("+-.eE0123456789").find(text_[pos_]) != std::string_view::npos) {
        ++pos_;
      }
    } else if (!SkipWord("true") && !SkipWord("false") && !SkipWord("null")) {
      Fail("expected a JSON value");
    }
  }

  bool SkipWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::string ReadString() {
    Expect('"');
    const int start_line = Line();
    std::string out;
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') {
        FailAtLine(start_line, "unterminated string");
      }
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) FailAtLine(start_line, "unterminated string");
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          AppendCodePoint(ReadCodePoint(), out);
          break;
        default:
          Fail(std::string("unknown escape \\") + e);
      }
    }
  }

  // A \uXXXX escape (after the 'u'), joining a UTF-16 surrogate pair.
  unsigned ReadCodePoint() {
    unsigned cp = ReadHex4();
    if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
      pos_ += 2;
      unsigned low = ReadHex4();
      if (low < 0xDC00 || low > 0xDFFF) Fail("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return cp;
  }

  unsigned ReadHex4() {
    if (pos_ + 4 > text_.size()) Fail("truncated \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        Fail("bad \\u escape");
      }
    }
    return value;
  }

  static void AppendCodePoint(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  void Expect(char c) {
    if (Peek() != c) {
      Fail(std::string("expected '") + c + "'" +
           (pos_ < text_.size() ? std::string(", got '") + text_[pos_] + "'" : ", got the end"));
    }
    ++pos_;
  }

  // The line of pos_, counted incrementally: pos_ only moves forward.
  int Line() {
    for (; counted_ < pos_ && counted_ < text_.size(); ++counted_) line_ += text_[counted_] == '\n';
    return line_;
  }

  [[noreturn]] void Fail(const std::string& message) { FailAtLine(Line(), message); }
  [[noreturn]] static void FailAtLine(int line, const std::string& message) {
    throw PatternFileError("line " + std::to_string(line) + ": " + message);
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t counted_ = 0;  // Line() has counted newlines before this position
  int line_ = 1;
};

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
  std::string_view body = Trim(text);
  if (!body.empty() && body.front() == '[') return PatternArrayReader(text).Read();
  return ParsePlainText(text);
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
