// A forward-only reader of JSON data files for detector plugins (lists of
// domains, of user-agent patterns): just enough JSON to walk arrays and
// objects, read strings and skip every other value, with the line number in
// each error. It keeps what data files hold today rather than judging them:
// it does not refuse duplicate keys, raw control characters or invalid
// UTF-8 inside strings, and only skips numbers. (The host's JWT reader,
// server/identity/json_object.h, is the strict one.)
#ifndef RISKD_PLUGINS_COMMON_JSON_JSON_FILE_READER_H_
#define RISKD_PLUGINS_COMMON_JSON_JSON_FILE_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace riskd_json {

// What the reader throws: what() is "line <n>: <message>", which a plugin
// wraps in its own error with the file's path.
class JsonFileError : public std::runtime_error {
 public:
  JsonFileError(int line, const std::string& message);
  int line() const { return line_; }

 private:
  int line_;
};

// True when `text`, after white space, starts with '[': the file is a JSON
// array rather than plain text, one entry a line.
bool LooksLikeJsonArray(std::string_view text);

class JsonFileReader {
 public:
  // Nesting deeper than this inside a skipped value is refused, so that a
  // hostile file cannot exhaust the stack.
  static constexpr int kMaxSkipDepth = 32;

  // `text` must outlive the reader.
  explicit JsonFileReader(std::string_view text) : text_(text) {}

  // The whole text as one array: calls `read_item` for each item, with the
  // reader on the item's first character, then refuses anything but white
  // space after the closing ']'.
  void ReadDocumentArray(const std::function<void()>& read_item);

  // The array or object at the reader. `read_item` must read (or skip)
  // exactly one value; `read_member` gets the member's key with the reader on
  // its value.
  void ReadArray(const std::function<void()>& read_item);
  void ReadObject(const std::function<void(const std::string& key)>& read_member);

  // A string, all of JSON's escapes decoded (a \u surrogate pair as one code
  // point, in UTF-8). It must end on the line it starts on.
  std::string ReadString();
  // The same, for strings that are names rather than text (domains): only
  // \" \\ \/ and \u are taken, any other escape is refused with
  // "unsupported escape \n in <what>".
  std::string ReadPrintableString(std::string_view what);

  // Checks and skips one value of any kind.
  void SkipValue() { SkipValue(1); }

  // The character at the reader, '\0' at the end.
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  // The line the reader is on, from 1.
  int Line();

  [[noreturn]] void Fail(const std::string& message) { FailAtLine(Line(), message); }
  [[noreturn]] static void FailAtLine(int line, const std::string& message) {
    throw JsonFileError(line, message);
  }

 private:
  void ReadSequence(char open, char close, const std::function<void()>& read_next);
  std::string ReadStringImpl(std::string_view printable_what);
  uint32_t ReadCodePoint();
  uint32_t ReadHex4();
  void SkipValue(int depth);
  bool SkipWord(std::string_view word);
  void SkipSpace();
  void Expect(char c);

  std::string_view text_;
  size_t pos_ = 0;
  size_t counted_ = 0;  // Line() has counted the newlines before this position
  int line_ = 1;
};

}  // namespace riskd_json

#endif  // RISKD_PLUGINS_COMMON_JSON_JSON_FILE_READER_H_
