// Temporary directories for tests, under one root per test process that is
// removed when the tests end: each riskd or RocksDB a test starts
// preallocates tens of MB of log, which would otherwise pile up run after run.
#ifndef RISKD_TESTS_SUPPORT_TEMP_DIRS_H_
#define RISKD_TESTS_SUPPORT_TEMP_DIRS_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace riskd::testing {

inline const std::string& TempRoot() {
  static const std::string* root = [] {
    std::string pattern = ::testing::TempDir() + "riskd-tests-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    return new std::string(pattern);
  }();
  return *root;
}

class RemoveTempRoot : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(TempRoot(), ignored);
  }
};
inline ::testing::Environment* const kRemoveTempRoot =
    ::testing::AddGlobalTestEnvironment(new RemoveTempRoot());

// A fresh, empty directory.
inline std::string MakeTempDir() {
  std::string pattern = TempRoot() + "/XXXXXX";
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  return pattern;
}

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_TEMP_DIRS_H_
