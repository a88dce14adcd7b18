// Heuristics for e-mail local parts that look machine-generated. Each rule is
// deliberately narrow so that ordinary addresses (john.smith1987,
// firstname.lastname, j.doe, 123456789 at QQ) do not fire.
#ifndef RISKD_PLUGINS_DISPOSABLE_EMAIL_LOCAL_PART_H_
#define RISKD_PLUGINS_DISPOSABLE_EMAIL_LOCAL_PART_H_

#include <string>
#include <string_view>

namespace riskd_disposable_email {

// The local part without sub-addressing: "user+tag" -> "user".
std::string_view StripSubaddress(std::string_view local_part);

// Why `local_part` (lower-case, sub-address stripped) looks generated, or an
// empty string when it looks like a person's. The rules:
//  - letters and digits alternate at least 4 times in a run of >= 8
//    letters and digits ("x7k2p9q4", hex digests);
//  - a run of at least 6 letters (between digits or separators) without a
//    vowel (a, e, i, o, u, y) ("xkcdqrtzw"; "mr.smth" and "ernstschmidt" pass);
//  - at least 6 digits, more than 60% of the letters and digits, and some
//    letters ("ab83747291"); all-digit local parts are common (QQ, phone
//    numbers) and do not fire.
std::string SuspiciousLocalPartReason(std::string_view local_part);

}  // namespace riskd_disposable_email

#endif  // RISKD_PLUGINS_DISPOSABLE_EMAIL_LOCAL_PART_H_
