#include "server/service/decision_flow.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/arena.h"
#include "server/common/logging.h"
#include "server/common/status_macros.h"
#include "server/service/response_builder.h"
#include "server/state/state_keys.h"
#include "server/state/user_model.h"

namespace riskd {
namespace {

using riskd::state::v1::UserRecord;

// A guarded write loses to each concurrent writer of the same user; with a
// jittered pause after each loss, 32 attempts make giving up vanishingly rare.
constexpr int kMaxCommitAttempts = 32;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
// A page may come back short when a filter is sparse: bound the work of one call.
constexpr size_t kMaxScannedPerPage = 5000;
constexpr absl::string_view kPageTokenVersion = "1:";

// The state writes detectors asked for, one unguarded transaction each.
std::vector<StateStore::Transaction> DetectorWrites(const Decision& decision) {
  std::vector<StateStore::Transaction> writes;
  for (const DetectorOutcome& d : decision.detectors) {
    for (const StateWrite& w : d.run.writes) {
      StateStore::Mutation m{.key = PluginStateKey(d.name, w.key),
                             .value = w.value,
                             .ttl = absl::Milliseconds(w.ttl_ms),
                             .add = w.add};
      writes.push_back({.mutations = {std::move(m)}});
    }
  }
  return writes;
}

// Writes the user's updated record, this answer and the detectors' writes in
// one batch. The record is guarded by the value read before: a concurrent
// update (another thread, another replica) makes the guard fail, and the
// event is applied again to the fresh record (the detectors' writes, being
// unguarded, were applied the first time).
absl::Status Record(StateStore& store, const StateConfig& state, const NormalizedEvent& event,
                    const Decision& decision, bool with_verdict,
                    std::optional<std::string> user_bytes,
                    const riskd::v1::AuthenticateResponse& response) {
  const bool has_user = !event.user_id.empty();
  const std::string user_key = has_user ? UserKey(event.user_id) : "";
  std::vector<StateStore::Transaction> detector_writes = DetectorWrites(decision);
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    StateStore::Transaction t;
    if (has_user) {
      // On an arena: the record's many small parts come and go at once.
      google::protobuf::Arena arena;
      UserRecord& record = *google::protobuf::Arena::CreateMessage<UserRecord>(&arena);
      if (user_bytes && !record.ParseFromString(*user_bytes)) {
        return absl::DataLossError(
            absl::StrCat("the stored record of user ", event.user_id, " cannot be read"));
      }
      if (ApplyEvent(state.user_model, event, decision, with_verdict, record)) {
        t.guard_key = user_key;
        t.guard_value = user_bytes;
        t.mutations.push_back({user_key, record.SerializeAsString()});
      }
    }
    if (!event.request_id_generated && with_verdict) {
      t.mutations.push_back({ResponseKey(event.user_id, event.request_id),
                             response.SerializeAsString(), state.response_ttl});
    }
    std::vector<StateStore::Transaction> batch;
    const bool has_record = !t.mutations.empty();
    if (has_record) batch.push_back(std::move(t));
    for (StateStore::Transaction& w : detector_writes) batch.push_back(std::move(w));
    detector_writes.clear();  // applied with the first attempt only
    if (batch.empty()) return absl::OkStatus();
    RISKD_ASSIGN_OR_RETURN(std::vector<bool> applied, store.Commit(std::move(batch)));
    if (!has_record || applied[0]) return absl::OkStatus();
    // Lost to a concurrent update: pause a little, at random, so that two
    // writers in lockstep fall out of it, then read the fresh record.
    thread_local absl::BitGen jitter;
    absl::SleepFor(
        absl::Microseconds(absl::Uniform<int64_t>(jitter, 0, int64_t{50} << std::min(attempt, 6))));
    RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> fresh,
                           store.MultiGet({user_key}));
    user_bytes = fresh[0];
  }
  return absl::AbortedError(absl::StrCat("user ", event.user_id, " changed ", kMaxCommitAttempts,
                                         " times during one update"));
}

// Fail-closed: without its memory riskd asks for a second factor.
void ApplyUnavailablePolicy(const StateConfig& state, const std::string& error,
                            riskd::v1::AuthenticateResponse& response) {
  response.set_state_error(error);
  if (state.on_unavailable != FailMode::kClosed) return;
  response.set_verdict(riskd::v1::VERDICT_CHALLENGE);
  response.set_policy("state.on_unavailable");
  response.set_reason(
      absl::StrCat("the state store is unavailable and state.on_unavailable is "
                   "closed: ",
                   error));
}

}  // namespace

absl::StatusOr<riskd::v1::AuthenticateResponse> DecisionFlow::Run(absl::string_view rpc,
                                                                  const riskd::v1::Event& raw,
                                                                  bool with_verdict) {
  const absl::Time start = absl::Now();
  std::shared_ptr<const DecisionEngine> engine = engines_.Get();
  const StateConfig& state = engine->config().state;
  RISKD_ASSIGN_OR_RETURN(NormalizedEvent event, engine->validator().Validate(raw, start));

  // 1. One batched read: the user's record, any answer to this request id,
  // and every detector's own keys.
  std::vector<std::string> keys;
  if (!event.user_id.empty()) keys.push_back(UserKey(event.user_id));
  const bool retryable = !event.request_id_generated;
  if (retryable) keys.push_back(ResponseKey(event.user_id, event.request_id));
  const size_t own_keys = keys.size();
  const AbiEvent abi_event(event);  // the detectors' view, built once
  const std::vector<std::vector<std::string>> detector_keys = engine->StateKeys(abi_event);
  for (size_t d = 0; d < detector_keys.size(); ++d) {
    for (const std::string& key : detector_keys[d]) {
      keys.push_back(PluginStateKey(engine->detectors()[d].config->name, key));
    }
  }
  std::optional<std::string> user_bytes;
  std::string state_error;
  DecisionEngine::DetectorState detector_state(detector_keys.size());
  absl::StatusOr<std::vector<std::optional<std::string>>> values = store_.MultiGet(keys);
  if (!values.ok()) {
    state_error = std::string(values.status().message());
  } else {
    if (!event.user_id.empty()) user_bytes = (*values)[0];
    if (retryable && (*values)[own_keys - 1]) {
      riskd::v1::AuthenticateResponse stored;
      if (stored.ParseFromString(*(*values)[own_keys - 1])) {
        stored.set_replayed(true);
        return stored;
      }
    }
    size_t next = own_keys;
    for (size_t d = 0; d < detector_keys.size(); ++d) {
      for (const std::string& key : detector_keys[d]) {
        detector_state[d].emplace_back(key, (*values)[next++]);
      }
    }
  }

  // 2. Decide.
  Decision decision = engine->Decide(event, abi_event, &detector_state);
  riskd::v1::AuthenticateResponse response;
  FillAuthenticateResponse(event, decision, response);

  // 3. Record, before replying.
  if (state_error.empty()) {
    absl::Status recorded =
        Record(store_, state, event, decision, with_verdict, user_bytes, response);
    if (!recorded.ok()) state_error = std::string(recorded.message());
  }
  if (!state_error.empty()) {
    ApplyUnavailablePolicy(state, state_error, response);
    LogWarning("state store unavailable",
               {{"request_id", event.request_id}, {"error", state_error}});
  }
  LogDecision(rpc, event, decision, absl::Now() - start);
  return response;
}

absl::StatusOr<riskd::v1::AuthenticateResponse> DecisionFlow::Authenticate(
    const riskd::v1::Event& event) {
  return Run("Authenticate", event, /*with_verdict=*/true);
}

absl::StatusOr<riskd::v1::TrackResponse> DecisionFlow::Track(const riskd::v1::Event& event) {
  RISKD_ASSIGN_OR_RETURN(riskd::v1::AuthenticateResponse decided,
                         Run("Track", event, /*with_verdict=*/false));
  riskd::v1::TrackResponse response;
  response.set_request_id(decided.request_id());
  response.set_device_id(decided.device_id());
  response.set_state_error(decided.state_error());
  return response;
}

absl::StatusOr<riskd::v1::GetUserResponse> DecisionFlow::GetUser(
    const riskd::v1::GetUserRequest& request) {
  if (request.user_id().empty()) return absl::InvalidArgumentError("user_id: is required");
  RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                         store_.MultiGet({UserKey(request.user_id())}));
  if (!values[0]) {
    return absl::NotFoundError(
        absl::StrCat("user_id: riskd has never seen user \"", request.user_id(), "\""));
  }
  UserRecord record;
  if (!record.ParseFromString(*values[0])) {
    return absl::DataLossError(
        absl::StrCat("the stored record of user ", request.user_id(), " cannot be read"));
  }
  riskd::v1::GetUserResponse response;
  ToUserProfile(engines_.Get()->config().state.user_model, record, absl::Now(),
                *response.mutable_user());
  return response;
}

absl::StatusOr<riskd::v1::ListUsersResponse> DecisionFlow::ListUsers(
    const riskd::v1::ListUsersRequest& request) {
  const std::string& flag = request.flag();
  if (!flag.empty() &&
      std::find(std::begin(kUserFlags), std::end(kUserFlags), flag) == std::end(kUserFlags)) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag: unknown flag \"", flag,
                     "\" (expected one of: ", absl::StrJoin(kUserFlags, ", "), ")"));
  }
  if (request.min_risk_score() < 0 || request.min_risk_score() > 1) {
    return absl::InvalidArgumentError("min_risk_score: must be between 0 and 1");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be between 0 and ", kMaxPageSize));
  }
  const size_t page_size = request.page_size() ? request.page_size() : kDefaultPageSize;

  // The page token wraps the store's own cursor.
  std::string cursor;
  if (!request.page_token().empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &decoded) ||
        !absl::StartsWith(decoded, kPageTokenVersion)) {
      return absl::InvalidArgumentError("page_token: not a token from a previous ListUsers");
    }
    cursor = decoded.substr(kPageTokenVersion.size());
  }

  const UserModelOptions& model = engines_.Get()->config().state.user_model;
  const absl::Time now = absl::Now();
  riskd::v1::ListUsersResponse response;
  absl::flat_hash_set<std::string> listed;  // the Redis scan may repeat a key
  size_t scanned = 0;
  do {
    RISKD_ASSIGN_OR_RETURN(StateStore::ScanPage page,
                           store_.Scan(kUserKeyPrefix, cursor, page_size - response.users_size()));
    for (const auto& [key, value] : page.items) {
      ++scanned;
      UserRecord record;
      if (!record.ParseFromString(value) || !listed.insert(key).second) continue;
      if (CurrentRiskScore(model, record, now) < request.min_risk_score()) continue;
      riskd::v1::UserProfile profile;
      ToUserProfile(model, record, now, profile);
      if (!flag.empty() && std::find(profile.flags().begin(), profile.flags().end(), flag) ==
                               profile.flags().end()) {
        continue;
      }
      *response.add_users() = std::move(profile);
    }
    cursor = page.next_cursor;
  } while (!cursor.empty() && static_cast<size_t>(response.users_size()) < page_size &&
           scanned < kMaxScannedPerPage);
  if (!cursor.empty()) {
    response.set_next_page_token(
        absl::WebSafeBase64Escape(absl::StrCat(kPageTokenVersion, cursor)));
  }
  return response;
}

}  // namespace riskd
