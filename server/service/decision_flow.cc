#include "server/service/decision_flow.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/arena.h"
#include "server/common/logging.h"
#include "server/common/status_macros.h"
#include "server/funnel/case_webhooks.h"
#include "server/service/response_builder.h"
#include "server/service/user_update.h"
#include "server/state/hash_tag_transactions.h"
#include "server/state/state_keys.h"
#include "server/state/user_model.h"

namespace riskd {
namespace {

using riskd::state::v1::UserRecord;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
// A page may come back short when a filter is sparse: bound the work of one call.
constexpr size_t kMaxScannedPerPage = 5000;
constexpr absl::string_view kPageTokenVersion = "1:";

// The state writes detectors asked for, unguarded, one transaction per hash
// tag. Shared counters go to SharedCounters instead.
std::vector<StateStore::Transaction> DetectorWrites(const Decision& decision) {
  std::vector<StateStore::Mutation> writes;
  for (const DetectorOutcome& d : decision.detectors) {
    for (const StateWrite& w : d.run.writes) {
      if (w.shared) continue;
      writes.push_back({.key = PluginStateKey(d.name, w.key),
                        .value = w.value,
                        .ttl = absl::Milliseconds(w.ttl_ms),
                        .add = w.add});
    }
  }
  return TransactionsByHashTag(std::move(writes));
}

// Writes the user's updated record, this answer and the detectors' writes in
// one batch (see user_update.h: the detectors' writes, being unguarded, are
// applied once however often the record is). Returns the case steps raised.
absl::StatusOr<std::vector<CaseStep>> Record(
    StateStore& store, const Config& config, const NormalizedEvent& event, const Decision& decision,
    bool with_verdict, std::optional<std::string> user_bytes, UserRecord* parsed_record,
    google::protobuf::Arena& arena, const riskd::v1::AuthenticateResponse& response) {
  std::vector<StateStore::Mutation> answer;
  if (!event.request_id_generated && with_verdict) {
    answer.push_back({ResponseKey(event.user_id, event.request_id), response.SerializeAsString(),
                      config.state.response_ttl});
  }
  if (event.user_id.empty()) {
    std::vector<StateStore::Transaction> batch = DetectorWrites(decision);
    if (!answer.empty()) batch.push_back({.mutations = std::move(answer)});
    if (batch.empty()) return std::vector<CaseStep>{};
    RISKD_RETURN_IF_ERROR(store.Commit(std::move(batch)).status());
    return std::vector<CaseStep>{};
  }
  RISKD_ASSIGN_OR_RETURN(
      UserUpdateResult result,
      UpdateUser(
          store, event.user_id, std::move(user_bytes), DetectorWrites(decision),
          [&](UserRecord& record, bool) -> absl::StatusOr<UserChange> {
            UserChange change;
            change.changed = ApplyEvent(config.state.user_model, config.funnel, event, decision,
                                        with_verdict, record, change.steps);
            change.beside = answer;
            change.also = EnqueueCaseWebhooks(config.webhooks, change.steps, record, &decision,
                                              event.request_id, event.occurred_at);
            return change;
          },
          arena, parsed_record));
  return std::move(result.change.steps);
}

// Hands the detectors' shared-counter adds to `shared`, which writes them
// within a second (see shared_counters.h).
void AddSharedCounters(SharedCounters& shared, const Decision& decision) {
  for (const DetectorOutcome& d : decision.detectors) {
    for (const StateWrite& w : d.run.writes) {
      if (w.shared) shared.Add(PluginStateKey(d.name, w.key), *w.add, absl::Milliseconds(w.ttl_ms));
    }
  }
}

// Counts the event in the funnel: logins, the verdict, the webhooks raised.
void CountInFunnel(FunnelRecorder& funnel, const NormalizedEvent& event, const Decision& decision,
                   bool with_verdict, const std::vector<CaseStep>& steps) {
  if (event.type == riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED) {
    funnel.Add(event.occurred_at, FunnelCounter::kLoginsSucceeded);
  } else if (event.type == riskd::v1::EVENT_TYPE_LOGIN_FAILED) {
    funnel.Add(event.occurred_at, FunnelCounter::kLoginsFailed);
  }
  if (with_verdict) {
    if (auto counter = CounterForVerdict(decision.verdict)) funnel.Add(event.occurred_at, *counter);
  }
  for (const CaseStep& step : steps) {
    if (auto counter = CounterForWebhook(step.kind)) funnel.Add(event.occurred_at, *counter);
  }
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
  event.country = engine->CountryOf(event);

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

  // 2. Decide, knowing what the user said about this device. The record is
  // parsed once, here, and updated in place when the event is recorded.
  google::protobuf::Arena arena;
  UserRecord* record = nullptr;
  riskd_device_trust trust = RISKD_DEVICE_UNKNOWN;
  if (user_bytes) {
    record = google::protobuf::Arena::CreateMessage<UserRecord>(&arena);
    if (record->ParseFromString(*user_bytes)) {
      trust = TrustOf(*record, event.device_id);
    } else {
      record = nullptr;  // UpdateUser parses it again and reports DATA_LOSS
    }
  }
  Decision decision = engine->Decide(event, abi_event, &detector_state, trust);
  riskd::v1::AuthenticateResponse response;
  FillAuthenticateResponse(event, decision, response);

  // 3. Record, before replying.
  std::vector<CaseStep> steps;
  if (state_error.empty()) {
    absl::StatusOr<std::vector<CaseStep>> recorded =
        Record(store_, engine->config(), event, decision, with_verdict, std::move(user_bytes),
               record, arena, response);
    if (recorded.ok()) {
      steps = *std::move(recorded);
      AddSharedCounters(shared_counters_, decision);  // with the event, as its other writes
    } else {
      state_error = std::string(recorded.status().message());
    }
  }
  CountInFunnel(funnel_, event, decision, with_verdict, steps);
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
  response.set_user_id(decided.user_id());
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
