#include "server/service/response_builder.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/common/event_types.h"
#include "server/common/logging.h"

namespace riskd {

void FillAuthenticateResponse(const NormalizedEvent& event, const Decision& decision,
                              riskd::v1::AuthenticateResponse& response) {
  response.set_verdict(decision.verdict);
  response.set_risk_score(decision.risk_score);
  response.set_policy(decision.policy);
  response.set_reason(decision.reason);
  response.set_monitor_only(decision.monitor_only);
  response.set_device_id(event.device_id);
  response.set_request_id(event.request_id);
  response.set_user_id(event.user_id);
  for (const DetectorOutcome& d : decision.detectors) {
    riskd::v1::DetectorResult* result = response.add_detectors();
    result->set_name(d.name);
    result->set_score(d.run.score);
    result->set_weight(d.weight);
    result->set_error(d.run.error);
    result->set_duration_us(absl::ToInt64Microseconds(d.run.duration));
    auto add = [&](const std::string& name, const std::string& detail) {
      for (riskd::v1::Signal* s : {result->add_signals(), response.add_signals()}) {
        s->set_name(name);
        s->set_detail(detail);
        s->set_detector(d.name);
      }
    };
    for (const RaisedSignal& s : d.run.signals) add(s.name, s.detail);
    if (!d.run.error.empty()) add(kDetectorFailedSignal, d.run.error);
  }
}

void LogDecision(absl::string_view rpc, const NormalizedEvent& event, const Decision& decision,
                 absl::Duration latency) {
  if (!LogEnabled(LogLevel::kDebug)) return;
  std::vector<std::string> signals, errors;
  for (const DetectorOutcome& d : decision.detectors) {
    for (const RaisedSignal& s : d.run.signals) signals.push_back(s.name);
    if (!d.run.error.empty()) errors.push_back(absl::StrCat(d.name, ": ", d.run.error));
  }
  Log(LogLevel::kDebug, "decision",
      {{"rpc", std::string(rpc)},
       {"request_id", event.request_id},
       {"type", EventTypeName(event.type)},
       {"user", event.user_id},
       {"ip", event.ip ? event.ip->ToString() : ""},
       {"device", event.device_id},
       {"verdict", VerdictName(decision.verdict)},
       {"score", absl::StrFormat("%.4f", decision.risk_score)},
       {"policy", decision.policy},
       {"monitor_only", decision.monitor_only ? "true" : "false"},
       {"signals", absl::StrJoin(signals, ",")},
       {"errors", absl::StrJoin(errors, "; ")},
       {"latency_us", absl::StrCat(absl::ToInt64Microseconds(latency))}});
}

}  // namespace riskd
