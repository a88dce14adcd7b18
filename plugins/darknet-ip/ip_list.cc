#include "ip_list.h"

#include <utility>

namespace riskd_darknet_ip {

uint32_t IpList::AddLabel(std::string label) {
  labels_.push_back(std::move(label));
  return static_cast<uint32_t>(labels_.size() - 1);
}

const std::string* IpList::Find(riskd_ip_family family, const uint8_t* bytes) const {
  const uint32_t label = ranges_.Find(family, bytes);
  return label == riskd_iprange::AddressTable::kNotFound ? nullptr : &labels_[label];
}

const std::string* IpList::Find(const IpRange& address) const {
  const uint32_t label = ranges_.Find(address);
  return label == riskd_iprange::AddressTable::kNotFound ? nullptr : &labels_[label];
}

}  // namespace riskd_darknet_ip
