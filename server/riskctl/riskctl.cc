// riskctl: a command-line client for riskd, for a newcomer's first calls and
// for scripts.
//
//   riskctl authenticate --user alice --ip 81.2.69.160 --ua 'Mozilla/5.0 ...'
//       --type login-succeeded
//   riskctl track --user alice --type password-reset-succeeded
//   riskctl user alice
//   riskctl users --flag lost_password
//   riskctl webhooks failed
//   riskctl webhooks retry [--id DELIVERY_ID]...
//   riskctl health
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "riskd/v1/riskd.grpc.pb.h"
#include "riskd/v1/webhooks.grpc.pb.h"
#include "server/common/event_types.h"

namespace {

constexpr char kUsage[] = R"(usage: riskctl [--server HOST:PORT] COMMAND [OPTIONS]

commands:
  authenticate   ask for a verdict on one event
  track          record an event that needs no verdict
  user ID        what riskd remembers of one user
  users          list users: [--flag FLAG] [--min-risk SCORE] [--page-size N]
  devices ID     one user's devices
  feedback TYPE  --user ID [--device ID | --request-id ID]: challenge-succeeded,
                 challenge-failed, review-approved ("this was me"),
                 review-escalated ("this was not me"), password-reset-succeeded
  approve-device --user ID --device ID   trust a device
  report-device  --user ID --device ID   deny a device for this user
  funnel         funnel counters: [--bucket minute|hour|day] [--from SECONDS]
                 [--to SECONDS] (default: the last hour by minute)
  webhooks failed
                 list the webhook deliveries that gave up
  webhooks retry [--id DELIVERY_ID]...
                 queue failed deliveries again (all of them without --id)
  health         is riskd serving?

event options (authenticate, track):
  --type TYPE            login-succeeded (default), login-failed, registration,
                         profile-update, password-reset-requested,
                         password-reset-succeeded, transaction,
                         challenge-succeeded, challenge-failed
  --user ID              the user's id
  --email EMAIL          the user's email
  --registered-at WHEN   ISO 8601 or unix seconds
  --ip ADDRESS           the client's IP address
  --ua USER_AGENT        the client's user agent
  --device ID            the app's device id (riskd derives one when absent)
  --header NAME=VALUE    an HTTP header (repeatable)
  --property KEY=VALUE   an event property (repeatable)
  --request-id ID        idempotency key (riskd generates one when absent)
  --occurred-at SECONDS  unix seconds (default: now)
  --json                 print the whole response as JSON

--server defaults to $RISKD_SERVER or 127.0.0.1:50051.
)";

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "riskctl: %s\n\n%s", message.c_str(), kUsage);
  std::exit(2);
}

struct Options {
  std::string server;
  std::string command;
  std::map<std::string, std::string> values;
  std::vector<std::pair<std::string, std::string>> headers, properties;
  std::vector<std::string> ids;  // webhooks retry --id
  bool json = false;
};

std::pair<std::string, std::string> SplitPair(const std::string& flag, const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    UsageError(absl::StrCat(flag, " takes NAME=VALUE, got \"", text, "\""));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Options ParseArgs(int argc, char** argv) {
  Options options;
  const char* env = std::getenv("RISKD_SERVER");
  options.server = env && *env ? env : "127.0.0.1:50051";
  const std::vector<std::string> value_flags = {
      "--type",     "--user",      "--email",      "--registered-at", "--ip",
      "--ua",       "--device",    "--request-id", "--occurred-at",   "--flag",
      "--min-risk", "--page-size", "--bucket",     "--from",          "--to"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) UsageError(absl::StrCat(arg, " needs a value"));
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::printf("%s", kUsage);
      std::exit(0);
    } else if (arg == "--server") {
      options.server = next();
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--header") {
      options.headers.push_back(SplitPair(arg, next()));
    } else if (arg == "--property") {
      options.properties.push_back(SplitPair(arg, next()));
    } else if (arg == "--id") {
      options.ids.push_back(next());
    } else if (std::find(value_flags.begin(), value_flags.end(), arg) != value_flags.end()) {
      options.values[arg.substr(2)] = next();
    } else if (!absl::StartsWith(arg, "-") && options.command.empty()) {
      options.command = arg;
    } else if (!absl::StartsWith(arg, "-") &&
               (options.command == "user" || options.command == "devices") &&
               !options.values.count("user")) {
      options.values["user"] = arg;
    } else if (!absl::StartsWith(arg, "-") && options.command == "feedback" &&
               !options.values.count("feedback")) {
      options.values["feedback"] = arg;
    } else if (!absl::StartsWith(arg, "-") && options.command == "webhooks" &&
               !options.values.count("subcommand")) {
      options.values["subcommand"] = arg;
    } else {
      UsageError(absl::StrCat("unknown argument \"", arg, "\""));
    }
  }
  if (options.command.empty()) UsageError("no command");
  return options;
}

riskd::v1::Event BuildEvent(const Options& options) {
  riskd::v1::Event event;
  auto value = [&](const std::string& key) {
    auto it = options.values.find(key);
    return it == options.values.end() ? std::string() : it->second;
  };
  std::string type = value("type").empty() ? "login-succeeded" : value("type");
  std::optional<riskd::v1::EventType> parsed = riskd::ParseEventTypeName(type);
  if (!parsed) UsageError(absl::StrCat("unknown --type \"", type, "\""));
  event.set_type(*parsed);
  event.set_request_id(value("request-id"));
  event.mutable_user()->set_id(value("user"));
  event.mutable_user()->set_email(value("email"));
  event.mutable_user()->set_registered_at(value("registered-at"));
  event.mutable_context()->set_ip(value("ip"));
  event.mutable_context()->set_user_agent(value("ua"));
  event.mutable_context()->set_device_id(value("device"));
  for (const auto& [k, v] : options.headers) (*event.mutable_context()->mutable_headers())[k] = v;
  for (const auto& [k, v] : options.properties) (*event.mutable_properties())[k] = v;
  if (!value("occurred-at").empty()) {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(value("occurred-at"), &seconds)) {
      UsageError("--occurred-at takes unix seconds");
    }
    event.mutable_occurred_at()->set_seconds(seconds);
  }
  return event;
}

int Fail(const grpc::Status& status) {
  static const char* const kCodeNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  int code = status.error_code();
  std::fprintf(stderr, "riskctl: %s: %s\n", code >= 0 && code <= 16 ? kCodeNames[code] : "UNKNOWN",
               status.error_message().c_str());
  return 1;
}

void PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::printf("%s", json.c_str());
}

void PrintDecision(const riskd::v1::AuthenticateResponse& r) {
  std::printf("verdict:    %s%s\n", riskd::VerdictName(r.verdict()).c_str(),
              r.monitor_only() ? " (monitor mode: the app allows)" : "");
  std::printf("risk score: %.4f\n", r.risk_score());
  std::printf("policy:     %s\n", r.policy().c_str());
  std::printf("reason:     %s\n", r.reason().c_str());
  std::printf("signals:%s\n", r.signals().empty() ? "    none" : "");
  for (const riskd::v1::Signal& s : r.signals()) {
    std::printf("  %-22s %-16s %s\n", s.name().c_str(), s.detector().c_str(), s.detail().c_str());
  }
  std::printf("detectors:\n");
  for (const riskd::v1::DetectorResult& d : r.detectors()) {
    std::printf("  %-22s score %.4f  weight %.2f  %6lld us%s%s\n", d.name().c_str(), d.score(),
                d.weight(), static_cast<long long>(d.duration_us()),
                d.error().empty() ? "" : "  error: ", d.error().c_str());
  }
  std::printf("user id:    %s\n", r.user_id().c_str());
  std::printf("device id:  %s\n", r.device_id().c_str());
  std::printf("request id: %s\n", r.request_id().c_str());
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

void PrintUser(const riskd::v1::UserProfile& u) {
  std::printf("user:                 %s\n", u.id().c_str());
  std::printf("email:                %s\n", u.email().empty() ? "-" : u.email().c_str());
  std::printf("risk score:           %.4f\n", u.risk_score());
  std::printf("flags:                %s\n",
              u.flags().empty() ? "none" : absl::StrJoin(u.flags(), ", ").c_str());
  std::printf("registered:           %s\n", Time(u.registered_at()).c_str());
  std::printf("first seen:           %s\n", Time(u.first_seen()).c_str());
  std::printf("last seen:            %s\n", Time(u.last_seen()).c_str());
  std::printf("events:               %u\n", u.events());
  std::printf("logins:               %u succeeded, %u failed, %u failed in a row\n",
              u.logins_succeeded(), u.logins_failed(), u.consecutive_failures());
  std::printf("devices:              %d\n", u.devices_size());
  for (const riskd::v1::Device& d : u.devices()) {
    std::printf("  %-22s last seen %s from %s, %u events%s%s\n    %s\n", d.id().c_str(),
                Time(d.last_seen()).c_str(), d.last_ip().empty() ? "-" : d.last_ip().c_str(),
                d.events(), d.approved() ? ", approved" : "", d.reported() ? ", reported" : "",
                d.user_agent().c_str());
  }
  std::printf("recent IPs:           %d\n", u.ips_size());
  for (const riskd::v1::SeenValue& ip : u.ips()) {
    std::printf("  %-22s %u events, last %s\n", ip.value().c_str(), ip.count(),
                Time(ip.last_seen()).c_str());
  }
}

std::string Value(const Options& options, const std::string& key) {
  auto it = options.values.find(key);
  return it == options.values.end() ? std::string() : it->second;
}

std::string Required(const Options& options, const std::string& key) {
  std::string value = Value(options, key);
  if (value.empty()) UsageError(absl::StrCat(options.command, " needs --", key));
  return value;
}

void PrintDevice(const riskd::v1::Device& d) {
  std::vector<std::string> marks;
  if (d.approved()) marks.push_back("approved");
  if (d.reported()) marks.push_back("reported");
  if (d.review_open()) marks.push_back("review open");
  if (d.incident_open()) marks.push_back("incident open");
  std::printf("%-24s %-21s %-16s %6u  %s\n    %s\n", d.id().c_str(),
              Time(d.last_seen()).substr(0, 19).c_str(),
              d.last_ip().empty() ? "-" : d.last_ip().c_str(), d.events(),
              marks.empty() ? "-" : absl::StrJoin(marks, ", ").c_str(), d.user_agent().c_str());
}

int Feedback(riskd::v1::RiskService::Stub& stub, grpc::ClientContext& context,
             const Options& options) {
  std::string type_name = absl::AsciiStrToUpper(Required(options, "feedback"));
  std::replace(type_name.begin(), type_name.end(), '-', '_');
  riskd::v1::FeedbackType type;
  if (!riskd::v1::FeedbackType_Parse(absl::StrCat("FEEDBACK_TYPE_", type_name), &type)) {
    UsageError(absl::StrCat("unknown feedback \"", Value(options, "feedback"), "\""));
  }
  riskd::v1::ReportFeedbackRequest request;
  request.set_user_id(Required(options, "user"));
  request.set_device_id(Value(options, "device"));
  request.set_request_id(Value(options, "request-id"));
  request.set_type(type);
  riskd::v1::ReportFeedbackResponse response;
  grpc::Status status = stub.ReportFeedback(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  std::printf("%s\n", response.changed() ? "applied" : "already applied: nothing changed");
  std::printf("webhooks: %s\n", response.webhooks().empty()
                                    ? "none"
                                    : absl::StrJoin(response.webhooks(), ", ").c_str());
  std::printf("flags:    %s\n",
              response.flags().empty() ? "none" : absl::StrJoin(response.flags(), ", ").c_str());
  if (response.has_device()) PrintDevice(response.device());
  return 0;
}

int DeviceCommand(riskd::v1::RiskService::Stub& stub, grpc::ClientContext& context,
                  const Options& options) {
  riskd::v1::DeviceRequest request;
  request.set_user_id(Required(options, "user"));
  request.set_device_id(Required(options, "device"));
  riskd::v1::DeviceResponse response;
  grpc::Status status = options.command == "approve-device"
                            ? stub.ApproveDevice(&context, request, &response)
                            : stub.ReportDevice(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  std::printf("%s\n", response.changed() ? "applied" : "already applied: nothing changed");
  PrintDevice(response.device());
  return 0;
}

int Devices(riskd::v1::RiskService::Stub& stub, grpc::ClientContext& context,
            const Options& options) {
  riskd::v1::ListDevicesRequest request;
  request.set_user_id(Value(options, "user"));
  if (request.user_id().empty()) UsageError("devices needs a user id: riskctl devices alice");
  riskd::v1::ListDevicesResponse response;
  grpc::Status status = stub.ListDevices(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  std::printf("%-24s %-21s %-16s %6s  %s\n", "DEVICE", "LAST SEEN", "LAST IP", "EVENTS", "STATE");
  for (const riskd::v1::Device& d : response.devices()) PrintDevice(d);
  return 0;
}

int Funnel(riskd::v1::RiskService::Stub& stub, grpc::ClientContext& context,
           const Options& options) {
  riskd::v1::GetFunnelStatsRequest request;
  const std::string bucket = Value(options, "bucket").empty() ? "minute" : Value(options, "bucket");
  riskd::v1::FunnelBucket size;
  if (!riskd::v1::FunnelBucket_Parse(absl::StrCat("FUNNEL_BUCKET_", absl::AsciiStrToUpper(bucket)),
                                     &size)) {
    UsageError("--bucket takes minute, hour or day");
  }
  request.set_bucket(size);
  int64_t to = absl::ToUnixSeconds(absl::Now());
  int64_t from = to - 3600;
  if (!Value(options, "to").empty() && !absl::SimpleAtoi(Value(options, "to"), &to)) {
    UsageError("--to takes unix seconds");
  }
  if (!Value(options, "from").empty() && !absl::SimpleAtoi(Value(options, "from"), &from)) {
    UsageError("--from takes unix seconds");
  }
  request.mutable_from()->set_seconds(from);
  request.mutable_to()->set_seconds(to);
  riskd::v1::GetFunnelStatsResponse response;
  grpc::Status status = stub.GetFunnelStats(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  std::printf("%-20s %7s %7s %7s %7s %7s %7s %7s %7s\n", "BUCKET", "LOGIN+", "LOGIN-", "ALLOW",
              "CHALL", "DENY", "REVIEW", "INCID", "RECOV");
  for (const riskd::v1::FunnelCounts& c : response.buckets()) {
    std::printf(
        "%-20s %7lld %7lld %7lld %7lld %7lld %7lld %7lld %7lld\n",
        Time(c.start()).substr(0, 16).c_str(), static_cast<long long>(c.logins_succeeded()),
        static_cast<long long>(c.logins_failed()), static_cast<long long>(c.verdicts_allow()),
        static_cast<long long>(c.verdicts_challenge()), static_cast<long long>(c.verdicts_deny()),
        static_cast<long long>(c.webhooks_review_opened()),
        static_cast<long long>(c.webhooks_incident_confirmed()),
        static_cast<long long>(c.webhooks_incident_recovered()));
  }
  return 0;
}

int ListUsers(riskd::v1::RiskService::Stub& stub, const Options& options) {
  riskd::v1::ListUsersRequest request;
  auto value = [&](const std::string& key) {
    auto it = options.values.find(key);
    return it == options.values.end() ? std::string() : it->second;
  };
  request.set_flag(value("flag"));
  if (!value("min-risk").empty()) {
    double min_risk = 0;
    if (!absl::SimpleAtod(value("min-risk"), &min_risk)) UsageError("--min-risk takes a number");
    request.set_min_risk_score(min_risk);
  }
  if (!value("page-size").empty()) {
    int page_size = 0;
    if (!absl::SimpleAtoi(value("page-size"), &page_size)) UsageError("--page-size takes a number");
    request.set_page_size(page_size);
  }
  int total = 0;
  do {  // follow the pages to the end
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    riskd::v1::ListUsersResponse response;
    grpc::Status status = stub.ListUsers(&context, request, &response);
    if (!status.ok()) return Fail(status);
    if (request.page_token().empty()) {
      std::printf("%-24s %-6s %-21s %s\n", "USER", "RISK", "LAST SEEN", "FLAGS");
    }
    for (const riskd::v1::UserProfile& u : response.users()) {
      std::printf("%-24s %-6.3f %-21s %s\n", u.id().c_str(), u.risk_score(),
                  Time(u.last_seen()).substr(0, 19).c_str(),
                  u.flags().empty() ? "-" : absl::StrJoin(u.flags(), ",").c_str());
      ++total;
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  std::printf("%d users\n", total);
  return 0;
}

int ListFailedWebhooks(riskd::v1::WebhookAdmin::Stub& stub, const Options& options) {
  riskd::v1::ListFailedWebhooksRequest request;
  riskd::v1::ListFailedWebhooksResponse all;  // every page, for --json
  request.set_page_size(200);
  do {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    riskd::v1::ListFailedWebhooksResponse response;
    grpc::Status status = stub.ListFailedWebhooks(&context, request, &response);
    if (!status.ok()) return Fail(status);
    all.mutable_webhooks()->MergeFrom(response.webhooks());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (options.json) {
    PrintJson(all);
    return 0;
  }
  std::printf("%-32s  %-12s %-19s %-8s %-19s %s\n", "DELIVERY ID", "ENDPOINT", "EVENT", "ATTEMPTS",
              "FAILED AT", "LAST ERROR");
  for (const riskd::v1::FailedWebhook& w : all.webhooks()) {
    std::printf("%-32s  %-12s %-19s %-8u %-19s %s\n", w.delivery_id().c_str(), w.endpoint().c_str(),
                w.event().c_str(), w.attempts(), Time(w.failed_at()).substr(0, 19).c_str(),
                w.last_error().c_str());
  }
  std::printf("%d failed webhooks\n", all.webhooks_size());
  return 0;
}

int RetryWebhooks(riskd::v1::WebhookAdmin::Stub& stub, const Options& options) {
  riskd::v1::RetryWebhooksRequest request;
  for (const std::string& id : options.ids) request.add_delivery_ids(id);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  riskd::v1::RetryWebhooksResponse response;
  grpc::Status status = stub.RetryWebhooks(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  for (const std::string& id : response.delivery_ids())
    std::printf("queued again: %s\n", id.c_str());
  std::printf("%d webhooks queued again\n", response.delivery_ids_size());
  return 0;
}

int Webhooks(const std::shared_ptr<grpc::Channel>& channel, const Options& options) {
  auto it = options.values.find("subcommand");
  const std::string subcommand = it == options.values.end() ? "" : it->second;
  if (subcommand != "retry" && !options.ids.empty()) UsageError("--id goes with webhooks retry");
  auto stub = riskd::v1::WebhookAdmin::NewStub(channel);
  if (subcommand == "failed") return ListFailedWebhooks(*stub, options);
  if (subcommand == "retry") return RetryWebhooks(*stub, options);
  UsageError(subcommand.empty() ? "webhooks needs a subcommand: failed or retry"
                                : absl::StrCat("unknown webhooks subcommand \"", subcommand,
                                               "\" (expected failed or retry)"));
}

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseArgs(argc, argv);
  auto channel = grpc::CreateChannel(options.server, grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));

  if (options.command == "health") {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("riskd.v1.RiskService");
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        grpc::health::v1::Health::NewStub(channel)->Check(&context, request, &response);
    if (!status.ok()) return Fail(status);
    std::printf(
        "%s\n",
        grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()).c_str());
    return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
  }

  if (options.command == "webhooks") return Webhooks(channel, options);
  auto stub = riskd::v1::RiskService::NewStub(channel);
  if (options.command == "authenticate") {
    riskd::v1::AuthenticateRequest request;
    *request.mutable_event() = BuildEvent(options);
    riskd::v1::AuthenticateResponse response;
    grpc::Status status = stub->Authenticate(&context, request, &response);
    if (!status.ok()) return Fail(status);
    options.json ? PrintJson(response) : PrintDecision(response);
    return 0;
  }
  if (options.command == "track") {
    riskd::v1::TrackRequest request;
    *request.mutable_event() = BuildEvent(options);
    riskd::v1::TrackResponse response;
    grpc::Status status = stub->Track(&context, request, &response);
    if (!status.ok()) return Fail(status);
    if (options.json) {
      PrintJson(response);
    } else {
      std::printf("tracked: request id %s, device id %s\n", response.request_id().c_str(),
                  response.device_id().c_str());
    }
    return 0;
  }
  if (options.command == "user") {
    auto it = options.values.find("user");
    if (it == options.values.end()) UsageError("user needs a user id: riskctl user alice");
    riskd::v1::GetUserRequest request;
    request.set_user_id(it->second);
    riskd::v1::GetUserResponse response;
    grpc::Status status = stub->GetUser(&context, request, &response);
    if (!status.ok()) return Fail(status);
    options.json ? PrintJson(response) : PrintUser(response.user());
    return 0;
  }
  if (options.command == "users") return ListUsers(*stub, options);
  if (options.command == "devices") return Devices(*stub, context, options);
  if (options.command == "feedback") return Feedback(*stub, context, options);
  if (options.command == "approve-device" || options.command == "report-device") {
    return DeviceCommand(*stub, context, options);
  }
  if (options.command == "funnel") return Funnel(*stub, context, options);
  UsageError(absl::StrCat("unknown command \"", options.command, "\""));
}
