// One read-modify-write of a user's record that never loses a concurrent
// update: the write is guarded by the bytes that were read, and a write that
// loses to another (thread or riskd replica) is applied again to the fresh
// record. Decisions and feedback both change users this way.
#ifndef RISKD_SERVER_SERVICE_USER_UPDATE_H_
#define RISKD_SERVER_SERVICE_USER_UPDATE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/arena.h"
#include "riskd/state/v1/user_record.pb.h"
#include "server/funnel/case_model.h"
#include "server/state/state_store.h"

namespace riskd {

// What one application of a change did to the record.
struct UserChange {
  bool changed = false;  // write the record back
  // More writes that must land atomically with the record; their keys carry
  // the user's hash tag (the stored answer to a retry, webhooks to send).
  std::vector<StateStore::Mutation> beside;
  std::vector<CaseStep> steps;  // the case steps this change raised
  // Writes to other keys that this application calls for, committed in the
  // same batch (the webhooks its steps raise). They must be idempotent: a
  // lost race commits them again from the next application.
  std::vector<StateStore::Transaction> also;
};

// Applies a change to `record` (empty when the user is new, `exists` false).
// Called again on a fresh record after each lost race: it must be pure.
using UserChangeFn =
    std::function<absl::StatusOr<UserChange>(riskd::state::v1::UserRecord& record, bool exists)>;

struct UserUpdateResult {
  riskd::state::v1::UserRecord* record;  // as written (or read, when unchanged)
  UserChange change;                     // of the application that was written
};

// Starts from `bytes`, the record as read by the caller's batch (nullopt: no
// record), applies `apply` and commits it guarded, with `unguarded` (other
// keys' writes, applied once) in the same batch. DATA_LOSS for a record that
// does not parse, ABORTED after too many lost races, UNAVAILABLE from the store.
// Records are built on `arena`: a record's many small parts come and go at once.
// `parsed`, when not null, is `bytes` already parsed on `arena` by the caller:
// the first attempt changes it instead of parsing the bytes again.
absl::StatusOr<UserUpdateResult> UpdateUser(StateStore& store, absl::string_view user_id,
                                            std::optional<std::string> bytes,
                                            std::vector<StateStore::Transaction> unguarded,
                                            const UserChangeFn& apply,
                                            google::protobuf::Arena& arena,
                                            riskd::state::v1::UserRecord* parsed = nullptr);

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_USER_UPDATE_H_
