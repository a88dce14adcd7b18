// Looking up what a detector said in an AuthenticateResponse, for
// integration tests' assertions.
#ifndef RISKD_TESTS_SUPPORT_RESPONSE_LOOKUP_H_
#define RISKD_TESTS_SUPPORT_RESPONSE_LOOKUP_H_

#include <string>
#include <string_view>

#include "riskd/v1/riskd.pb.h"

namespace riskd::testing {

// The detail of the signal `name`, raised by `detector` (by any detector when
// `detector` is empty); "" when there is no such signal.
inline std::string SignalDetail(const riskd::v1::AuthenticateResponse& response,
                                std::string_view name, std::string_view detector = {}) {
  for (const auto& signal : response.signals()) {
    if (signal.name() == name && (detector.empty() || signal.detector() == detector)) {
      return signal.detail();
    }
  }
  return "";
}

// Whether any detector raised the signal `name`.
inline bool HasSignal(const riskd::v1::AuthenticateResponse& response, std::string_view name) {
  for (const auto& signal : response.signals()) {
    if (signal.name() == name) return true;
  }
  return false;
}

// The result of the detector (instance) named `name`, nullptr when absent.
inline const riskd::v1::DetectorResult* FindDetector(
    const riskd::v1::AuthenticateResponse& response, std::string_view name) {
  for (const auto& detector : response.detectors()) {
    if (detector.name() == name) return &detector;
  }
  return nullptr;
}

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_RESPONSE_LOOKUP_H_
