// The RocksDB engine passes the conformance suite (with its value cache large
// and so small that it evicts all the time), keeps its data across reopening,
// and its cache never serves a value older than the database.
#include "server/state/rocksdb/rocksdb_store.h"

#include <stdlib.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "server/state/rocksdb/value_envelope.h"
#include "server/state/state_store_conformance.h"
#include "tests/support/temp_dirs.h"

namespace riskd::testing {
namespace {

std::string TempDir() { return MakeTempDir(); }

// A few entries per stripe: most reads miss, fill and evict.
constexpr size_t kTinyValueCacheBytes = 64 * 1024;

// Stores opened by one test share one database, as riskd's threads do.
std::unique_ptr<StateStore> HandleTo(std::shared_ptr<RocksDbStore> db);

std::unique_ptr<StateStore> SharedStore() {
  static std::shared_ptr<RocksDbStore> db = [] {
    auto store = RocksDbStore::Open({.path = TempDir() + "/db"});
    EXPECT_TRUE(store.ok()) << store.status();
    return std::shared_ptr<RocksDbStore>(*std::move(store));
  }();
  return HandleTo(db);
}

std::unique_ptr<StateStore> SharedStoreWithTinyCache() {
  static std::shared_ptr<RocksDbStore> db = [] {
    auto store =
        RocksDbStore::Open({.path = TempDir() + "/db", .value_cache_bytes = kTinyValueCacheBytes});
    EXPECT_TRUE(store.ok()) << store.status();
    return std::shared_ptr<RocksDbStore>(*std::move(store));
  }();
  return HandleTo(db);
}

std::unique_ptr<StateStore> HandleTo(std::shared_ptr<RocksDbStore> db) {
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
                         ::testing::Values(StoreFactory{"rocksdb", &SharedStore},
                                           StoreFactory{"rocksdb_tiny_cache",
                                                        &SharedStoreWithTinyCache},
                                           // The same behaviour from the keys
                                           // in the hash-memtable family.
                                           StoreFactory{"rocksdb_point_family", &SharedStore, "p:"},
                                           StoreFactory{"rocksdb_point_family_tiny_cache",
                                                        &SharedStoreWithTinyCache, "p:"}),
                         StoreFactoryName);

// A read that missed the cache fetches from RocksDB, then fills the cache. A
// commit in between must win: the older value read must not be cached, where
// every later read and guard would find it.
TEST(RocksDbStoreTest, ACommitBetweenAReadAndItsCacheFillWins) {
  const std::string path = TempDir() + "/db";
  {
    auto first = RocksDbStore::Open({.path = path});
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_TRUE((*first)->Commit({{.mutations = {{"u:{alice}", "old"}}}}).ok());
  }
  // Reopened, its cache is empty: the next read misses and goes to RocksDB.
  RocksDbStore* db = nullptr;
  bool commit_in_between = true;
  auto store =
      RocksDbStore::Open({.path = path, .after_read_before_cache_fill = [&] {
                            if (!std::exchange(commit_in_between, false)) return;
                            EXPECT_TRUE(db->Commit({{.mutations = {{"u:{alice}", "new"}}}}).ok());
                          }});
  ASSERT_TRUE(store.ok()) << store.status();
  db = store->get();
  EXPECT_EQ(db->MultiGet({"u:{alice}"})->at(0), "old");  // read before the commit
  EXPECT_FALSE(commit_in_between);
  EXPECT_EQ(db->MultiGet({"u:{alice}"})->at(0), "new");
  auto stale = db->Commit(
      {{.guard_key = "u:{alice}", .guard_value = "old", .mutations = {{"u:{alice}", "x"}}}});
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE((*stale)[0]);
}

TEST(RocksDbStoreTest, AGuardSeesACommitMadeAfterTheValueWasCached) {
  auto store = RocksDbStore::Open({.path = TempDir() + "/db"});
  ASSERT_TRUE(store.ok()) << store.status();
  RocksDbStore& db = **store;
  ASSERT_TRUE(db.Commit({{.mutations = {{"u:{alice}", "v1"}}}}).ok());
  ASSERT_EQ(db.MultiGet({"u:{alice}"})->at(0), "v1");  // cached
  ASSERT_TRUE(db.Commit({{.mutations = {{"u:{alice}", "v2"}}}}).ok());
  auto stale = db.Commit(
      {{.guard_key = "u:{alice}", .guard_value = "v1", .mutations = {{"u:{alice}", "from v1"}}}});
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE((*stale)[0]) << "the guard must compare with v2, the value committed last";
  auto fresh = db.Commit(
      {{.guard_key = "u:{alice}", .guard_value = "v2", .mutations = {{"u:{alice}", "from v2"}}}});
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE((*fresh)[0]);
  EXPECT_EQ(db.MultiGet({"u:{alice}"})->at(0), "from v2");
}

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

TEST(RocksDbStoreTest, KeysOfBothFamiliesSurviveReopening) {
  std::string path = TempDir() + "/db";
  {
    auto store = RocksDbStore::Open({.path = path});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)
                    ->Commit({{.mutations = {{"u:{alice}", "record"},
                                             {"p:geo-velocity:{alice}:geo", "history"}}},
                              {.mutations = {{"f:{funnel}:d:1", std::nullopt, {}, 3}}}})
                    .ok());
  }
  auto reopened = RocksDbStore::Open({.path = path});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  auto values =
      (*reopened)->MultiGet({"p:geo-velocity:{alice}:geo", "u:{alice}", "f:{funnel}:d:1"});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)[0], "history");
  EXPECT_EQ((*values)[1], "record");
  EXPECT_EQ((*values)[2], "3");
}

// A data directory written before the point family existed has every key in
// the default family; opening it moves the point keys over, losing nothing.
TEST(RocksDbStoreTest, PointKeysOfAnOlderDatabaseAreMovedToTheirFamily) {
  std::string path = TempDir() + "/db";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (int i = 0; i < 2500; ++i) {  // more than one batch of the move
      ASSERT_TRUE(db->Put({}, absl::StrCat("p:bot-behaviour:{10.0.0.", i, "}:t"),
                          WrapValue(absl::StrCat("timing", i), 0))
                      .ok());
    }
    ASSERT_TRUE(db->Put({}, "f:{funnel}:d:1", WrapValue("7", 0)).ok());
    ASSERT_TRUE(db->Put({}, "r:{alice}:req-1", WrapValue("answer", 0)).ok());
    ASSERT_TRUE(db->Put({}, "u:{alice}", WrapValue("record", 0)).ok());
  }
  for (int open = 0; open < 2; ++open) {  // the second open finds nothing to move
    auto store = RocksDbStore::Open({.path = path});
    ASSERT_TRUE(store.ok()) << store.status();
    auto values = (*store)->MultiGet(
        {"p:bot-behaviour:{10.0.0.2499}:t", "f:{funnel}:d:1", "r:{alice}:req-1", "u:{alice}"});
    ASSERT_TRUE(values.ok()) << values.status();
    EXPECT_EQ((*values)[0], "timing2499");
    EXPECT_EQ((*values)[1], "7");
    EXPECT_EQ((*values)[2], "answer");
    EXPECT_EQ((*values)[3], "record");
    auto page = (*store)->Scan("p:bot-behaviour:", "", 5000);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->items.size(), 2500u);
    auto users = (*store)->Scan("u:", "", 10);
    ASSERT_TRUE(users.ok());
    ASSERT_EQ(users->items.size(), 1u);
    EXPECT_EQ(users->items[0].first, "u:{alice}");
  }
}

TEST(RocksDbStoreTest, AScanThatWouldSpanBothFamiliesIsRefused) {
  auto store = RocksDbStore::Open({.path = TempDir() + "/db"});
  ASSERT_TRUE(store.ok()) << store.status();
  auto page = (*store)->Scan("", "", 10);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << page.status();
  EXPECT_NE(page.status().message().find("scan prefix \"\" is too short"), std::string::npos)
      << page.status();
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
