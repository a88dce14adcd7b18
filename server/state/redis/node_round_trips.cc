#include "server/state/redis/node_round_trips.h"

#include <algorithm>
#include <optional>

#include "server/state/redis/node_connection_pool.h"

namespace riskd::redis {

struct NodeRoundTrips::Trip {
  std::vector<Call*> calls;
  std::optional<NodeConnectionPool::Lease> lease;
  bool sent = false;
  absl::Status failure;
};

namespace {

// What a waiting caller waits for: its call finished, or its call still
// queued while the wire has room, so that it can carry the queue itself.
struct WaitState {
  const NodeRoundTrips::Call* call;
  const std::vector<NodeRoundTrips::Call*>* queued;
  const int* in_flight;
  int max_in_flight;
};

}  // namespace

std::unique_ptr<NodeRoundTrips::Trip> NodeRoundTrips::TakeQueued() {
  auto trip = std::make_unique<Trip>();
  trip->calls.swap(queued_);
  ++in_flight_;
  return trip;
}

void NodeRoundTrips::Send(Trip& trip) {
  absl::StatusOr<NodeConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) {
    trip.failure = lease.status();  // nothing was sent
    return;
  }
  trip.lease.emplace(*std::move(lease));
  std::vector<absl::Span<const RedisCommand>> wires;
  wires.reserve(trip.calls.size());
  for (const Call* call : trip.calls) wires.push_back(call->wire);
  trip.sent = true;  // a write that fails may have sent part of it
  trip.failure = (*trip.lease)->SendAll(wires);
}

void NodeRoundTrips::Receive(Trip& trip) {
  if (trip.failure.ok()) {
    size_t total = 0;
    for (const Call* call : trip.calls) total += call->wire.size();
    absl::StatusOr<std::vector<RedisReply>> replies = (*trip.lease)->Receive(total);
    if (replies.ok()) {
      auto next = replies->begin();
      for (Call* call : trip.calls) {
        std::vector<RedisReply> own(std::make_move_iterator(next),
                                    std::make_move_iterator(next + call->wire.size()));
        next += call->wire.size();
        call->replies = std::move(own);
      }
    } else {
      trip.failure = replies.status();
    }
  }
  if (!trip.failure.ok()) {
    for (Call* call : trip.calls) call->replies = trip.failure;
  }
  for (Call* call : trip.calls) call->sent = trip.sent;
  trip.lease.reset();  // back to the pool, or closed if it failed
}

void NodeRoundTrips::Complete(std::unique_ptr<Trip> trip) {
  absl::MutexLock lock(&mu_);
  for (Call* call : trip->calls) call->done = true;
  --in_flight_;
}

void NodeRoundTrips::Start(Call* call) {
  call->done = false;
  call->sent = false;
  call->own_trip = nullptr;
  std::unique_ptr<Trip> trip;
  {
    absl::MutexLock lock(&mu_);
    queued_.push_back(call);
    if (in_flight_ >= max_in_flight_) return;  // a later trip carries it
    trip = TakeQueued();
  }
  Send(*trip);
  call->own_trip = trip.release();
}

void NodeRoundTrips::FinishOwn(Call* call) {
  if (call->own_trip == nullptr) return;
  std::unique_ptr<Trip> trip(call->own_trip);
  call->own_trip = nullptr;
  Receive(*trip);
  Complete(std::move(trip));
}

void NodeRoundTrips::Finish(Call* call) {
  FinishOwn(call);
  WaitState state{call, &queued_, &in_flight_, max_in_flight_};
  auto can_proceed = [](WaitState* s) {
    if (s->call->done) return true;
    return *s->in_flight < s->max_in_flight &&
           std::find(s->queued->begin(), s->queued->end(), s->call) != s->queued->end();
  };
  mu_.Lock();
  for (;;) {
    mu_.Await(absl::Condition(+can_proceed, &state));
    if (call->done) break;
    // Still queued, and the wire has room: carry the queue (ours included).
    std::unique_ptr<Trip> trip = TakeQueued();
    mu_.Unlock();
    Send(*trip);
    Receive(*trip);
    Complete(std::move(trip));
    mu_.Lock();
  }
  mu_.Unlock();
}

}  // namespace riskd::redis
