#include "server/state/redis/cluster_pipeline.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace riskd::redis {
namespace {

// A command still to be answered, and the node an ASK sent it to.
struct Pending {
  size_t index;
  std::string ask_address;
};

// What one node gets in one attempt.
struct NodeBatch {
  std::string address;
  std::vector<Pending> pending;
  std::vector<RedisCommand> wire;     // the commands, each ASK one after an ASKING
  std::vector<int> pending_of_reply;  // per wire reply: index into pending, -1 for ASKING
  NodeRoundTrips* trips = nullptr;
  NodeRoundTrips::Call call;
};

absl::Duration BackoffBefore(int attempt) {
  return absl::Milliseconds(10 << std::min(attempt, 4));  // 20 ms .. 160 ms
}

}  // namespace

absl::StatusOr<std::vector<RedisReply>> ClusterPipeline::Run(absl::Span<const SlotCommand> commands,
                                                             Resend resend) {
  std::vector<RedisReply> replies(commands.size());
  std::vector<Pending> pending;
  pending.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) pending.push_back({i, ""});

  // Nodes that refused a connection during this call: sending there again
  // is only worth it if the refreshed slot map points elsewhere.
  absl::flat_hash_map<std::string, absl::Status> unreachable;
  bool refresh_wanted = false, backoff_wanted = false;
  std::string refresh_hint, last_problem;

  for (int attempt = 0; !pending.empty(); ++attempt) {
    if (attempt >= max_attempts_) {
      return absl::UnavailableError(absl::StrCat("redis cluster: ", pending.size(),
                                                 " commands unanswered after ", max_attempts_,
                                                 " attempts, last: ", last_problem));
    }
    if (backoff_wanted) {
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(BackoffBefore(attempt)));
    }
    ClusterTopology::Snapshot snapshot = topology_->Current();
    if (refresh_wanted && topology_->Refresh(snapshot, refresh_hint).ok()) {
      snapshot = topology_->Current();
    }
    refresh_wanted = backoff_wanted = false;
    refresh_hint.clear();

    std::vector<NodeBatch> batches;
    absl::flat_hash_map<std::string, size_t> batch_of_address;
    std::vector<Pending> retry;
    for (Pending& item : pending) {
      std::string address = item.ask_address.empty()
                                ? std::string(snapshot.map->MasterOf(commands[item.index].slot))
                                : item.ask_address;
      if (address.empty()) {
        last_problem = absl::StrCat("no node serves slot ", commands[item.index].slot);
        refresh_wanted = backoff_wanted = true;
        retry.push_back(std::move(item));
        continue;
      }
      if (auto it = unreachable.find(address); it != unreachable.end()) return it->second;
      auto [it, added] = batch_of_address.try_emplace(address, batches.size());
      if (added) {
        batches.emplace_back();
        batches.back().address = address;
      }
      batches[it->second].pending.push_back(std::move(item));
    }
    pending = std::move(retry);

    // Send to every node first, then read: the round trips overlap. Each
    // node's round trip may carry other callers' commands too.
    absl::Status fatal;
    auto connection_lost = [&](NodeBatch& batch, absl::Status status) {
      if (resend == Resend::kSafe) {
        last_problem = std::string(status.message());
        refresh_wanted = true;
        for (Pending& item : batch.pending) pending.push_back(std::move(item));
      } else if (fatal.ok()) {
        fatal = std::move(status);
      }
    };
    for (NodeBatch& batch : batches) {
      for (size_t i = 0; i < batch.pending.size(); ++i) {
        if (!batch.pending[i].ask_address.empty()) {
          batch.wire.push_back({"ASKING"});
          batch.pending_of_reply.push_back(-1);
        }
        batch.wire.push_back(commands[batch.pending[i].index].command);
        batch.pending_of_reply.push_back(static_cast<int>(i));
      }
      batch.trips = &pools_->ForNode(batch.address).round_trips();
      batch.call.wire = batch.wire;
      batch.trips->Start(&batch.call);
    }
    // Receive the round trips this call sent before waiting for any that
    // another caller sent (see NodeRoundTrips).
    for (NodeBatch& batch : batches) batch.trips->FinishOwn(&batch.call);
    for (NodeBatch& batch : batches) {
      batch.trips->Finish(&batch.call);
      if (!batch.call.replies.ok()) {
        if (!batch.call.sent) {
          // Nothing was sent: always safe to retry after a refresh.
          unreachable.emplace(batch.address, batch.call.replies.status());
          last_problem = std::string(batch.call.replies.status().message());
          refresh_wanted = true;
          for (Pending& item : batch.pending) pending.push_back(std::move(item));
        } else {
          connection_lost(batch, batch.call.replies.status());
        }
        continue;
      }
      std::vector<RedisReply>& received = *batch.call.replies;
      for (size_t k = 0; k < received.size(); ++k) {
        int owner = batch.pending_of_reply[k];
        if (owner < 0) continue;  // ASKING's +OK
        Pending& item = batch.pending[owner];
        RedisReply& reply = received[k];
        if (reply.IsError()) {
          if (std::optional<Redirect> redirect = ParseRedirect(reply.str)) {
            last_problem = reply.str;
            if (redirect->kind == Redirect::Kind::kMoved) {
              topology_->ApplyMoved(redirect->slot, redirect->address);
              refresh_wanted = true;
              refresh_hint = redirect->address;
              pending.push_back({item.index, ""});
            } else {
              pending.push_back({item.index, redirect->address});
            }
            continue;
          }
          if (IsTransientClusterError(reply.str)) {
            // The command did not run. Start over from the slot's owner: a
            // migration may have finished meanwhile.
            last_problem = reply.str;
            refresh_wanted = backoff_wanted = true;
            pending.push_back({item.index, ""});
            continue;
          }
        }
        replies[item.index] = std::move(reply);
      }
    }
    if (!fatal.ok()) return fatal;
  }
  return replies;
}

absl::StatusOr<std::vector<RedisReply>> ClusterPipeline::RunOnNode(
    absl::string_view address, absl::Span<const RedisCommand> commands) {
  auto lease = pools_->ForNode(address).Acquire();
  if (!lease.ok()) return lease.status();
  return (*lease)->Execute(commands);
}

}  // namespace riskd::redis
