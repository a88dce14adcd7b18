#include "server/state/redis/slot_map.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/state/redis/crc16_slot.h"
#include "server/state/redis/redis_connection.h"

namespace riskd::redis {
namespace {

absl::Status Malformed(absl::string_view why) {
  return absl::InternalError(absl::StrCat("malformed CLUSTER SLOTS reply: ", why));
}

}  // namespace

SlotMap::SlotMap() : owner_(kClusterSlotCount, -1) {}

absl::StatusOr<SlotMap> SlotMap::FromClusterSlots(const RedisReply& reply,
                                                  absl::string_view answering_address) {
  if (reply.IsError()) {
    return absl::UnavailableError(
        absl::StrCat("CLUSTER SLOTS on ", answering_address, ": ", reply.str));
  }
  if (reply.type != RedisReply::Type::kArray) return Malformed("not an array");
  auto answering = SplitHostPort(answering_address);
  if (!answering.ok()) return answering.status();

  SlotMap map;
  for (const RedisReply& range : reply.elements) {
    if (range.type != RedisReply::Type::kArray || range.elements.size() < 3) {
      return Malformed("a range is not [first, last, master, ...]");
    }
    const RedisReply& first = range.elements[0];
    const RedisReply& last = range.elements[1];
    const RedisReply& master = range.elements[2];
    if (first.type != RedisReply::Type::kInteger || last.type != RedisReply::Type::kInteger ||
        first.integer < 0 || last.integer >= kClusterSlotCount || first.integer > last.integer) {
      return Malformed("bad slot range");
    }
    if (master.type != RedisReply::Type::kArray || master.elements.size() < 2 ||
        master.elements[0].type != RedisReply::Type::kString ||
        master.elements[1].type != RedisReply::Type::kInteger) {
      return Malformed("a master is not [host, port, ...]");
    }
    std::string host = master.elements[0].str;
    if (host.empty() || host == "?") host = answering->first;
    if (host.find(':') != std::string::npos) host = absl::StrCat("[", host, "]");  // IPv6
    std::string address = absl::StrCat(host, ":", master.elements[1].integer);
    int index = map.IndexOf(address);
    std::fill(map.owner_.begin() + first.integer, map.owner_.begin() + last.integer + 1, index);
  }
  return map;
}

absl::string_view SlotMap::MasterOf(int slot) const {
  if (slot < 0 || slot >= kClusterSlotCount || owner_[slot] < 0) return {};
  return addresses_[owner_[slot]];
}

void SlotMap::Assign(int slot, absl::string_view address) {
  if (slot < 0 || slot >= kClusterSlotCount) return;
  owner_[slot] = static_cast<int16_t>(IndexOf(address));
}

std::vector<std::string> SlotMap::Masters() const {
  std::vector<bool> serves(addresses_.size(), false);
  for (int16_t owner : owner_) {
    if (owner >= 0) serves[owner] = true;
  }
  std::vector<std::string> masters;
  for (size_t i = 0; i < addresses_.size(); ++i) {
    if (serves[i]) masters.push_back(addresses_[i]);
  }
  std::sort(masters.begin(), masters.end());
  return masters;
}

int SlotMap::IndexOf(absl::string_view address) {
  for (size_t i = 0; i < addresses_.size(); ++i) {
    if (addresses_[i] == address) return static_cast<int>(i);
  }
  addresses_.emplace_back(address);
  return static_cast<int>(addresses_.size() - 1);
}

}  // namespace riskd::redis
