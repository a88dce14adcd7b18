// The behaviour every StateStore engine must have. An engine's test file
// instantiates the suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(RocksDb, StateStoreConformanceTest,
//                            ::testing::Values(StoreFactory{"rocksdb", &MakeStore}),
//                            StoreFactoryName);
#ifndef RISKD_SERVER_STATE_STATE_STORE_CONFORMANCE_H_
#define RISKD_SERVER_STATE_STATE_STORE_CONFORMANCE_H_

#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/state/state_store.h"

namespace riskd::testing {

struct StoreFactory {
  std::string name;
  // A store to test. Stores may share data between calls (a Redis cluster):
  // the suite keeps each test's keys apart with a unique prefix.
  std::function<std::unique_ptr<StateStore>()> make;
};

inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class StateStoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  // A key unique to this test run: "<prefix><test>-<random>:" + `rest`.
  // `rest` may carry a hash tag such as "{alice}:profile".
  std::string Key(const std::string& rest) const { return namespace_ + rest; }

  std::unique_ptr<StateStore> store_;
  std::string namespace_;
};

}  // namespace riskd::testing

#endif  // RISKD_SERVER_STATE_STATE_STORE_CONFORMANCE_H_
