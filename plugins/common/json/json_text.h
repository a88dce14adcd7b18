// The small pieces of JSON text (RFC 8259) that every reader in the tree
// decodes the same way: hex digits of \uXXXX, the one-letter escapes,
// surrogate pairs and UTF-8. Pure functions without an error model, so that
// the plugins' data-file reader (exceptions, line numbers) and the host's
// strict JWT reader (absl::Status, byte offsets) can both use them.
#ifndef RISKD_PLUGINS_COMMON_JSON_JSON_TEXT_H_
#define RISKD_PLUGINS_COMMON_JSON_JSON_TEXT_H_

#include <cstdint>
#include <string>

namespace riskd_json {

// 0 to 15 for a hex digit of either case, -1 for any other character.
int HexDigitValue(char c);

// The character a one-letter escape stands for: \" \\ \/ \b \f \n \r \t.
// '\0' for every other letter, \u included (its digits follow).
char SimpleEscape(char letter);

// The code point of a UTF-16 surrogate pair, written in JSON as two \u escapes.
inline bool IsHighSurrogate(uint32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
inline bool IsLowSurrogate(uint32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }
inline uint32_t JoinSurrogates(uint32_t high, uint32_t low) {
  return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
}

// Appends the UTF-8 encoding (1 to 4 bytes) of `code`, which must be at most
// U+10FFFF. A lone surrogate is encoded as it is: refusing it is the caller's
// choice.
void AppendUtf8(uint32_t code, std::string& out);

}  // namespace riskd_json

#endif  // RISKD_PLUGINS_COMMON_JSON_JSON_TEXT_H_
