// The ceiling: a gRPC server built from the same proto and the same gRPC as
// riskd, whose Authenticate returns a constant reply. No riskd can be faster
// on this machine; bench/run.sh reports riskd as a ratio of it.
#include <signal.h>

#include <cstdio>
#include <string>

#include "grpcpp/grpcpp.h"
#include "riskd/v1/riskd.grpc.pb.h"

namespace {

class ConstantRiskService final : public riskd::v1::RiskService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Authenticate(grpc::CallbackServerContext* context,
                                         const riskd::v1::AuthenticateRequest* request,
                                         riskd::v1::AuthenticateResponse* response) override {
    // A reply of the size of a real one: one detector, no signals.
    response->set_verdict(riskd::v1::VERDICT_ALLOW);
    response->set_request_id(request->event().request_id());
    response->set_policy("thresholds.default");
    riskd::v1::DetectorResult* d = response->add_detectors();
    d->set_name("example");
    d->set_weight(0.8);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = argc > 1 ? argv[1] : "127.0.0.1:50061";
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ConstantRiskService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server) return 1;
  std::fprintf(stderr, "ceiling listening on port %d\n", port);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  return 0;
}
