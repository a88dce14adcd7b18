#include "server/service/server_runner.h"

#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "server/common/allocator.h"
#include "server/common/file_stamp.h"
#include "server/common/status_macros.h"
#include "server/service/engine_holder.h"
#include "server/service/risk_service.h"
#include "server/state/open_state_store.h"
#include "server/webhooks/webhook_admin_service.h"
#include "server/webhooks/webhook_dispatcher.h"

namespace riskd {
namespace {

constexpr char kServiceName[] = "riskd.v1.RiskService";

// The config file, every plugin it loads and every data file their settings
// name: a change to any means reload.
std::string WatchedStamp(const DecisionEngine& engine) {
  std::string stamp = FileStamp(engine.config().path);
  for (const auto& d : engine.detectors()) {
    absl::StrAppend(&stamp, "|", FileStamp(d.config->plugin_path));
    for (const std::string& file : d.instance->data_files()) {
      absl::StrAppend(&stamp, "|", FileStamp(file));
    }
  }
  return stamp;
}

std::string DescribeDetectors(const DecisionEngine& engine) {
  std::vector<std::string> parts;
  for (const auto& d : engine.detectors()) {
    const PluginDescription& p = d.instance->library().description();
    parts.push_back(absl::StrCat(d.config->name, " (", p.name, " ", p.version, ")"));
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

class Runner {
 public:
  Runner(std::string config_path, Overrides overrides)
      : config_path_(std::move(config_path)), overrides_(std::move(overrides)) {}

  int Run(sigset_t signals) {
    absl::StatusOr<std::shared_ptr<const DecisionEngine>> engine = Build();
    if (!engine.ok()) {
      std::fprintf(stderr, "riskd: %s\n", std::string(engine.status().message()).c_str());
      return 1;
    }
    const Config& config = (*engine)->config();
    SetLogLevel(config.log_level);
    watched_stamp_ = WatchedStamp(**engine);
    listen_ = config.listen;
    holder_ = std::make_unique<EngineHolder>(*engine);
    absl::StatusOr<std::unique_ptr<StateStore>> store = OpenStateStore(config);
    if (!store.ok()) {
      std::fprintf(stderr, "riskd: %s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    RiskService service(*holder_, **store);
    WebhookAdminService webhook_admin(**store);

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    builder.RegisterService(&webhook_admin);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || port == 0) {
      std::fprintf(stderr, "riskd: cannot listen on %s (address in use or invalid)\n",
                   config.listen.c_str());
      return 1;
    }
    server->GetHealthCheckService()->SetServingStatus(kServiceName, true);
    std::string host = config.listen.substr(0, config.listen.rfind(':'));
    LogInfo("listening", {{"address", absl::StrCat(host, ":", port)},
                          {"config", config.path},
                          {"detectors", DescribeDetectors(**engine)},
                          {"state", (*store)->Describe()},
                          {"mode", config.mode == Mode::kMonitor ? "monitor" : "enforce"},
                          {"allocator", AllocatorName()}});

    {
      absl::MutexLock lock(&reload_mu_);
      dispatcher_ = std::make_unique<WebhookDispatcher>(**store, config.webhooks);
    }
    std::thread watcher([this] { WatchFiles(); });
    for (;;) {
      int signal = 0;
      sigwait(&signals, &signal);
      if (signal == SIGHUP) {
        LogInfo("SIGHUP: reloading the config");
        Reload();
        continue;
      }
      break;  // SIGTERM or SIGINT
    }

    absl::Duration grace = holder_->Get()->config().shutdown_grace;
    LogInfo("shutting down", {{"grace_ms", absl::StrCat(absl::ToInt64Milliseconds(grace))}});
    server->GetHealthCheckService()->SetServingStatus(kServiceName, false);
    stop_.Notify();
    // In-flight calls finish; new ones are refused; after `grace` the rest are cancelled.
    server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    watcher.join();
    {
      absl::MutexLock lock(&reload_mu_);
      dispatcher_.reset();  // stops it: sends in flight go back to the outbox
    }
    LogInfo("stopped");
    return 0;
  }

 private:
  absl::StatusOr<std::shared_ptr<const DecisionEngine>> Build() {
    RISKD_ASSIGN_OR_RETURN(Config config, LoadConfigWithOverrides(config_path_, overrides_));
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat(config.path, ": data_dir ", config.data_dir, ": ", ec.message()));
    }
    if (!cache_) cache_ = std::make_unique<PluginLibraryCache>(config.data_dir + "/plugin-cache");
    RISKD_ASSIGN_OR_RETURN(std::unique_ptr<DecisionEngine> engine,
                           DecisionEngine::Create(std::move(config), *cache_));
    return std::shared_ptr<const DecisionEngine>(std::move(engine));
  }

  // Builds a new engine beside the running one; a bad config changes nothing.
  void Reload() {
    absl::MutexLock lock(&reload_mu_);
    absl::StatusOr<std::shared_ptr<const DecisionEngine>> engine = Build();
    if (!engine.ok()) {
      LogError("config reload failed; still serving with the previous config",
               {{"error", std::string(engine.status().message())}});
      // Do not retry the same broken files every interval.
      watched_stamp_ = WatchedStamp(*holder_->Get());
      return;
    }
    const Config& config = (*engine)->config();
    if (config.listen != listen_) {
      LogWarning("a new listen address takes effect at the next restart",
                 {{"listening", listen_}, {"configured", config.listen}});
    }
    const StateConfig& running = holder_->Get()->config().state;
    if (config.state.engine != running.engine || config.state.redis_nodes != running.redis_nodes ||
        config.state.redis_key_prefix != running.redis_key_prefix ||
        config.data_dir != holder_->Get()->config().data_dir) {
      LogWarning("a new state engine, data_dir or Redis nodes take effect at the next restart");
    }
    SetLogLevel(config.log_level);
    watched_stamp_ = WatchedStamp(**engine);
    holder_->Set(*engine);
    if (dispatcher_) dispatcher_->Reconfigure(config.webhooks);
    LogInfo("config reloaded", {{"config", config.path},
                                {"detectors", DescribeDetectors(**engine)},
                                {"policies", absl::StrCat(config.policies.size())}});
  }

  void WatchFiles() {
    for (;;) {
      absl::Duration interval = holder_->Get()->config().watch_interval;
      if (stop_.WaitForNotificationWithTimeout(interval)) return;
      if (!holder_->Get()->config().watch_file) continue;
      bool changed;
      {
        absl::MutexLock lock(&reload_mu_);
        // The running config names the files to watch, its own file included.
        changed = WatchedStamp(*holder_->Get()) != watched_stamp_;
      }
      if (changed) {
        LogInfo("a watched file changed: reloading the config");
        Reload();
      }
    }
  }

  std::string config_path_;
  Overrides overrides_;
  std::string listen_;
  std::unique_ptr<PluginLibraryCache> cache_;
  std::unique_ptr<EngineHolder> holder_;
  absl::Mutex reload_mu_;
  std::string watched_stamp_ ABSL_GUARDED_BY(reload_mu_);
  std::unique_ptr<WebhookDispatcher> dispatcher_ ABSL_GUARDED_BY(reload_mu_);
  absl::Notification stop_;
};

}  // namespace

absl::StatusOr<Config> LoadConfigWithOverrides(const std::string& path,
                                               const Overrides& overrides) {
  RISKD_ASSIGN_OR_RETURN(Config config, LoadConfig(path));
  if (overrides.listen) config.listen = *overrides.listen;
  if (overrides.data_dir) config.data_dir = *overrides.data_dir;
  if (overrides.log_level) config.log_level = *overrides.log_level;
  return config;
}

int CheckConfig(const std::string& path, const Overrides& overrides) {
  absl::StatusOr<Config> config = LoadConfigWithOverrides(path, overrides);
  if (!config.ok()) {
    std::fprintf(stderr, "riskd: %s\n", std::string(config.status().message()).c_str());
    return 1;
  }
  size_t policies = config->policies.size();
  // Reloads of changed plugins are not a concern here: nothing is loaded yet.
  PluginLibraryCache cache(std::filesystem::temp_directory_path().string());
  absl::StatusOr<std::unique_ptr<DecisionEngine>> engine =
      DecisionEngine::Create(*std::move(config), cache);
  if (!engine.ok()) {
    std::fprintf(stderr, "riskd: %s\n", std::string(engine.status().message()).c_str());
    return 1;
  }
  std::printf("%s: OK: detectors: %s; %zu policies\n", path.c_str(),
              DescribeDetectors(**engine).c_str(), policies);
  return 0;
}

int RunServer(const std::string& config_path, const Overrides& overrides) {
  // Block these in every thread (gRPC's included) and take them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A peer (a client, a Redis node) closing its socket must be an error on
  // that write, never the end of riskd.
  signal(SIGPIPE, SIG_IGN);
  return Runner(config_path, overrides).Run(signals);
}

}  // namespace riskd
