#include "bench/user_history.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/decision/decision.h"
#include "server/state/state_keys.h"
#include "server/state/user_model.h"

namespace riskd {

std::string UserId(int user) { return absl::StrCat("user", user); }

riskd::state::v1::UserRecord History(int user, std::mt19937& random, const UserModelOptions& o) {
  const char* kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.4 Safari/605.1.15"};
  riskd::state::v1::UserRecord record;
  const int events = 20 + random() % 41;
  const int devices = 1 + random() % 3, ips = 2 + random() % 5;
  const absl::Time start = absl::Now() - absl::Hours(24 * 90);
  Decision decision;
  for (int e = 0; e < events; ++e) {
    NormalizedEvent event;
    event.user_id = UserId(user);
    event.email = absl::StrCat(UserId(user), "@example.com");
    event.email_domain = "example.com";
    event.request_id = absl::StrCat("req-", user, "-", e);
    event.request_id_generated = random() % 2;  // half the apps send their own ids
    int kind = random() % 100;
    event.type = kind < 85   ? riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED
                 : kind < 98 ? riskd::v1::EVENT_TYPE_LOGIN_FAILED
                             : riskd::v1::EVENT_TYPE_PASSWORD_RESET_SUCCEEDED;
    event.occurred_at = start + absl::Hours(24 * 90) * e / events;
    int device = random() % devices;
    event.device_id = absl::StrCat("dev_", user * 7 + device);
    event.user_agent = kAgents[device];
    event.ip = *IpAddress::Parse(absl::StrCat("81.", user % 250, ".", random() % ips, ".", 10));
    decision.risk_score = (random() % 100) / 400.0;
    std::vector<CaseStep> steps;
    ApplyEvent(o, FunnelOptions{}, event, decision, true, record, steps);
  }
  return record;
}

absl::StatusOr<int64_t> WriteUsers(StateStore& store, int users, std::mt19937& random) {
  const UserModelOptions options;
  int64_t record_bytes = 0;
  std::vector<StateStore::Transaction> batch;
  for (int user = 0; user < users; ++user) {
    std::string bytes = History(user, random, options).SerializeAsString();
    record_bytes += bytes.size();
    batch.push_back({.mutations = {{UserKey(UserId(user)), std::move(bytes)}}});
    if (batch.size() == 1000 || user + 1 == users) {
      absl::StatusOr<std::vector<bool>> applied = store.Commit(std::move(batch));
      if (!applied.ok()) return applied.status();
      batch.clear();
    }
  }
  return record_bytes;
}

}  // namespace riskd
