#include "domain_set.h"

namespace riskd_disposable_email {

void DomainSet::Add(std::string_view domain, uint32_t source) {
  if (domain.empty()) return;
  auto it = domains_.find(domain);
  if (it == domains_.end()) {
    domains_.emplace(std::string(domain), source);
  } else {
    it->second |= source;
  }
}

std::optional<DomainSet::Match> DomainSet::Find(std::string_view domain) const {
  // Walk from the full name to its parents; stop before the last label so
  // that a list entry can never be a whole top-level domain.
  while (domain.find('.') != std::string_view::npos) {
    auto it = domains_.find(domain);
    if (it != domains_.end()) return Match{domain, it->second};
    domain.remove_prefix(domain.find('.') + 1);
  }
  return std::nullopt;
}

}  // namespace riskd_disposable_email
