#include "ip_list.h"

#include <utility>

namespace riskd_darknet_ip {

uint32_t IpList::AddLabel(std::string label) {
  labels_.push_back(std::move(label));
  return static_cast<uint32_t>(labels_.size() - 1);
}

void IpList::Add(const IpRange& range, uint32_t label) {
  if (range.family == Family::kV4) {
    v4_.Add(static_cast<uint32_t>(range.first), static_cast<uint32_t>(range.last), label);
  } else {
    v6_.Add(range.first, range.last, label);
  }
}

void IpList::Build() {
  v4_.Build();
  v6_.Build();
}

const std::string* IpList::Find(riskd_ip_family family, const uint8_t* bytes) const {
  uint32_t label = RangeTable<uint32_t>::kNotFound;
  if (family == RISKD_IP_V4) {
    uint32_t v4 = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                  (uint32_t{bytes[2]} << 8) | bytes[3];
    label = v4_.Find(v4);
  } else if (family == RISKD_IP_V6) {
    Uint128 v6 = 0;
    for (int i = 0; i < 16; ++i) v6 = (v6 << 8) | bytes[i];
    label = v6_.Find(v6);
  }
  return label == RangeTable<uint32_t>::kNotFound ? nullptr : &labels_[label];
}

const std::string* IpList::Find(const IpRange& address) const {
  uint32_t label = address.family == Family::kV4 ? v4_.Find(static_cast<uint32_t>(address.first))
                                                 : v6_.Find(address.first);
  return label == RangeTable<uint32_t>::kNotFound ? nullptr : &labels_[label];
}

}  // namespace riskd_darknet_ip
