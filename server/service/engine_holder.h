// The current DecisionEngine, swapped atomically on config reload. In-flight
// requests keep the engine (and so the plugin libraries) they started with.
#ifndef RISKD_SERVER_SERVICE_ENGINE_HOLDER_H_
#define RISKD_SERVER_SERVICE_ENGINE_HOLDER_H_

#include <memory>

#include "absl/synchronization/mutex.h"
#include "server/decision/decision_engine.h"

namespace riskd {

class EngineHolder {
 public:
  explicit EngineHolder(std::shared_ptr<const DecisionEngine> engine)
      : engine_(std::move(engine)) {}

  std::shared_ptr<const DecisionEngine> Get() const {
    absl::ReaderMutexLock lock(&mu_);
    return engine_;
  }
  void Set(std::shared_ptr<const DecisionEngine> engine) {
    absl::MutexLock lock(&mu_);
    engine_.swap(engine);
    // The old engine is released here, outside no lock but the holder's; its
    // detectors are destroyed once the last in-flight request drops it.
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const DecisionEngine> engine_ ABSL_GUARDED_BY(mu_);
};

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_ENGINE_HOLDER_H_
