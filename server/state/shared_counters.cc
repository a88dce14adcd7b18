#include "server/state/shared_counters.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "server/state/hash_tag_transactions.h"

namespace riskd {
namespace {

// Transactions per Commit. A commit holds the store's locks of every key it
// writes until it returns, and decisions on those locks wait: a second's worth
// of adds (thousands of keys after a burst of new users) in one commit would
// stall them for tens of milliseconds.
constexpr size_t kTransactionsPerCommit = 32;

}  // namespace

SharedCounters::SharedCounters(StateStore& store, absl::Duration flush_interval)
    : store_(store), flusher_("shared counters", flush_interval, [this] { return Flush(); }) {}

SharedCounters::~SharedCounters() { flusher_.Stop(); }

void SharedCounters::Add(absl::string_view key, int64_t delta, absl::Duration ttl) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = pending_.try_emplace(key);
  if (inserted) it->second.ttl = ttl;
  it->second.sum += delta;
}

absl::Status SharedCounters::Flush() {
  absl::MutexLock one_flush(&flush_mu_);
  absl::flat_hash_map<std::string, Pending> taken;
  {
    absl::MutexLock lock(&mu_);
    taken.swap(pending_);
  }
  if (taken.empty()) return absl::OkStatus();
  std::vector<StateStore::Mutation> adds;
  for (const auto& [key, pending] : taken) {
    if (pending.sum != 0) adds.push_back({.key = key, .ttl = pending.ttl, .add = pending.sum});
  }
  std::vector<StateStore::Transaction> batch = TransactionsByHashTag(std::move(adds));
  for (size_t first = 0; first < batch.size(); first += kTransactionsPerCommit) {
    const size_t end = std::min(batch.size(), first + kTransactionsPerCommit);
    std::vector<StateStore::Transaction> chunk(std::make_move_iterator(batch.begin() + first),
                                               std::make_move_iterator(batch.begin() + end));
    absl::StatusOr<std::vector<bool>> done = store_.Commit(chunk);
    if (done.ok()) continue;
    // Not written: keep this chunk's sums and the rest for the next flush.
    // (On UNAVAILABLE Redis may have applied some; counting twice is the
    // lesser harm than losing.)
    for (size_t t = end; t < batch.size(); ++t) chunk.push_back(std::move(batch[t]));
    absl::MutexLock lock(&mu_);
    for (const StateStore::Transaction& t : chunk) {
      for (const StateStore::Mutation& m : t.mutations) {
        auto [it, inserted] = pending_.try_emplace(m.key, Pending{.sum = 0, .ttl = m.ttl});
        it->second.sum += *m.add;
      }
    }
    return done.status();
  }
  return absl::OkStatus();
}

}  // namespace riskd
