#include "server/event/device_id.h"

#include <cstdint>

#include "absl/strings/str_format.h"

namespace riskd {
namespace {

// Headers that identify a browser install rather than a request.
constexpr absl::string_view kFingerprintHeaders[] = {"accept-language", "sec-ch-ua",
                                                     "sec-ch-ua-platform", "sec-ch-ua-mobile"};

class Fnv1a64 {
 public:
  void Add(absl::string_view part) {
    for (unsigned char c : part) {
      hash_ = (hash_ ^ c) * 0x100000001b3ULL;
    }
    // A separator so that ("ab","c") and ("a","bc") differ.
    hash_ = (hash_ ^ 0xff) * 0x100000001b3ULL;
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string DeriveDeviceId(absl::string_view user_agent,
                           const std::vector<std::pair<std::string, std::string>>& headers) {
  Fnv1a64 hash;
  bool any = !user_agent.empty();
  hash.Add(user_agent);
  for (absl::string_view name : kFingerprintHeaders) {
    absl::string_view value;
    for (const auto& [k, v] : headers) {
      if (k == name) value = v;
    }
    any = any || !value.empty();
    hash.Add(value);
  }
  if (!any) return "";
  return absl::StrFormat("dev_%016x", hash.value());
}

}  // namespace riskd
