#include "local_part.h"

namespace riskd_disposable_email {
namespace {

constexpr int kMinMixedRun = 8;
constexpr int kMinSwitches = 4;
constexpr int kMinVowellessLetters = 6;
constexpr int kMinDigits = 6;
constexpr double kMaxDigitShare = 0.6;

bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// The most letter/digit switches inside one run of letters and digits of at
// least kMinMixedRun characters (separators such as '.', '_', '-' end a run).
int MostSwitchesInLongRun(std::string_view s) {
  int best = 0;
  int run_length = 0;
  int switches = 0;
  char previous = 0;
  auto end_run = [&] {
    if (run_length >= kMinMixedRun && switches > best) best = switches;
    run_length = 0;
    switches = 0;
    previous = 0;
  };
  for (char c : s) {
    if (!IsLetter(c) && !IsDigit(c)) {
      end_run();
      continue;
    }
    if (previous != 0 && IsDigit(previous) != IsDigit(c)) ++switches;
    previous = c;
    ++run_length;
  }
  end_run();
  return best;
}

}  // namespace

std::string_view StripSubaddress(std::string_view local_part) {
  return local_part.substr(0, local_part.find('+'));
}

std::string SuspiciousLocalPartReason(std::string_view local_part) {
  int letters = 0;
  int digits = 0;
  int longest_vowelless_word = 0;  // a maximal run of letters without a vowel
  int word_length = 0;
  bool word_has_vowel = false;
  auto end_word = [&] {
    if (!word_has_vowel && word_length > longest_vowelless_word) {
      longest_vowelless_word = word_length;
    }
    word_length = 0;
    word_has_vowel = false;
  };
  for (char c : local_part) {
    if (IsLetter(c)) {
      ++letters;
      ++word_length;
      word_has_vowel = word_has_vowel || IsVowel(c);
      continue;
    }
    end_word();
    digits += IsDigit(c);
  }
  end_word();
  // Built only when a rule fires: the common case allocates nothing.
  auto quoted = [local_part] { return "local part \"" + std::string(local_part) + "\" "; };
  if (int switches = MostSwitchesInLongRun(local_part); switches >= kMinSwitches) {
    return quoted() + "alternates letters and digits " + std::to_string(switches) + " times";
  }
  if (longest_vowelless_word >= kMinVowellessLetters) {
    return quoted() + "has a run of " + std::to_string(longest_vowelless_word) +
           " letters without a vowel";
  }
  if (letters > 0 && digits >= kMinDigits &&
      digits > kMaxDigitShare * static_cast<double>(letters + digits)) {
    return quoted() + "is " + std::to_string(100 * digits / (letters + digits)) + "% digits";
  }
  return "";
}

}  // namespace riskd_disposable_email
