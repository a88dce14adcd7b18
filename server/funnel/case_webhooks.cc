#include "server/funnel/case_webhooks.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/webhooks/webhook_outbox.h"

namespace riskd {

using riskd::state::v1::DeviceRecord;
using riskd::state::v1::UserRecord;

WebhookEvent WebhookEventFor(const CaseStep& step, const UserRecord& record,
                             const Decision* decision, absl::string_view request_id,
                             absl::Time at) {
  WebhookEvent event;
  event.kind = step.kind;
  // Device ids repeat across users (a derived id is the browser's): the user
  // makes the case id unique.
  event.case_id = absl::StrCat(record.id(), "/", step.case_id);
  event.user_id = record.id();
  event.user_email = record.email();
  event.occurred_at = at;
  const DeviceRecord* device = nullptr;
  for (const DeviceRecord& d : record.devices()) {
    if (!step.device_id.empty() && d.id() == step.device_id) device = &d;
  }
  if (device != nullptr) {
    event.device_id = device->id();
    event.device_user_agent = device->user_agent();
    event.device_last_ip = device->last_ip();
    event.device_country = device->last_country();
  }
  if (decision != nullptr) {
    event.request_id = std::string(request_id);
    event.score = decision->risk_score;
    for (const DetectorOutcome& d : decision->detectors) {
      for (const RaisedSignal& s : d.run.signals) {
        event.signals.push_back({d.name, s.name, s.detail});
      }
    }
  } else if (device != nullptr) {
    event.request_id = request_id.empty() ? device->last_request_id() : std::string(request_id);
    event.score = device->last_score();
    for (const std::string& signal : device->last_signals()) {
      size_t slash = signal.find('/');
      event.signals.push_back({signal.substr(0, slash),
                               slash == std::string::npos ? "" : signal.substr(slash + 1), ""});
    }
  } else {
    event.request_id = std::string(request_id);
  }
  return event;
}

std::vector<StateStore::Transaction> EnqueueCaseWebhooks(
    const WebhooksConfig& webhooks, const std::vector<CaseStep>& steps, const UserRecord& record,
    const Decision* decision, absl::string_view request_id, absl::Time at) {
  std::vector<StateStore::Transaction> writes;
  if (steps.empty()) return writes;
  const WebhookOutbox outbox(webhooks);
  for (const CaseStep& step : steps) {
    for (StateStore::Transaction& t :
         outbox.Enqueue(WebhookEventFor(step, record, decision, request_id, at), absl::Now())) {
      writes.push_back(std::move(t));
    }
  }
  return writes;
}

}  // namespace riskd
