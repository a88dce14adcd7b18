#include "server/state/shared_counters.h"

#include <utility>
#include <vector>

#include "server/common/logging.h"
#include "server/state/state_keys.h"

namespace riskd {

SharedCounters::SharedCounters(StateStore& store, absl::Duration flush_interval)
    : store_(store), flusher_([this, flush_interval] { FlushLoop(flush_interval); }) {}

SharedCounters::~SharedCounters() {
  stop_.Notify();
  flusher_.join();
  if (absl::Status s = Flush(); !s.ok()) {
    LogWarning("shared counters lost at shutdown", {{"error", std::string(s.message())}});
  }
}

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
  // Keys of one hash tag share a Redis slot: one transaction each.
  std::vector<StateStore::Transaction> batch;
  absl::flat_hash_map<absl::string_view, size_t> by_tag;
  for (const auto& [key, pending] : taken) {
    if (pending.sum == 0) continue;
    auto [it, added] = by_tag.try_emplace(HashTagOf(key), batch.size());
    if (added) batch.emplace_back();
    batch[it->second].mutations.push_back({.key = key, .ttl = pending.ttl, .add = pending.sum});
  }
  if (batch.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<bool>> done = store_.Commit(std::move(batch));
  if (done.ok()) return absl::OkStatus();
  // Not written: keep the sums for the next flush. (On UNAVAILABLE Redis may
  // have applied some; counting twice is the lesser harm than losing.)
  absl::MutexLock lock(&mu_);
  for (const auto& [key, pending] : taken) {
    auto [it, inserted] = pending_.try_emplace(key, pending);
    if (!inserted) it->second.sum += pending.sum;
  }
  return done.status();
}

void SharedCounters::FlushLoop(absl::Duration interval) {
  while (!stop_.WaitForNotificationWithTimeout(interval)) {
    if (absl::Status s = Flush(); !s.ok()) {
      LogWarning("shared counters not written yet", {{"error", std::string(s.message())}});
    }
  }
}

}  // namespace riskd
