#include "event_subjects.h"

#include <cstdio>

namespace riskd_bot_behaviour {

std::string ShortHash(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  char out[17];
  std::snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

std::string HashTag(std::string_view kind, std::string_view id) {
  std::string out = "{";
  out.append(kind);
  for (char c : id) {
    if (c == '{' || c == '}' || c == '%') {
      char escaped[4];
      std::snprintf(escaped, sizeof(escaped), "%%%02X", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '}';
  return out;
}

std::string Ipv6Network(const uint8_t* bytes, int prefix_length) {
  uint8_t masked[16];
  for (int i = 0; i < 16; ++i) {
    int bits = prefix_length - 8 * i;
    uint8_t mask = bits >= 8 ? 0xFF : bits <= 0 ? 0 : static_cast<uint8_t>(0xFF << (8 - bits));
    masked[i] = bytes[i] & mask;
  }
  // The groups the prefix covers, then "::" for the zeros after them.
  int groups = prefix_length >= 128 ? 8 : (prefix_length + 15) / 16;
  std::string out;
  for (int g = 0; g < groups; ++g) {
    char group[6];
    std::snprintf(group, sizeof(group), "%x", (masked[2 * g] << 8) | masked[2 * g + 1]);
    if (g > 0) out += ':';
    out += group;
  }
  if (prefix_length < 128) out += "::/" + std::to_string(prefix_length);
  return out;
}

EventSubjects SubjectsOf(const riskd::Event& event, int ipv6_prefix_length) {
  EventSubjects s;
  s.at_ms = event.occurred_at_ms();
  const bool has_user = !event.user_id().empty();
  s.failed = has_user && event.type() == riskd::EventType::kLoginFailed;
  s.login = s.failed || (has_user && event.type() == riskd::EventType::kLoginSucceeded);
  if (!event.ip().empty()) {
    s.ip = event.ip_family() == RISKD_IP_V6 && ipv6_prefix_length < 128
               ? Ipv6Network(event.ip_bytes(), ipv6_prefix_length)
               : std::string(event.ip());
    s.ip_tag = HashTag("", s.ip);
    s.ip_hash = ShortHash(s.ip);
  }
  if (has_user) {
    s.user_tag = HashTag("u:", event.user_id());
    s.user_hash = ShortHash(event.user_id());
  }
  if (!event.device_id().empty()) s.device_tag = HashTag("d:", event.device_id());
  return s;
}

}  // namespace riskd_bot_behaviour
