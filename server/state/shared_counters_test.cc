// SharedCounters sums adds in memory and writes them to a real RocksDB store:
// once per key and flush, with the first add's expiry, at the latest when it
// is destroyed, and again after a failed write.
#include "server/state/shared_counters.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/state/rocksdb/rocksdb_store.h"
#include "tests/support/temp_dirs.h"

namespace riskd {
namespace {

std::unique_ptr<RocksDbStore> OpenStore() {
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open({.path = testing::MakeTempDir() + "/db"});
  EXPECT_TRUE(store.ok()) << store.status();
  return *std::move(store);
}

std::optional<std::string> Read(StateStore& store, const std::string& key) {
  absl::StatusOr<std::vector<std::optional<std::string>>> values = store.MultiGet({key});
  EXPECT_TRUE(values.ok()) << values.status();
  return (*values)[0];
}

// Never flushes by itself within a test.
constexpr absl::Duration kNoTimedFlush = absl::Hours(1);

TEST(SharedCountersTest, SumsAddsAndWritesThemAtTheFlush) {
  std::unique_ptr<RocksDbStore> store = OpenStore();
  SharedCounters counters(*store, kNoTimedFlush);
  counters.Add("p:peer-profile:g:a:n", 1, absl::Hours(1));
  counters.Add("p:peer-profile:g:a:n", 2, absl::Hours(1));
  counters.Add("p:x:{203.0.113.9}:n", 5, absl::Hours(1));
  EXPECT_EQ(Read(*store, "p:peer-profile:g:a:n"), std::nullopt) << "nothing written before a flush";
  ASSERT_TRUE(counters.Flush().ok());
  EXPECT_EQ(Read(*store, "p:peer-profile:g:a:n"), "3");
  EXPECT_EQ(Read(*store, "p:x:{203.0.113.9}:n"), "5");
  // The next flush adds to what is stored.
  counters.Add("p:peer-profile:g:a:n", 4, absl::Hours(1));
  ASSERT_TRUE(counters.Flush().ok());
  EXPECT_EQ(Read(*store, "p:peer-profile:g:a:n"), "7");
  ASSERT_TRUE(counters.Flush().ok()) << "an empty flush writes nothing";
  EXPECT_EQ(Read(*store, "p:peer-profile:g:a:n"), "7");
}

TEST(SharedCountersTest, TheFlushThreadWritesWithinTheInterval) {
  std::unique_ptr<RocksDbStore> store = OpenStore();
  SharedCounters counters(*store, absl::Milliseconds(20));
  counters.Add("k", 1, absl::ZeroDuration());
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (Read(*store, "k") != "1" && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(Read(*store, "k"), "1");
}

TEST(SharedCountersTest, ACounterExpiresWithTheTtlOfItsFirstAdd) {
  std::unique_ptr<RocksDbStore> store = OpenStore();
  SharedCounters counters(*store, kNoTimedFlush);
  counters.Add("short", 1, absl::Milliseconds(300));
  counters.Add("short", 1, absl::Hours(1));
  ASSERT_TRUE(counters.Flush().ok());
  EXPECT_EQ(Read(*store, "short"), "2");
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(Read(*store, "short"), std::nullopt);
}

TEST(SharedCountersTest, WritesWhatIsLeftWhenDestroyed) {
  std::unique_ptr<RocksDbStore> store = OpenStore();
  {
    SharedCounters counters(*store, kNoTimedFlush);
    counters.Add("left", 9, absl::ZeroDuration());
  }
  EXPECT_EQ(Read(*store, "left"), "9");
}

// Writes to the real store, failing the Commit numbered `fail_at` (0: none),
// and remembers how many transactions each Commit carried.
class WrappedStore final : public StateStore {
 public:
  WrappedStore(StateStore& real, int fail_at) : real_(real), fail_at_(fail_at) {}
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      absl::Span<const std::string> keys) override {
    return real_.MultiGet(keys);
  }
  absl::StatusOr<std::vector<bool>> Commit(std::vector<Transaction> transactions) override {
    commit_sizes_.push_back(transactions.size());
    if (static_cast<int>(commit_sizes_.size()) == fail_at_) {
      return absl::UnavailableError("store down");
    }
    return real_.Commit(std::move(transactions));
  }
  const std::vector<size_t>& commit_sizes() const { return commit_sizes_; }
  absl::StatusOr<ScanPage> Scan(absl::string_view prefix, absl::string_view cursor,
                                size_t limit) override {
    return real_.Scan(prefix, cursor, limit);
  }
  bool MayBlock() const override { return false; }
  std::string Describe() const override { return "failing once"; }

 private:
  StateStore& real_;
  int fail_at_;
  std::vector<size_t> commit_sizes_;
};

TEST(SharedCountersTest, KeepsTheSumsOfAFailedWriteForTheNextFlush) {
  std::unique_ptr<RocksDbStore> store = OpenStore();
  WrappedStore failing(*store, /*fail_at=*/1);
  SharedCounters counters(failing, kNoTimedFlush);
  counters.Add("kept", 2, absl::ZeroDuration());
  EXPECT_EQ(counters.Flush().code(), absl::StatusCode::kUnavailable);
  counters.Add("kept", 3, absl::ZeroDuration());
  ASSERT_TRUE(counters.Flush().ok());
  EXPECT_EQ(Read(*store, "kept"), "5");
}

// A second's adds after a burst of new users touch thousands of keys: they go
// in several small commits, so that no commit holds decisions' locks for long,
// and a commit that fails keeps its sums and the rest's.
TEST(SharedCountersTest, ManyKeysGoInSmallCommitsAndAFailedOneKeepsWhatIsLeft) {
  std::unique_ptr<RocksDbStore> store = OpenStore();
  WrappedStore wrapped(*store, /*fail_at=*/2);
  SharedCounters counters(wrapped, kNoTimedFlush);
  for (int i = 0; i < 100; ++i)
    counters.Add(absl::StrCat("{ip", i, "}:n"), 1, absl::ZeroDuration());
  EXPECT_EQ(counters.Flush().code(), absl::StatusCode::kUnavailable);
  ASSERT_EQ(wrapped.commit_sizes().size(), 2u) << "stops at the failed commit";
  ASSERT_TRUE(counters.Flush().ok());
  size_t transactions = 0;
  for (size_t size : wrapped.commit_sizes()) {
    EXPECT_LE(size, 32u);
    transactions += size;
  }
  EXPECT_EQ(transactions, 100u + wrapped.commit_sizes()[1]) << "the failed commit's keys again";
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Read(*store, absl::StrCat("{ip", i, "}:n")), "1") << i;
}

}  // namespace
}  // namespace riskd
