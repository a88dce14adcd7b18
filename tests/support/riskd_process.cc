#include "tests/support/riskd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"

namespace riskd::testing {
namespace {

// fork + exec with stdout and stderr to `log_path`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  std::vector<char*> argv;
  std::string binary = RISKD_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

int WaitPid(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string WriteConfig(const std::string& dir, const std::string& yaml, const std::string& name) {
  std::string path = dir + "/" + name;
  // Write to a temp name and rename, so a watching riskd never reads half a file.
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp);
    out << absl::StrReplaceAll(yaml, {{"@PLUGINS@", RISKD_PLUGIN_DIR},
                                      {"@TEST_PLUGINS@", RISKD_TEST_PLUGIN_DIR},
                                      {"@SOURCE@", RISKD_SOURCE_DIR}});
  }
  EXPECT_EQ(rename(temp.c_str(), path.c_str()), 0);
  return path;
}

RunResult RunRiskdToCompletion(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  std::string log = MakeTempDir() + "/output.log";
  pid_t pid = Spawn(args, log);
  RunResult result;
  result.exit_code = WaitPid(pid, timeout);
  if (result.exit_code == -1) kill(pid, SIGKILL), waitpid(pid, nullptr, 0);
  result.output = ReadFile(log);
  return result;
}

RunResult RunRiskctl(int port, const std::string& args) {
  const std::string command = std::string(RISKCTL_BINARY) +
                              " --server 127.0.0.1:" + std::to_string(port) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  RunResult result;
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return result;
  }
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::unique_ptr<RiskdProcess> RiskdProcess::Start(const std::string& config_path,
                                                  std::vector<std::string> extra_args) {
  std::unique_ptr<RiskdProcess> riskd(new RiskdProcess());
  std::string dir = MakeTempDir();
  riskd->log_path_ = dir + "/riskd.log";
  std::vector<std::string> args = {"--config",    config_path,  "--listen",
                                   "127.0.0.1:0", "--data-dir", dir + "/data"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  riskd->pid_ = Spawn(args, riskd->log_path_);

  static const std::regex kListening(R"(msg=listening address=127\.0\.0\.1:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::smatch match;
  std::string log;
  while (std::chrono::steady_clock::now() < deadline) {
    log = riskd->Log();
    if (std::regex_search(log, match, kListening)) break;
    if (waitpid(riskd->pid_, nullptr, WNOHANG) == riskd->pid_) {
      riskd->pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (match.empty()) {
    ADD_FAILURE() << "riskd did not start; its log:\n" << log;
    return nullptr;
  }
  riskd->port_ = std::stoi(match[1]);
  riskd->channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(riskd->port_),
                                        grpc::InsecureChannelCredentials());
  riskd->stub_ = riskd::v1::RiskService::NewStub(riskd->channel_);
  return riskd;
}

RiskdProcess::~RiskdProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string RiskdProcess::Log() const { return ReadFile(log_path_); }

bool RiskdProcess::WaitForLog(const std::string& text, int count,
                              std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    std::string log = Log();
    int found = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
      ++found;
    }
    if (found >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

void RiskdProcess::Signal(int signal) const { kill(pid_, signal); }

int RiskdProcess::WaitForExit(std::chrono::milliseconds timeout) {
  int code = WaitPid(pid_, timeout);
  if (code != -1) pid_ = -1;
  return code;
}

grpc::Status Authenticate(RiskdProcess& riskd, const riskd::v1::Event& event,
                          riskd::v1::AuthenticateResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  riskd::v1::AuthenticateRequest request;
  *request.mutable_event() = event;
  return riskd.stub().Authenticate(&context, request, response);
}

grpc::Status Track(RiskdProcess& riskd, const riskd::v1::Event& event,
                   riskd::v1::TrackResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  riskd::v1::TrackRequest request;
  *request.mutable_event() = event;
  return riskd.stub().Track(&context, request, response);
}

grpc::Status GetUser(RiskdProcess& riskd, const std::string& user_id,
                     riskd::v1::UserProfile* user) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  riskd::v1::GetUserRequest request;
  request.set_user_id(user_id);
  riskd::v1::GetUserResponse response;
  grpc::Status status = riskd.stub().GetUser(&context, request, &response);
  *user = response.user();
  return status;
}

riskd::v1::AuthenticateResponse AuthenticateOk(RiskdProcess& riskd, const riskd::v1::Event& event) {
  riskd::v1::AuthenticateResponse response;
  grpc::Status status = Authenticate(riskd, event, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.state_error(), "");
  return response;
}

riskd::v1::UserProfile GetUserOk(RiskdProcess& riskd, const std::string& user_id) {
  riskd::v1::UserProfile user;
  grpc::Status status = GetUser(riskd, user_id, &user);
  EXPECT_TRUE(status.ok()) << user_id << ": " << status.error_message();
  return user;
}

riskd::v1::Event BrowserLogin(const std::string& user_id, const std::string& ip) {
  riskd::v1::Event event;
  event.set_type(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED);
  event.mutable_user()->set_id(user_id);
  event.mutable_user()->set_email(user_id + "@example.com");
  event.mutable_context()->set_ip(ip);
  event.mutable_context()->set_user_agent(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36");
  (*event.mutable_context()->mutable_headers())["Accept-Language"] = "en-GB,en;q=0.9";
  return event;
}

}  // namespace riskd::testing
