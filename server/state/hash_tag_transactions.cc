#include "server/state/hash_tag_transactions.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "server/state/state_keys.h"

namespace riskd {

std::vector<StateStore::Transaction> TransactionsByHashTag(
    std::vector<StateStore::Mutation> mutations) {
  std::vector<StateStore::Transaction> transactions;
  absl::flat_hash_map<std::string, size_t> by_tag;
  for (StateStore::Mutation& m : mutations) {
    auto [it, added] = by_tag.try_emplace(std::string(HashTagOf(m.key)), transactions.size());
    if (added) transactions.emplace_back();
    transactions[it->second].mutations.push_back(std::move(m));
  }
  return transactions;
}

}  // namespace riskd
