// A gRPC load generator for riskd's Authenticate, in C++ so that it costs
// little of the machine it shares with the server.
//
//   load_generator --target 127.0.0.1:50051 --seconds 10 --concurrency 64
//       closed loop: keeps `concurrency` calls in flight (saturation)
//   load_generator --target ... --seconds 10 --rate 5000
//       open loop: starts calls at a fixed rate; latency counts from the
//       scheduled start, so a stalled server cannot hide its queueing
//   load_generator --target ... --passes 1 --concurrency 16
//       closed loop over the mix, each request sent `passes` times, then
//       stops: a warm-up in which every user of the mix has been seen once
//   load_generator --target ... --wait-ready 120 --since-unix-ns N
//       start-up time: calls until one is answered OK (or the time is up),
//       then prints ready_ms, the time from N (when the server was started)
//   load_generator ... --timeline FILE
//       also writes each call's start (Unix ms) and latency (µs) to FILE, to
//       place slow calls in time (against RocksDB's LOG, riskd's log)
//   load_generator --target ... --sweep-users 100000 --concurrency 64
//       one succeeded login for each of users 0..N-1 (from the home IP and
//       browser the mix gives that user), closed loop, then stops: fills the
//       detectors' per-user state of N users, so that bench/state-size.sh can
//       measure what it adds per user
//
// The traffic mix over 100,000 users: 80% succeeded logins from each user's
// own browser and IP, 10% failed logins, 5% registrations, 5% attack traffic
// (scripted clients). Every reply's status is checked: errors are counted and
// never as decisions. Prints one line of key=value results.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "riskd/v1/riskd.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50051";
  double seconds = 10;
  int concurrency = 64;
  double rate = 0;  // 0: closed loop
  int channels = 2;
  int users = 100000;
  int passes = 0;         // > 0: send the mix this many times, then stop
  int sweep_users = 0;    // > 0: one login per user 0..N-1 instead of the mix
  double wait_ready = 0;  // seconds; 0: measure load instead
  int64_t since_unix_ns = 0;
  std::string timeline;  // empty: none
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--target")
      o.target = value;
    else if (flag == "--seconds")
      o.seconds = std::stod(value);
    else if (flag == "--concurrency")
      o.concurrency = std::stoi(value);
    else if (flag == "--rate")
      o.rate = std::stod(value);
    else if (flag == "--channels")
      o.channels = std::stoi(value);
    else if (flag == "--users")
      o.users = std::stoi(value);
    else if (flag == "--passes")
      o.passes = std::stoi(value);
    else if (flag == "--sweep-users")
      o.sweep_users = std::stoi(value);
    else if (flag == "--wait-ready")
      o.wait_ready = std::stod(value);
    else if (flag == "--since-unix-ns")
      o.since_unix_ns = std::stoll(value);
    else if (flag == "--timeline")
      o.timeline = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

// User `user`'s own side of an event: its id and email, and the home IP and
// browser it always uses (attackers come from elsewhere). The mix and the
// sweep share it, so that a swept user is the mix's user.
void SetUser(int user, riskd::v1::Event* e) {
  const char* kBrowsers[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.4 Safari/605.1.15",
      "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"};
  e->mutable_user()->set_id("user" + std::to_string(user));
  e->mutable_user()->set_email("user" + std::to_string(user) + "@example.com");
  std::string home_ip =
      "81." + std::to_string(user % 250) + "." + std::to_string((user / 250) % 250) + ".10";
  e->mutable_context()->set_ip(home_ip);
  e->mutable_context()->set_user_agent(kBrowsers[user % 3]);
  (*e->mutable_context()->mutable_headers())["accept-language"] = "en-GB,en;q=0.9";
}

// Pre-built requests, so that building them costs nothing during the run.
std::vector<riskd::v1::AuthenticateRequest> BuildMix(int users) {
  constexpr int kRequests = 20000;
  std::mt19937 random(42);
  std::vector<riskd::v1::AuthenticateRequest> mix(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    int user = static_cast<int>(random() % users);
    int kind = static_cast<int>(random() % 100);
    riskd::v1::Event* e = mix[i].mutable_event();
    SetUser(user, e);
    if (kind < 80) {
      e->set_type(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED);
    } else if (kind < 90) {
      e->set_type(riskd::v1::EVENT_TYPE_LOGIN_FAILED);
    } else if (kind < 95) {
      e->set_type(riskd::v1::EVENT_TYPE_REGISTRATION);
    } else {
      e->set_type(riskd::v1::EVENT_TYPE_LOGIN_FAILED);
      e->mutable_context()->set_ip("185.220.101." + std::to_string(random() % 250));
      e->mutable_context()->set_user_agent("python-requests/2.31.0");
      e->mutable_context()->clear_headers();
    }
  }
  return mix;
}

// One succeeded login per user, in user order. No request ids, like the mix:
// riskd keeps no retry answer (r: key) for a generated one.
std::vector<riskd::v1::AuthenticateRequest> BuildSweep(int users) {
  std::vector<riskd::v1::AuthenticateRequest> sweep(users);
  for (int user = 0; user < users; ++user) {
    riskd::v1::Event* e = sweep[user].mutable_event();
    SetUser(user, e);
    e->set_type(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED);
  }
  return sweep;
}

class Recorder {
 public:
  // `state_error`: decided without the user's history (the store failed).
  void Record(bool ok, bool state_error, Clock::duration latency, Clock::duration since_start) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ok) {
      latencies_us_.push_back(std::chrono::duration<double, std::micro>(latency).count());
      starts_ms_.push_back(std::chrono::duration<double, std::milli>(since_start).count());
      if (state_error) ++state_errors_;
    } else {
      ++errors_;
    }
  }
  // One line per decision: its start (Unix ms) and its latency (µs).
  void WriteTimeline(const std::string& path, int64_t start_unix_ns) {
    std::lock_guard<std::mutex> lock(mu_);
    FILE* out = std::fopen(path.c_str(), "w");
    if (out == nullptr) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return;
    }
    for (size_t i = 0; i < latencies_us_.size(); ++i) {
      std::fprintf(out, "%.1f %.0f\n", start_unix_ns / 1e6 + starts_ms_[i], latencies_us_[i]);
    }
    std::fclose(out);
  }
  // `cpu_us`: the generator's own CPU over the run, reported per call so that
  // the server's share of the machine can be told from the client's.
  void Report(double seconds, double cpu_us, const Options& o) {
    std::lock_guard<std::mutex> lock(mu_);
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto pct = [&](double p) {
      if (latencies_us_.empty()) return 0.0;
      return latencies_us_[std::min(latencies_us_.size() - 1,
                                    static_cast<size_t>(p * latencies_us_.size()))];
    };
    std::printf(
        "mode=%s offered_rps=%.0f ok=%zu errors=%ld state_errors=%ld rps=%.0f p50_us=%.0f "
        "p99_us=%.0f p999_us=%.0f client_cpu_us_per_call=%.1f\n",
        o.rate > 0 ? "open" : "closed", o.rate, latencies_us_.size(), errors_, state_errors_,
        latencies_us_.size() / seconds, pct(0.50), pct(0.99), pct(0.999),
        latencies_us_.empty() ? 0.0 : cpu_us / latencies_us_.size());
  }

 private:
  std::mutex mu_;
  std::vector<double> latencies_us_;
  std::vector<double> starts_ms_;  // from the run's start, in the order above
  long errors_ = 0;
  long state_errors_ = 0;
};

// User and system CPU of this process so far, in microseconds.
double ProcessCpuUs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

int64_t UnixNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Calls until one decision comes back OK: the server is up, its detectors'
// data and its state store loaded.
int WaitReady(const Options& o, const riskd::v1::AuthenticateRequest& request) {
  const Clock::time_point give_up =
      Clock::now() + std::chrono::microseconds(static_cast<long>(o.wait_ready * 1e6));
  std::string last_error = "no reply";
  while (Clock::now() < give_up) {
    // A new channel each time: an old one would wait out gRPC's reconnect
    // backoff (seconds), and that is not the server's start-up.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = riskd::v1::RiskService::NewStub(
        grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    context.set_wait_for_ready(false);
    riskd::v1::AuthenticateResponse response;
    grpc::Status status = stub->Authenticate(&context, request, &response);
    if (status.ok()) {
      std::printf("ready_ms=%.0f\n", (UnixNanos() - o.since_unix_ns) / 1e6);
      return 0;
    }
    last_error = status.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::fprintf(stderr, "not ready after %.0f s: %s\n", o.wait_ready, last_error.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  if (o.sweep_users > 0 && o.rate > 0) {
    // An open loop would keep scheduling calls after the last user.
    std::fprintf(stderr, "--sweep-users is a closed loop: drop --rate\n");
    return 2;
  }
  std::vector<riskd::v1::AuthenticateRequest> mix =
      o.sweep_users > 0 ? BuildSweep(o.sweep_users) : BuildMix(o.users);
  if (o.wait_ready > 0) return WaitReady(o, mix[0]);
  std::vector<std::unique_ptr<riskd::v1::RiskService::Stub>> stubs;
  for (int c = 0; c < o.channels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", c);  // distinct channels, distinct connections
    stubs.push_back(riskd::v1::RiskService::NewStub(
        grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args)));
  }

  Recorder recorder;
  std::atomic<long> in_flight{0};
  std::atomic<size_t> next{0};
  const Clock::time_point start = Clock::now();
  const int64_t start_unix_ns = UnixNanos();
  const double start_cpu_us = ProcessCpuUs();
  // A sweep is one pass over its own requests: every user once.
  const int passes = o.sweep_users > 0 ? 1 : o.passes;
  const Clock::time_point end =
      passes > 0 ? Clock::time_point::max()
                 : start + std::chrono::microseconds(static_cast<long>(o.seconds * 1e6));
  const size_t calls = passes > 0 ? passes * mix.size() : 0;  // 0: no limit
  std::mutex done_mu;
  std::condition_variable done_cv;

  // One call; `scheduled` is when it should have started (open loop).
  std::function<void(Clock::time_point)> issue = [&](Clock::time_point scheduled) {
    size_t i = next.fetch_add(1);
    if (calls > 0 && i >= calls) return;  // every pass sent
    struct Call {
      grpc::ClientContext context;
      riskd::v1::AuthenticateResponse response;
    };
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    ++in_flight;
    stubs[i % stubs.size()]->async()->Authenticate(
        &call->context, &mix[i % mix.size()], &call->response,
        [&, call, scheduled](grpc::Status status) {
          Clock::time_point now = Clock::now();
          if (now <= end) {
            recorder.Record(status.ok(), !call->response.state_error().empty(), now - scheduled,
                            scheduled - start);
          }
          delete call;
          if (o.rate <= 0 && now < end) issue(now);  // closed loop: replace it
          if (--in_flight == 0) {
            std::lock_guard<std::mutex> lock(done_mu);
            done_cv.notify_all();
          }
        });
  };

  if (o.rate > 0) {
    const auto interval = std::chrono::duration<double>(1.0 / o.rate);
    long n = 0;
    for (Clock::time_point t = start; t < end;
         t = start + std::chrono::duration_cast<Clock::duration>(interval * ++n)) {
      std::this_thread::sleep_until(t);
      issue(t);
    }
  } else {
    for (int c = 0; c < o.concurrency; ++c) issue(Clock::now());
    if (calls == 0) std::this_thread::sleep_until(end);
  }
  std::unique_lock<std::mutex> lock(done_mu);
  done_cv.wait_for(lock, std::chrono::seconds(calls > 0 ? 3600 : 10),
                   [&] { return in_flight.load() == 0; });
  if (!o.timeline.empty()) recorder.WriteTimeline(o.timeline, start_unix_ns);
  recorder.Report(
      calls > 0 ? std::chrono::duration<double>(Clock::now() - start).count() : o.seconds,
      ProcessCpuUs() - start_cpu_us, o);
  return 0;
}
