// Counters that many events add to (a population's frequencies, detectors'
// shared counters of ABI 1.4): summed in memory and written about once a
// second, so that a popular counter costs one write a second instead of one
// per event, in RocksDB's memtable as on Redis Cluster.
//
// What it trades: a read sees the counter as of the last flush, and a riskd
// killed with -9 loses the adds of the last interval (a clean stop writes
// them). Never for counts that each event must see, such as attack counters.
#ifndef RISKD_SERVER_STATE_SHARED_COUNTERS_H_
#define RISKD_SERVER_STATE_SHARED_COUNTERS_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/periodic_flusher.h"
#include "server/state/state_store.h"

namespace riskd {

class SharedCounters {
 public:
  // Writes to `store` every `flush_interval` from a thread of its own.
  SharedCounters(StateStore& store, absl::Duration flush_interval);
  // Writes what is left.
  ~SharedCounters();
  SharedCounters(const SharedCounters&) = delete;
  SharedCounters& operator=(const SharedCounters&) = delete;

  // Adds `delta` to `key`. `ttl` applies when the flush creates the key (the
  // first add's, if adds disagree). Cheap: a lock and a map.
  void Add(absl::string_view key, int64_t delta, absl::Duration ttl);

  // Writes the sums, one atomic add per key, keys of one hash tag in one
  // transaction; on failure keeps them for the next try.
  absl::Status Flush();

 private:
  struct Pending {
    int64_t sum = 0;
    absl::Duration ttl;
  };
  StateStore& store_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Pending> pending_ ABSL_GUARDED_BY(mu_);
  absl::Mutex flush_mu_;     // one flush at a time
  PeriodicFlusher flusher_;  // last: its thread uses the members above
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_SHARED_COUNTERS_H_
