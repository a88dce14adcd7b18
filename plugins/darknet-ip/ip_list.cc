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
    label = v4_.Find(riskd_iprange::V4FromBytes(bytes));
  } else if (family == RISKD_IP_V6) {
    label = v6_.Find(riskd_iprange::V6FromBytes(bytes));
  }
  return label == RangeTable<uint32_t>::kNotFound ? nullptr : &labels_[label];
}

const std::string* IpList::Find(const IpRange& address) const {
  uint32_t label = address.family == Family::kV4 ? v4_.Find(static_cast<uint32_t>(address.first))
                                                 : v6_.Find(address.first);
  return label == RangeTable<uint32_t>::kNotFound ? nullptr : &labels_[label];
}

}  // namespace riskd_darknet_ip
