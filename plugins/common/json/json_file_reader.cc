#include "json/json_file_reader.h"

#include "json/json_text.h"

namespace riskd_json {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

JsonFileError::JsonFileError(int line, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}

bool LooksLikeJsonArray(std::string_view text) {
  size_t first = 0;
  while (first < text.size() && IsSpace(text[first])) ++first;
  return first < text.size() && text[first] == '[';
}

void JsonFileReader::ReadDocumentArray(const std::function<void()>& read_item) {
  SkipSpace();
  ReadArray(read_item);
  SkipSpace();
  if (pos_ != text_.size()) Fail("unexpected text after the closing ']'");
}

void JsonFileReader::ReadArray(const std::function<void()>& read_item) {
  ReadSequence('[', ']', read_item);
}

void JsonFileReader::ReadObject(const std::function<void(const std::string& key)>& read_member) {
  ReadSequence('{', '}', [&] {
    const std::string key = ReadString();
    SkipSpace();
    Expect(':');
    SkipSpace();
    read_member(key);
  });
}

// open, then items separated by ',' with white space around them, then close.
void JsonFileReader::ReadSequence(char open, char close, const std::function<void()>& read_next) {
  Expect(open);
  SkipSpace();
  if (Peek() == close) {
    ++pos_;
    return;
  }
  while (true) {
    SkipSpace();
    read_next();
    SkipSpace();
    if (Peek() == ',') {
      ++pos_;
      continue;
    }
    Expect(close);
    return;
  }
}

std::string JsonFileReader::ReadString() { return ReadStringImpl({}); }

std::string JsonFileReader::ReadPrintableString(std::string_view what) {
  return ReadStringImpl(what);
}

// `printable_what` empty: every JSON escape; otherwise only \" \\ \/ \u.
std::string JsonFileReader::ReadStringImpl(std::string_view printable_what) {
  Expect('"');
  const int start_line = Line();
  std::string out;
  while (true) {
    if (pos_ >= text_.size() || text_[pos_] == '\n') {
      FailAtLine(start_line, "unterminated string");
    }
    const char c = text_[pos_++];
    if (c == '"') return out;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos_ >= text_.size()) FailAtLine(start_line, "unterminated string");
    const char letter = text_[pos_++];
    if (letter == 'u') {
      AppendUtf8(ReadCodePoint(), out);
      continue;
    }
    const char decoded = SimpleEscape(letter);
    const bool control = decoded != '\0' && decoded != letter;  // \b \f \n \r \t
    if (!printable_what.empty() && (decoded == '\0' || control)) {
      Fail(std::string("unsupported escape \\") + letter + " in " + std::string(printable_what));
    }
    if (decoded == '\0') Fail(std::string("unknown escape \\") + letter);
    out += decoded;
  }
}

// A \uXXXX escape (after the 'u'), joining a UTF-16 surrogate pair.
uint32_t JsonFileReader::ReadCodePoint() {
  uint32_t code = ReadHex4();
  if (IsHighSurrogate(code) && text_.substr(pos_, 2) == "\\u") {
    pos_ += 2;
    const uint32_t low = ReadHex4();
    if (!IsLowSurrogate(low)) Fail("bad surrogate pair");
    code = JoinSurrogates(code, low);
  }
  return code;
}

uint32_t JsonFileReader::ReadHex4() {
  if (pos_ + 4 > text_.size()) Fail("truncated \\u escape");
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = HexDigitValue(text_[pos_++]);
    if (digit < 0) Fail("bad \\u escape");
    value = (value << 4) | static_cast<uint32_t>(digit);
  }
  return value;
}

void JsonFileReader::SkipValue(int depth) {
  if (depth > kMaxSkipDepth) Fail("nested too deeply");
  const char c = Peek();
  if (c == '"') {
    ReadString();
  } else if (c == '[') {
    ReadArray([&] { SkipValue(depth + 1); });
  } else if (c == '{') {
    ReadObject([&](const std::string&) { SkipValue(depth + 1); });
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    while (pos_ < text_.size() &&
           std::string_view("+-.eE0123456789").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
  } else if (!SkipWord("true") && !SkipWord("false") && !SkipWord("null")) {
    Fail("expected a JSON value");
  }
}

bool JsonFileReader::SkipWord(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

void JsonFileReader::SkipSpace() {
  while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
}

void JsonFileReader::Expect(char c) {
  if (Peek() != c) {
    Fail(std::string("expected '") + c + "'" +
         (pos_ < text_.size() ? std::string(", got '") + text_[pos_] + "'" : ", got the end"));
  }
  ++pos_;
}

// Counted incrementally: the reader only moves forward.
int JsonFileReader::Line() {
  for (; counted_ < pos_ && counted_ < text_.size(); ++counted_) line_ += text_[counted_] == '\n';
  return line_;
}

}  // namespace riskd_json
