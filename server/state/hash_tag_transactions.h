// Unguarded writes grouped into one transaction per hash tag: keys of one tag
// share a Redis Cluster slot, so each group is one script call there instead
// of one per key, and the group stays atomic on both engines.
#ifndef RISKD_SERVER_STATE_HASH_TAG_TRANSACTIONS_H_
#define RISKD_SERVER_STATE_HASH_TAG_TRANSACTIONS_H_

#include <vector>

#include "server/state/state_store.h"

namespace riskd {

// One transaction per hash tag, in the order each tag first appears, with its
// mutations in their order.
std::vector<StateStore::Transaction> TransactionsByHashTag(
    std::vector<StateStore::Mutation> mutations);

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_HASH_TAG_TRANSACTIONS_H_
