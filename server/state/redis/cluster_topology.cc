#include "server/state/redis/cluster_topology.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace riskd::redis {

ClusterTopology::Snapshot ClusterTopology::Current() const {
  absl::MutexLock lock(&mu_);
  return Snapshot{map_, refresh_count_};
}

absl::Status ClusterTopology::Load() {
  absl::MutexLock refresh_lock(&refresh_mu_);
  return FetchAndSwap("");
}

absl::Status ClusterTopology::Refresh(const Snapshot& seen, absl::string_view first_address) {
  absl::MutexLock refresh_lock(&refresh_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (refresh_count_ != seen.refresh_count) return absl::OkStatus();
  }
  return FetchAndSwap(first_address);
}

void ClusterTopology::ApplyMoved(int slot, absl::string_view address) {
  absl::MutexLock lock(&mu_);
  if (map_->MasterOf(slot) == address) return;
  auto patched = std::make_shared<SlotMap>(*map_);
  patched->Assign(slot, address);
  map_ = std::move(patched);
}

absl::Status ClusterTopology::FetchAndSwap(absl::string_view first_address) {
  // Candidates: the hinted node, the masters we know, then the seeds.
  std::vector<std::string> candidates;
  auto add = [&](absl::string_view address) {
    if (!address.empty() &&
        std::find(candidates.begin(), candidates.end(), address) == candidates.end()) {
      candidates.emplace_back(address);
    }
  };
  add(first_address);
  for (const std::string& master : Current().map->Masters()) add(master);
  for (const std::string& seed : seeds_) add(seed);

  std::vector<std::string> failures;
  for (const std::string& address : candidates) {
    absl::StatusOr<SlotMap> map = [&]() -> absl::StatusOr<SlotMap> {
      auto connection = pools_->ForNode(address).Acquire();
      if (!connection.ok()) return connection.status();
      auto reply = (*connection)->ExecuteOne({"CLUSTER", "SLOTS"});
      if (!reply.ok()) return reply.status();
      return SlotMap::FromClusterSlots(*reply, address);
    }();
    if (map.ok() && map->Masters().empty()) {
      map = absl::UnavailableError(absl::StrCat(address, " serves no slots yet"));
    }
    if (map.ok()) {
      absl::MutexLock lock(&mu_);
      map_ = std::make_shared<const SlotMap>(*std::move(map));
      ++refresh_count_;
      return absl::OkStatus();
    }
    failures.push_back(std::string(map.status().message()));
  }
  return absl::UnavailableError(absl::StrCat("no redis cluster node answered CLUSTER SLOTS: ",
                                             absl::StrJoin(failures, "; ")));
}

}  // namespace riskd::redis
