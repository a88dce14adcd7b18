#include "server/identity/json_object.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "plugins/common/json/json_text.h"

namespace riskd {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, <= U+10FFFF.
bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code = 0;
    if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if (!IsContinuation(s[i + k])) return false;
      code = (code << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    }
    constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

class JsonReader {
 public:
  explicit JsonReader(absl::string_view text) : text_(text) {}

  absl::StatusOr<Struct> Document() {
    Struct object;
    SkipSpace();
    if (!Peek('{')) return Error("expected an object");
    if (absl::Status s = ReadObject(object, 1); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the object");
    return object;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " at byte ", pos_ + 1));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  bool Peek(char c) const { return !AtEnd() && text_[pos_] == c; }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                        text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status ReadObject(Struct& object, int depth) {
    if (depth > kMaxJsonDepth) return Error("nested too deeply");
    ++pos_;  // '{'
    SkipSpace();
    if (Consume('}')) return absl::OkStatus();
    while (true) {
      SkipSpace();
      if (!Peek('"')) return Error("expected a key in double quotes");
      const size_t key_at = pos_;
      std::string key;
      if (absl::Status s = ReadString(key); !s.ok()) return s;
      SkipSpace();
      if (!Consume(':')) return Error("expected ':'");
      auto [slot, inserted] = object.mutable_fields()->try_emplace(key);
      if (!inserted) {
        pos_ = key_at;
        return Error(absl::StrCat("duplicate key \"", key, "\""));
      }
      if (absl::Status s = ReadValue(slot->second, depth); !s.ok()) return s;
      SkipSpace();
      if (Consume('}')) return absl::OkStatus();
      if (!Consume(',')) return Error("expected ',' or '}'");
    }
  }

  absl::Status ReadArray(ListValue& list, int depth) {
    if (depth > kMaxJsonDepth) return Error("nested too deeply");
    ++pos_;  // '['
    SkipSpace();
    if (Consume(']')) return absl::OkStatus();
    while (true) {
      if (absl::Status s = ReadValue(*list.add_values(), depth); !s.ok()) return s;
      SkipSpace();
      if (Consume(']')) return absl::OkStatus();
      if (!Consume(',')) return Error("expected ',' or ']'");
    }
  }

  absl::Status ReadValue(Value& value, int depth) {
    SkipSpace();
    if (AtEnd()) return Error("expected a value");
    switch (text_[pos_]) {
      case '{':
        return ReadObject(*value.mutable_struct_value(), depth + 1);
      case '[':
        return ReadArray(*value.mutable_list_value(), depth + 1);
      case '"':
        return ReadString(*value.mutable_string_value());
      case 't':
        value.set_bool_value(true);
        return ReadLiteral("true");
      case 'f':
        value.set_bool_value(false);
        return ReadLiteral("false");
      case 'n':
        value.set_null_value(google::protobuf::NULL_VALUE);
        return ReadLiteral("null");
      default:
        return ReadNumber(value);
    }
  }

  absl::Status ReadLiteral(absl::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return Error("expected a value");
    pos_ += literal.size();
    return absl::OkStatus();
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  absl::Status ReadNumber(Value& value) {
    const size_t start = pos_;
    auto digits = [this] {
      const size_t from = pos_;
      while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    Consume('-');
    if (Consume('0')) {
      if (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        return Error("a number must not start with 0");
      }
    } else if (digits() == 0) {
      return Error("expected a value");
    }
    if (Consume('.') && digits() == 0) return Error("expected digits after '.'");
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (digits() == 0) return Error("expected digits in the exponent");
    }
    double number = 0;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    auto [end, error] = std::from_chars(first, last, number);
    if (error != std::errc() || end != last) {
      pos_ = start;
      return Error("number out of range");
    }
    value.set_number_value(number);
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> ReadHex4() {
    if (pos_ + 4 > text_.size()) return Error("expected four hex digits after \\u");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = riskd_json::HexDigitValue(text_[pos_]);
      if (digit < 0) return Error("expected four hex digits after \\u");
      code = (code << 4) | static_cast<uint32_t>(digit);
      ++pos_;
    }
    return code;
  }

  absl::Status ReadString(std::string& out) {
    const size_t start = ++pos_;  // past '"'
    while (true) {
      if (AtEnd()) return Error("unterminated string");
      const char c = text_[pos_];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return Error("control character in a string");
      ++pos_;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (AtEnd()) return Error("unterminated string");
      const char escaped = text_[pos_++];
      if (escaped == 'u') {
        absl::StatusOr<uint32_t> code = ReadHex4();
        if (!code.ok()) return code.status();
        if (riskd_json::IsLowSurrogate(*code)) return Error("lone low surrogate");
        if (riskd_json::IsHighSurrogate(*code)) {
          if (!Consume('\\') || !Consume('u')) return Error("lone high surrogate");
          absl::StatusOr<uint32_t> low = ReadHex4();
          if (!low.ok()) return low.status();
          if (!riskd_json::IsLowSurrogate(*low)) return Error("lone high surrogate");
          *code = riskd_json::JoinSurrogates(*code, *low);
        }
        riskd_json::AppendUtf8(*code, out);
        continue;
      }
      const char decoded = riskd_json::SimpleEscape(escaped);
      if (decoded == '\0') {
        --pos_;
        return Error(absl::StrCat("unknown escape \\", absl::string_view(&escaped, 1)));
      }
      out.push_back(decoded);
    }
    if (!IsValidUtf8(text_.substr(start, pos_ - start))) {
      pos_ = start;
      return Error("invalid UTF-8 in a string");
    }
    ++pos_;  // '"'
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<Struct> ParseJsonObject(absl::string_view text) {
  return JsonReader(text).Document();
}

}  // namespace riskd
