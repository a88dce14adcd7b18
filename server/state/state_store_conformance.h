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
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "server/state/state_store.h"

namespace riskd::testing {

struct StoreFactory {
  std::string name;
  // A store to test. Stores may share data between calls (a Redis cluster):
  // the suite keeps each test's keys apart with a unique prefix.
  std::function<std::unique_ptr<StateStore>()> make;
  // Put before every key of the suite, for an engine that stores keys apart
  // by their prefix (the RocksDB engine's "p:" keys).
  std::string key_prefix = "";
};

// gtest prints a parameter in test lists and failures: by its name, not its bytes.
inline void PrintTo(const StoreFactory& factory, std::ostream* out) { *out << factory.name; }

inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class StateStoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  // A key unique to this test run: "<key_prefix>conf-<test>-<random>:" + `rest`.
  // `rest` may carry a hash tag such as "{alice}:profile".
  std::string Key(const std::string& rest) const { return namespace_ + rest; }

  std::unique_ptr<StateStore> store_;
  std::string namespace_;
};

}  // namespace riskd::testing

#endif  // RISKD_SERVER_STATE_STATE_STORE_CONFORMANCE_H_
