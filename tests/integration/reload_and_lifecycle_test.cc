// Operating riskd: reload on SIGHUP and on file change, a bad reload keeps
// serving, health checks, graceful shutdown.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;

// The fixture raises fixture_alert; whether that denies depends on the policy.
std::string Config(const std::string& watch, const std::string& policy_then,
                   const std::string& weight = "1.0") {
  return absl::StrCat(R"(
reload: {watch_file: )",
                      watch, R"(, interval_ms: 100}
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    weight: )",
                      weight, R"(
    settings: {required_label: x, signals: [fixture_alert]}
policies:
  - name: on-alert
    when: {signals_any: [fixture_alert]}
    then: )",
                      policy_then, "\n");
}

riskd::v1::Verdict VerdictOf(RiskdProcess& riskd) {
  AuthenticateResponse r;
  grpc::Status status = Authenticate(riskd, BrowserLogin(), &r);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return r.verdict();
}

TEST(ReloadTest, SighupReloadsTheConfig) {
  std::string dir = MakeTempDir();
  auto riskd = RiskdProcess::Start(WriteConfig(dir, Config("false", "allow")));
  ASSERT_NE(riskd, nullptr);
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_ALLOW);

  WriteConfig(dir, Config("false", "deny"));
  riskd->Signal(SIGHUP);
  ASSERT_TRUE(riskd->WaitForLog("msg=\"config reloaded\"")) << riskd->Log();
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_DENY);
}

TEST(ReloadTest, AChangedFileIsReloadedWithoutASignal) {
  std::string dir = MakeTempDir();
  auto riskd = RiskdProcess::Start(WriteConfig(dir, Config("true", "allow")));
  ASSERT_NE(riskd, nullptr);
  WriteConfig(dir, Config("true", "challenge"));
  ASSERT_TRUE(riskd->WaitForLog("msg=\"config reloaded\"")) << riskd->Log();
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_CHALLENGE);
}

TEST(ReloadTest, ABadNewConfigKeepsTheRunningOneAndSaysWhere) {
  std::string dir = MakeTempDir();
  auto riskd = RiskdProcess::Start(WriteConfig(dir, Config("true", "deny")));
  ASSERT_NE(riskd, nullptr);

  WriteConfig(dir, Config("true", "allow", /*weight=*/"1.5"));
  ASSERT_TRUE(riskd->WaitForLog("config reload failed")) << riskd->Log();
  EXPECT_NE(
      riskd->Log().find("riskd.yaml:5: detectors[0].weight: must be between 0 and 1, got 1.5"),
      std::string::npos)
      << riskd->Log();
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_DENY) << "still the previous config";

  // A plugin that cannot load is refused the same way.
  std::string broken = Config("true", "allow");
  broken.replace(broken.find("riskd-fixture.so"), 16, "riskd-wrong_major.so");
  WriteConfig(dir, broken);
  ASSERT_TRUE(riskd->WaitForLog("config reload failed", 2)) << riskd->Log();
  EXPECT_NE(riskd->Log().find("built for detector API 2.0"), std::string::npos);
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_DENY);

  // Fixing the file is picked up.
  WriteConfig(dir, Config("true", "allow"));
  ASSERT_TRUE(riskd->WaitForLog("msg=\"config reloaded\"")) << riskd->Log();
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_ALLOW);
}

TEST(ReloadTest, ARebuiltPluginIsLoadedBesideTheOldOne) {
  std::string dir = MakeTempDir();
  std::string plugin = dir + "/riskd-fixture.so";
  auto install = [&](const std::string& source) {
    std::filesystem::copy_file(source, plugin + ".new",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(plugin + ".new", plugin);  // atomic, as a deploy would be
  };
  install(std::string(RISKD_TEST_PLUGIN_DIR) + "/riskd-fixture.so");
  std::string yaml = Config("true", "allow");
  yaml.replace(yaml.find("@TEST_PLUGINS@/riskd-fixture.so"), 31, plugin);
  auto riskd = RiskdProcess::Start(WriteConfig(dir, yaml));
  ASSERT_NE(riskd, nullptr);
  ASSERT_TRUE(riskd->WaitForLog("(fixture 0.1.0)"));

  install(std::string(RISKD_TEST_PLUGIN_DIR) + "/riskd-fixture_v2.so");
  ASSERT_TRUE(riskd->WaitForLog("msg=\"config reloaded\"")) << riskd->Log();
  EXPECT_NE(riskd->Log().find("(fixture 0.2.0)"), std::string::npos) << riskd->Log();
  EXPECT_EQ(VerdictOf(*riskd), riskd::v1::VERDICT_ALLOW);
}

TEST(ReloadTest, AChangedDataFileReloadsTheDetectorAndABadOneKeepsTheOldData) {
  std::string dir = MakeTempDir();
  auto write_label = [&](const std::string& text) {
    std::ofstream(dir + "/labels.txt.new") << text;
    std::filesystem::rename(dir + "/labels.txt.new", dir + "/labels.txt");
  };
  auto label = [](RiskdProcess& riskd) {
    AuthenticateResponse r;
    EXPECT_TRUE(Authenticate(riskd, BrowserLogin(), &r).ok());
    return r.signals_size() ? r.signals(0).detail() : "";
  };
  write_label("list v1\n");
  auto riskd = RiskdProcess::Start(WriteConfig(dir, R"(
reload: {watch_file: true, interval_ms: 100}
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: x, label_file: labels.txt}
)"));
  ASSERT_NE(riskd, nullptr);
  EXPECT_EQ(label(*riskd), "list v1");

  write_label("list v2\n");
  ASSERT_TRUE(riskd->WaitForLog("msg=\"config reloaded\"")) << riskd->Log();
  EXPECT_EQ(label(*riskd), "list v2");

  write_label("");  // a corrupt update: the plugin refuses it
  ASSERT_TRUE(riskd->WaitForLog("config reload failed")) << riskd->Log();
  EXPECT_NE(riskd->Log().find("detectors[0].settings.label_file: "), std::string::npos);
  EXPECT_NE(riskd->Log().find("the file is empty"), std::string::npos);
  EXPECT_EQ(label(*riskd), "list v2") << "the old data keeps serving";
}

TEST(LifecycleTest, HealthServiceReportsServing) {
  auto riskd = RiskdProcess::Start(WriteConfig(MakeTempDir(), Config("false", "allow")));
  ASSERT_NE(riskd, nullptr);
  auto health = grpc::health::v1::Health::NewStub(riskd->channel());
  for (const char* service : {"", "riskd.v1.RiskService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST(LifecycleTest, ServerReflectionListsTheRiskService) {
  auto riskd = RiskdProcess::Start(WriteConfig(MakeTempDir(), Config("false", "allow")));
  ASSERT_NE(riskd, nullptr);
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(riskd->channel());
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> names;
  for (const auto& s : response.list_services_response().service()) names.push_back(s.name());
  EXPECT_NE(std::find(names.begin(), names.end(), "riskd.v1.RiskService"), names.end());

  // And it serves the descriptors a tool like grpcurl needs to build calls.
  request.set_file_containing_symbol("riskd.v1.RiskService");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(LifecycleTest, SigtermLetsInFlightCallsFinish) {
  auto riskd = RiskdProcess::Start(WriteConfig(MakeTempDir(), R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    timeout_ms: 5000
    settings: {required_label: x, sleep_ms: 2000, score: 0.2}
)"));
  ASSERT_NE(riskd, nullptr);
  auto in_flight = std::async(std::launch::async, [&] {
    AuthenticateResponse r;
    grpc::Status status = Authenticate(*riskd, BrowserLogin(), &r);
    return std::make_pair(status.ok(), r.risk_score());
  });
  // Let the call reach the detector, then ask riskd to stop.
  // (generous margins: CI machines are busy; the call takes 2 s in the detector)
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  riskd->Signal(SIGTERM);
  auto [ok, score] = in_flight.get();
  EXPECT_TRUE(ok) << "the in-flight call was cut off";
  EXPECT_NEAR(score, 0.2, 1e-9);
  EXPECT_EQ(riskd->WaitForExit(), 0);
  EXPECT_NE(riskd->Log().find("msg=stopped"), std::string::npos) << riskd->Log();
}

}  // namespace
}  // namespace riskd::testing
