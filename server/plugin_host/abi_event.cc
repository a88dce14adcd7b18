#include "server/plugin_host/abi_event.h"

#include <cstring>

namespace riskd {
namespace {

riskd_string View(const std::string& s) { return {s.data(), s.size()}; }

std::vector<riskd_key_value> Views(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<riskd_key_value> out;
  out.reserve(pairs.size());
  for (const auto& [k, v] : pairs) out.push_back({View(k), View(v)});
  return out;
}

int64_t UnixMillis(absl::Time t) { return absl::ToUnixMillis(t); }

}  // namespace

AbiEvent::AbiEvent(const NormalizedEvent& event)
    : headers_(Views(event.headers)), properties_(Views(event.properties)) {
  raw_.struct_size = sizeof(riskd_event);
  raw_.type = static_cast<int32_t>(event.type);
  raw_.occurred_at_ms = UnixMillis(event.occurred_at);
  raw_.registered_at_ms = event.registered_at ? UnixMillis(*event.registered_at) : 0;
  raw_.request_id = View(event.request_id);
  raw_.user_id = View(event.user_id);
  raw_.email = View(event.email);
  raw_.email_domain = View(event.email_domain);
  if (event.ip) {
    ip_text_ = event.ip->ToString();
    raw_.ip_family = event.ip->family == IpAddress::Family::kV4 ? RISKD_IP_V4 : RISKD_IP_V6;
    std::memcpy(raw_.ip_bytes, event.ip->bytes.data(), sizeof(raw_.ip_bytes));
  }
  raw_.ip = View(ip_text_);
  raw_.user_agent = View(event.user_agent);
  raw_.device_id = View(event.device_id);
  raw_.headers = headers_.data();
  raw_.header_count = headers_.size();
  raw_.properties = properties_.data();
  raw_.property_count = properties_.size();
}

}  // namespace riskd
