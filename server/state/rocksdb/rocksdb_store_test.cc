// The RocksDB engine passes the conformance suite, and keeps its data across
// reopening.
#include "server/state/rocksdb/rocksdb_store.h"

#include <stdlib.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "server/state/state_store_conformance.h"
#include "tests/support/temp_dirs.h"

namespace riskd::testing {
namespace {

std::string TempDir() { return MakeTempDir(); }

// Stores opened by one test share one database, as riskd's threads do.
std::unique_ptr<StateStore> SharedStore() {
  static std::shared_ptr<RocksDbStore> db = [] {
    auto store = RocksDbStore::Open({.path = TempDir() + "/db"});
    EXPECT_TRUE(store.ok()) << store.status();
    return std::shared_ptr<RocksDbStore>(*std::move(store));
  }();
  // A thin handle, so that the suite may "make" several clients of one DB.
  class Handle final : public StateStore {
   public:
    explicit Handle(std::shared_ptr<RocksDbStore> db) : db_(std::move(db)) {}
    absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
        absl::Span<const std::string> keys) override {
      return db_->MultiGet(keys);
    }
    absl::StatusOr<std::vector<bool>> Commit(std::vector<Transaction> t) override {
      return db_->Commit(std::move(t));
    }
    absl::StatusOr<ScanPage> Scan(absl::string_view p, absl::string_view c, size_t l) override {
      return db_->Scan(p, c, l);
    }
    bool MayBlock() const override { return db_->MayBlock(); }
    std::string Describe() const override { return db_->Describe(); }

   private:
    std::shared_ptr<RocksDbStore> db_;
  };
  return std::make_unique<Handle>(db);
}

INSTANTIATE_TEST_SUITE_P(RocksDb, StateStoreConformanceTest,
                         ::testing::Values(StoreFactory{"rocksdb", &SharedStore}),
                         StoreFactoryName);

TEST(RocksDbStoreTest, DataSurvivesReopening) {
  std::string path = TempDir() + "/db";
  {
    auto store = RocksDbStore::Open({.path = path});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Commit({{.mutations = {{"u:{alice}", "record"}}}}).ok());
  }
  auto reopened = RocksDbStore::Open({.path = path});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto values = (*reopened)->MultiGet({"u:{alice}"});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)[0], "record");
}

TEST(RocksDbStoreTest, ASecondOpenOfTheSameDirectoryFailsClearly) {
  std::string path = TempDir() + "/db";
  auto first = RocksDbStore::Open({.path = path});
  ASSERT_TRUE(first.ok());
  auto second = RocksDbStore::Open({.path = path});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("cannot open the state store in " + path),
            std::string::npos)
      << second.status();
}

}  // namespace
}  // namespace riskd::testing
