#include "server/service/recovery_flow.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/status_macros.h"
#include "server/funnel/case_model.h"
#include "server/funnel/case_webhooks.h"
#include "server/service/user_update.h"
#include "server/state/state_keys.h"
#include "server/state/user_model.h"

namespace riskd {
namespace {

using riskd::state::v1::UserRecord;

absl::Status UnknownUser(absl::string_view user_id) {
  return absl::NotFoundError(absl::StrCat("user_id: riskd has never seen user \"", user_id, "\""));
}

absl::Status UnknownDevice(absl::string_view user_id, absl::string_view device_id) {
  return absl::NotFoundError(
      absl::StrCat("device_id: user \"", user_id, "\" has no device \"", device_id, "\""));
}

}  // namespace

absl::StatusOr<riskd::v1::ReportFeedbackResponse> RecoveryFlow::ReportFeedback(
    const riskd::v1::ReportFeedbackRequest& request) {
  if (request.user_id().empty()) return absl::InvalidArgumentError("user_id: is required");
  if (request.type() == riskd::v1::FEEDBACK_TYPE_UNSPECIFIED ||
      !riskd::v1::FeedbackType_IsValid(request.type())) {
    return absl::InvalidArgumentError("type: must be one of the FeedbackType values");
  }
  const absl::Time now = absl::Now();

  // One read: the user, and the decision the feedback answers when it names
  // no device.
  std::vector<std::string> keys = {UserKey(request.user_id())};
  const bool device_from_request = request.device_id().empty() && !request.request_id().empty();
  if (device_from_request) keys.push_back(ResponseKey(request.user_id(), request.request_id()));
  RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values, store_.MultiGet(keys));
  if (!values[0]) return UnknownUser(request.user_id());
  std::string device_id = request.device_id();
  if (device_from_request) {
    riskd::v1::AuthenticateResponse decided;
    if (!values[1] || !decided.ParseFromString(*values[1])) {
      return absl::NotFoundError(absl::StrCat("request_id: no stored decision \"",
                                              request.request_id(), "\" for user \"",
                                              request.user_id(), "\""));
    }
    device_id = decided.device_id();
  }

  google::protobuf::Arena arena;
  RISKD_ASSIGN_OR_RETURN(
      UserUpdateResult result,
      UpdateUser(
          store_, request.user_id(), values[0], {},
          [&](UserRecord& record, bool) -> absl::StatusOr<UserChange> {
            if (!device_id.empty() && FindDevice(record, device_id) == nullptr) {
              return UnknownDevice(request.user_id(), device_id);
            }
            FeedbackOutcome outcome = ApplyFeedback(request.type(), device_id, record);
            UserChange change{.changed = outcome.changed, .steps = std::move(outcome.steps)};
            change.also =
                EnqueueCaseWebhooks(engines_.Get()->config().webhooks, change.steps, record,
                                    /*decision=*/nullptr, request.request_id(), now);
            return change;
          },
          arena));

  // A repeated feedback counts once; a failed challenge counts each time.
  if (result.change.changed || request.type() == riskd::v1::FEEDBACK_TYPE_CHALLENGE_FAILED) {
    if (auto counter = CounterForFeedback(request.type())) funnel_.Add(now, *counter);
  }
  riskd::v1::ReportFeedbackResponse response;
  response.set_changed(result.change.changed);
  for (const CaseStep& step : result.change.steps) {
    if (auto counter = CounterForWebhook(step.kind)) funnel_.Add(now, *counter);
    response.add_webhooks(step.kind);
  }
  if (const auto* device = FindDevice(*result.record, device_id)) {
    ToDevice(*device, *response.mutable_device());
  }
  const UserModelOptions& model = engines_.Get()->config().state.user_model;
  for (std::string& flag : UserFlags(model, *result.record, now)) {
    response.add_flags(std::move(flag));
  }
  return response;
}

absl::StatusOr<riskd::v1::ListDevicesResponse> RecoveryFlow::ListDevices(
    const riskd::v1::ListDevicesRequest& request) {
  if (request.user_id().empty()) return absl::InvalidArgumentError("user_id: is required");
  RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                         store_.MultiGet({UserKey(request.user_id())}));
  if (!values[0]) return UnknownUser(request.user_id());
  UserRecord record;
  if (!record.ParseFromString(*values[0])) {
    return absl::DataLossError(
        absl::StrCat("the stored record of user ", request.user_id(), " cannot be read"));
  }
  riskd::v1::ListDevicesResponse response;
  for (const auto& device : record.devices()) ToDevice(device, *response.add_devices());
  return response;
}

absl::StatusOr<riskd::v1::DeviceResponse> RecoveryFlow::DeviceFeedback(
    const riskd::v1::DeviceRequest& request, riskd::v1::FeedbackType type) {
  if (request.device_id().empty()) return absl::InvalidArgumentError("device_id: is required");
  riskd::v1::ReportFeedbackRequest feedback;
  feedback.set_user_id(request.user_id());
  feedback.set_device_id(request.device_id());
  feedback.set_type(type);
  RISKD_ASSIGN_OR_RETURN(riskd::v1::ReportFeedbackResponse done, ReportFeedback(feedback));
  riskd::v1::DeviceResponse response;
  *response.mutable_device() = std::move(*done.mutable_device());
  response.set_changed(done.changed());
  *response.mutable_flags() = std::move(*done.mutable_flags());
  return response;
}

absl::StatusOr<riskd::v1::DeviceResponse> RecoveryFlow::ApproveDevice(
    const riskd::v1::DeviceRequest& request) {
  return DeviceFeedback(request, riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED);
}

absl::StatusOr<riskd::v1::DeviceResponse> RecoveryFlow::ReportDevice(
    const riskd::v1::DeviceRequest& request) {
  return DeviceFeedback(request, riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED);
}

absl::StatusOr<riskd::v1::GetFunnelStatsResponse> RecoveryFlow::GetFunnelStats(
    const riskd::v1::GetFunnelStatsRequest& request) {
  return ReadFunnelStats(store_, request);
}

}  // namespace riskd
