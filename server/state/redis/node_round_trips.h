// Round trips to one Redis node, shared by concurrent callers: while a
// round trip is on the wire, other callers queue their commands, and the next
// round trip carries all of them in one write and one read. Redis runs a
// connection's commands in order, so each caller's commands stay contiguous
// and its replies (redirects and errors included) stay its own. Under load
// the node then serves many decisions per read event, and riskd makes one
// send and one receive for them; a caller alone finds the wire free and
// sends at once, paying nothing.
//
// Two steps, so that a caller with commands for several nodes sends to all
// of them before waiting for any (their round trips overlap):
//
//   for each node: trips.Start(&call)       sends now, or queues
//   for each node: trips.FinishOwn(&call)   receives the trip it sent, if any
//   for each node: trips.Finish(&call)      waits for, or carries, the rest
//
// A caller must receive every trip it sent (FinishOwn) before it waits for a
// trip someone else sent (Finish): otherwise two callers could each wait for
// the trip the other one sent.
#ifndef RISKD_SERVER_STATE_REDIS_NODE_ROUND_TRIPS_H_
#define RISKD_SERVER_STATE_REDIS_NODE_ROUND_TRIPS_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "server/state/redis/redis_connection.h"

namespace riskd::redis {

class NodeConnectionPool;

class NodeRoundTrips {
 public:
  // At most `max_in_flight` round trips to the node at once (each on its own
  // connection); more callers queue and share the next one.
  NodeRoundTrips(NodeConnectionPool* pool, int max_in_flight)
      : pool_(pool), max_in_flight_(max_in_flight) {}
  NodeRoundTrips(const NodeRoundTrips&) = delete;
  NodeRoundTrips& operator=(const NodeRoundTrips&) = delete;

  struct Trip;
  struct Call {
    absl::Span<const RedisCommand> wire;
    // When finished: the replies to `wire`, in order, or UNAVAILABLE naming
    // the node. `sent` says whether any of the commands may have reached the
    // node (false: nothing was sent, so trying again is always safe).
    absl::StatusOr<std::vector<RedisReply>> replies;
    bool sent = false;

   private:
    friend class NodeRoundTrips;
    bool done = false;
    Trip* own_trip = nullptr;  // sent by this caller, not yet received
  };

  void Start(Call* call);
  void FinishOwn(Call* call);
  void Finish(Call* call);

 private:
  // Takes every queued call into a new trip; the caller sends it.
  std::unique_ptr<Trip> TakeQueued() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Send(Trip& trip);
  void Receive(Trip& trip);
  // Marks the trip's calls finished and frees its place on the wire.
  void Complete(std::unique_ptr<Trip> trip);

  NodeConnectionPool* const pool_;
  const int max_in_flight_;
  absl::Mutex mu_;
  std::vector<Call*> queued_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_NODE_ROUND_TRIPS_H_
