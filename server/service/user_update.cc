#include "server/service/user_update.h"

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/status_macros.h"
#include "server/state/state_keys.h"

namespace riskd {
namespace {

// A guarded write loses to each concurrent writer of the same user; with a
// jittered pause after each loss, 32 attempts make giving up vanishingly rare.
constexpr int kMaxCommitAttempts = 32;

}  // namespace

absl::StatusOr<UserUpdateResult> UpdateUser(StateStore& store, absl::string_view user_id,
                                            std::optional<std::string> bytes,
                                            std::vector<StateStore::Transaction> unguarded,
                                            const UserChangeFn& apply,
                                            google::protobuf::Arena& arena,
                                            riskd::state::v1::UserRecord* parsed) {
  const std::string user_key = UserKey(user_id);
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    const bool reuse = attempt == 0 && parsed != nullptr;
    UserUpdateResult result{
        .record =
            reuse ? parsed
                  : google::protobuf::Arena::CreateMessage<riskd::state::v1::UserRecord>(&arena)};
    if (bytes && !reuse && !result.record->ParseFromString(*bytes)) {
      return absl::DataLossError(
          absl::StrCat("the stored record of user ", user_id, " cannot be read"));
    }
    RISKD_ASSIGN_OR_RETURN(result.change, apply(*result.record, bytes.has_value()));
    StateStore::Transaction t;
    if (result.change.changed) {
      t.guard_key = user_key;
      t.guard_value = bytes;
      t.mutations.push_back({user_key, result.record->SerializeAsString()});
    }
    for (StateStore::Mutation& m : result.change.beside) t.mutations.push_back(std::move(m));
    result.change.beside.clear();
    std::vector<StateStore::Transaction> batch;
    const bool has_record = !t.mutations.empty();
    if (has_record) batch.push_back(std::move(t));
    for (StateStore::Transaction& w : unguarded) batch.push_back(std::move(w));
    unguarded.clear();  // applied with the first attempt only
    for (StateStore::Transaction& w : result.change.also) batch.push_back(std::move(w));
    result.change.also.clear();
    if (batch.empty()) return result;
    RISKD_ASSIGN_OR_RETURN(std::vector<bool> applied, store.Commit(std::move(batch)));
    if (!has_record || applied[0]) return result;
    // Lost to a concurrent update: pause a little, at random, so that two
    // writers in lockstep fall out of it, then read the fresh record.
    thread_local absl::BitGen jitter;
    absl::SleepFor(
        absl::Microseconds(absl::Uniform<int64_t>(jitter, 0, int64_t{50} << std::min(attempt, 6))));
    RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> fresh,
                           store.MultiGet({user_key}));
    bytes = fresh[0];
  }
  return absl::AbortedError(
      absl::StrCat("user ", user_id, " changed ", kMaxCommitAttempts, " times during one update"));
}

}  // namespace riskd
