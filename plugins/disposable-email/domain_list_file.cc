#include "domain_list_file.h"

#include <fstream>
#include <sstream>

namespace riskd_disposable_email {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A minimal reader for a flat JSON array of strings: the lists need no more,
// and the plugin stays free of a JSON library.
class JsonStringArrayReader {
 public:
  explicit JsonStringArrayReader(std::string_view text) : text_(text) {}

  std::vector<std::string> Read() {
    std::vector<std::string> out;
    SkipSpace();
    Expect('[');
    SkipSpace();
    if (Peek() == ']') {
      ++pos_;
    } else {
      while (true) {
        SkipSpace();
        std::string domain = NormalizeDomain(ReadString());
        if (!domain.empty()) out.push_back(std::move(domain));
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

  std::string ReadString() {
    Expect('"');
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) Fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\n') Fail("unterminated string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) Fail("unterminated string");
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'u':
          AppendCodePoint(ReadHex4(), out);
          break;
        default:
          Fail(std::string("unsupported escape \\") + e + " in a domain");
      }
    }
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

  // UTF-8 of a code point from the Basic Multilingual Plane (domains in the
  // lists are ASCII or, rarely, Unicode written as such).
  static void AppendCodePoint(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  [[noreturn]] void Fail(const std::string& message) const {
    int line = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) line += text_[i] == '\n';
    throw ListFileError("line " + std::to_string(line) + ": " + message);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::vector<std::string> ParsePlainText(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    line = line.substr(0, line.find('#'));
    std::string domain = NormalizeDomain(line);
    if (!domain.empty()) out.push_back(std::move(domain));
  }
  return out;
}

}  // namespace

std::string NormalizeDomain(std::string_view domain) {
  domain = Trim(domain);
  if (domain.substr(0, 2) == "*.") domain.remove_prefix(2);
  if (domain.substr(0, 1) == "@") domain.remove_prefix(1);
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  std::string out(domain);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> ParseDomainList(std::string_view text) {
  std::string_view body = Trim(text);
  if (!body.empty() && body.front() == '[') return JsonStringArrayReader(text).Read();
  return ParsePlainText(text);
}

std::vector<std::string> ReadDomainListFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ListFileError(path + ": cannot open");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw ListFileError(path + ": read error");
  try {
    return ParseDomainList(contents.str());
  } catch (const ListFileError& e) {
    throw ListFileError(path + ": " + e.what());
  }
}

}  // namespace riskd_disposable_email
