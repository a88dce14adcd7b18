// A fixed pool of threads running queued tasks: where riskd runs state calls
// that may wait on the network, so that gRPC's own threads never block.
#ifndef RISKD_SERVER_COMMON_THREAD_POOL_H_
#define RISKD_SERVER_COMMON_THREAD_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace riskd {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  // Runs the tasks already queued, then joins.
  ~ThreadPool();
  void Schedule(std::function<void()> task);

 private:
  void Work();
  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_THREAD_POOL_H_
