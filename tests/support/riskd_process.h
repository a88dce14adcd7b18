// Runs the real riskd binary for integration tests: writes its config,
// starts it on a free loopback port, and talks to it over real gRPC.
#ifndef RISKD_TESTS_SUPPORT_RISKD_PROCESS_H_
#define RISKD_TESTS_SUPPORT_RISKD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "riskd/v1/riskd.grpc.pb.h"
#include "tests/support/temp_dirs.h"

namespace riskd::testing {

// Writes `yaml` to `dir`/`name` after replacing @PLUGINS@ (the real plugins'
// build folder), @TEST_PLUGINS@ (the fixture plugins') and @SOURCE@ (the
// source tree, whose data/ holds the fetched data). Returns the path.
std::string WriteConfig(const std::string& dir, const std::string& yaml,
                        const std::string& name = "riskd.yaml");

// Runs riskd with `args` to completion (for start-up failures and
// --check-config). `output` holds stdout and stderr.
struct RunResult {
  int exit_code = -1;
  std::string output;
};
RunResult RunRiskdToCompletion(const std::vector<std::string>& args,
                               std::chrono::seconds timeout = std::chrono::seconds(20));

// Runs riskctl against the riskd on 127.0.0.1:`port`, with `args` as a shell
// would split them ("authenticate --ua 'Mozilla/5.0'").
RunResult RunRiskctl(int port, const std::string& args);

// The whole file at `path`, "" when it cannot be read.
std::string ReadFile(const std::string& path);

class RiskdProcess {
 public:
  // Starts riskd on --config `config_path` (listening on 127.0.0.1:0, data in
  // a temp dir) and waits until it serves. Fails the test if it does not.
  static std::unique_ptr<RiskdProcess> Start(const std::string& config_path,
                                             std::vector<std::string> extra_args = {});
  ~RiskdProcess();

  riskd::v1::RiskService::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Everything riskd logged so far.
  std::string Log() const;
  // Waits until the log contains `text` `count` times (appearances after
  // this call and before it both count).
  bool WaitForLog(const std::string& text, int count = 1,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  void Signal(int signal) const;
  // Waits for the process to exit; returns its exit code, or -1 on timeout.
  int WaitForExit(std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  RiskdProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<riskd::v1::RiskService::Stub> stub_;
};

// Unary calls with a deadline, for brevity in tests.
grpc::Status Authenticate(RiskdProcess& riskd, const riskd::v1::Event& event,
                          riskd::v1::AuthenticateResponse* response);
grpc::Status Track(RiskdProcess& riskd, const riskd::v1::Event& event,
                   riskd::v1::TrackResponse* response);
grpc::Status GetUser(RiskdProcess& riskd, const std::string& user_id, riskd::v1::UserProfile* user);

// Authenticate that fails the test (and goes on) when the call fails or riskd
// reports a state error: for tests of detectors and state, where neither may
// happen.
riskd::v1::AuthenticateResponse AuthenticateOk(RiskdProcess& riskd, const riskd::v1::Event& event);
// GetUser that fails the test (and goes on) when the call fails.
riskd::v1::UserProfile GetUserOk(RiskdProcess& riskd, const std::string& user_id);

// A succeeded login from a desktop Chrome, the benign baseline.
riskd::v1::Event BrowserLogin(const std::string& user_id = "alice",
                              const std::string& ip = "81.2.69.160");

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_RISKD_PROCESS_H_
