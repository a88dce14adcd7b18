#include "server/state/state_store_conformance.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"

namespace riskd::testing {
namespace {

using Transaction = StateStore::Transaction;
using Mutation = StateStore::Mutation;

Transaction Put(const std::string& key, const std::string& value,
                absl::Duration ttl = absl::ZeroDuration()) {
  return Transaction{.guard_key = std::nullopt,
                     .guard_value = std::nullopt,
                     .mutations = {Mutation{key, value, ttl}}};
}

std::optional<std::string> GetOne(StateStore& store, const std::string& key) {
  auto values = store.MultiGet({key});
  EXPECT_TRUE(values.ok()) << values.status();
  return values.ok() ? (*values)[0] : std::nullopt;
}

bool CommitOne(StateStore& store, Transaction t) {
  std::vector<Transaction> batch;
  batch.push_back(std::move(t));
  auto applied = store.Commit(std::move(batch));
  EXPECT_TRUE(applied.ok()) << applied.status();
  return applied.ok() && (*applied)[0];
}

}  // namespace

void StateStoreConformanceTest::SetUp() {
  store_ = GetParam().make();
  ASSERT_NE(store_, nullptr);
  std::random_device random;
  namespace_ = absl::StrCat(GetParam().key_prefix, "conf-",
                            ::testing::UnitTest::GetInstance()->current_test_info()->name(), "-",
                            random(), ":");
}

TEST_P(StateStoreConformanceTest, MissingKeysReadAsAbsentInRequestOrder) {
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{a}:x"), "1")));
  auto values = store_->MultiGet({Key("{a}:missing"), Key("{a}:x"), Key("{b}:y"), Key("{a}:x")});
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), 4u);
  EXPECT_EQ((*values)[0], std::nullopt);
  EXPECT_EQ((*values)[1], "1");
  EXPECT_EQ((*values)[2], std::nullopt);
  EXPECT_EQ((*values)[3], "1");
}

TEST_P(StateStoreConformanceTest, EmptyBatchesAreFine) {
  auto values = store_->MultiGet({});
  ASSERT_TRUE(values.ok());
  EXPECT_TRUE(values->empty());
  auto applied = store_->Commit({});
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->empty());
}

TEST_P(StateStoreConformanceTest, ValuesAreBinarySafe) {
  std::string value("a\0b\xff\n\r\"'", 9);
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{bin}:v"), value)));
  EXPECT_EQ(GetOne(*store_, Key("{bin}:v")), value);
}

TEST_P(StateStoreConformanceTest, ReadsSpanManyUsersInOneBatch) {
  std::vector<Transaction> puts;
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    keys.push_back(Key(absl::StrCat("{user", i, "}:profile")));
    puts.push_back(Put(keys.back(), absl::StrCat("v", i)));
  }
  auto applied = store_->Commit(puts);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(std::count(applied->begin(), applied->end(), true), 50);
  auto values = store_->MultiGet(keys);
  ASSERT_TRUE(values.ok()) << values.status();
  for (int i = 0; i < 50; ++i) EXPECT_EQ((*values)[i], absl::StrCat("v", i));
}

TEST_P(StateStoreConformanceTest, DeleteRemovesAKey) {
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{d}:k"), "v")));
  ASSERT_TRUE(CommitOne(*store_, Transaction{.mutations = {Mutation{Key("{d}:k"), std::nullopt,
                                                                    absl::ZeroDuration()}}}));
  EXPECT_EQ(GetOne(*store_, Key("{d}:k")), std::nullopt);
}

TEST_P(StateStoreConformanceTest, GuardOnAbsentKeyCreatesOnce) {
  auto create = [&](const std::string& value) {
    return Transaction{.guard_key = Key("{g}:user"),
                       .guard_value = std::nullopt,
                       .mutations = {Mutation{Key("{g}:user"), value}}};
  };
  EXPECT_TRUE(CommitOne(*store_, create("first")));
  EXPECT_FALSE(CommitOne(*store_, create("second")));
  EXPECT_EQ(GetOne(*store_, Key("{g}:user")), "first");
}

TEST_P(StateStoreConformanceTest, GuardedTransactionIsAllOrNothing) {
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{t}:user"), "v1")));
  auto update = [&](const std::string& expected, const std::string& next) {
    return Transaction{.guard_key = Key("{t}:user"),
                       .guard_value = expected,
                       .mutations = {Mutation{Key("{t}:user"), next},
                                     Mutation{Key("{t}:response"), "resp-" + next}}};
  };
  EXPECT_FALSE(CommitOne(*store_, update("stale", "v2")));
  EXPECT_EQ(GetOne(*store_, Key("{t}:user")), "v1");
  EXPECT_EQ(GetOne(*store_, Key("{t}:response")), std::nullopt) << "nothing of a failed guard";
  EXPECT_TRUE(CommitOne(*store_, update("v1", "v2")));
  EXPECT_EQ(GetOne(*store_, Key("{t}:user")), "v2");
  EXPECT_EQ(GetOne(*store_, Key("{t}:response")), "resp-v2");
}

TEST_P(StateStoreConformanceTest, EachTransactionOfABatchHasItsOwnOutcome) {
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{m}:a"), "a1")));
  std::vector<Transaction> batch = {
      Transaction{.guard_key = Key("{m}:a"),
                  .guard_value = "wrong",
                  .mutations = {Mutation{Key("{m}:a"), "a2"}}},
      Put(Key("{n}:b"), "b1"),
      Transaction{.guard_key = Key("{m}:a"),
                  .guard_value = "a1",
                  .mutations = {Mutation{Key("{m}:a"), "a3"}}},
  };
  auto applied = store_->Commit(batch);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(GetOne(*store_, Key("{m}:a")), "a3");
  EXPECT_EQ(GetOne(*store_, Key("{n}:b")), "b1");
}

TEST_P(StateStoreConformanceTest, KeysExpireAfterTheirTtl) {
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{ttl}:short"), "v", absl::Milliseconds(1200))));
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{ttl}:forever"), "v")));
  EXPECT_EQ(GetOne(*store_, Key("{ttl}:short")), "v");
  std::this_thread::sleep_for(std::chrono::milliseconds(1700));
  EXPECT_EQ(GetOne(*store_, Key("{ttl}:short")), std::nullopt);
  EXPECT_EQ(GetOne(*store_, Key("{ttl}:forever")), "v");
}

TEST_P(StateStoreConformanceTest, ConcurrentCompareAndSetLosesNoUpdate) {
  // Several writers increment one counter with read, compute, guarded write
  // and retry: the way riskd replicas update one user at the same time.
  const std::string key = Key("{counter}:n");
  constexpr int kThreads = 4, kIncrements = 50;
  std::atomic<int> conflicts{0};
  auto writer = [&] {
    std::unique_ptr<StateStore> store = GetParam().make();  // its own client
    for (int i = 0; i < kIncrements; ++i) {
      for (;;) {
        auto current = store->MultiGet({key});
        ASSERT_TRUE(current.ok()) << current.status();
        int n = (*current)[0] ? std::stoi(*(*current)[0]) : 0;
        auto applied =
            store->Commit({Transaction{.guard_key = key,
                                       .guard_value = (*current)[0],
                                       .mutations = {Mutation{key, std::to_string(n + 1)}}}});
        ASSERT_TRUE(applied.ok()) << applied.status();
        if ((*applied)[0]) break;
        ++conflicts;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(writer);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(GetOne(*store_, key), std::to_string(kThreads * kIncrements))
      << conflicts << " conflicts were retried";
}

Transaction Add(const std::string& key, int64_t amount, absl::Duration ttl = absl::ZeroDuration()) {
  return Transaction{.mutations = {Mutation{.key = key, .ttl = ttl, .add = amount}}};
}

TEST_P(StateStoreConformanceTest, CountersAddAtomicallyAsDecimalText) {
  EXPECT_TRUE(CommitOne(*store_, Add(Key("{ip}:fails"), 5)));
  EXPECT_TRUE(CommitOne(*store_, Add(Key("{ip}:fails"), -2)));
  EXPECT_EQ(GetOne(*store_, Key("{ip}:fails")), "3");
  // Two adds to one key in one batch both count.
  auto applied = store_->Commit({Add(Key("{ip}:fails"), 10), Add(Key("{ip}:fails"), 1)});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(GetOne(*store_, Key("{ip}:fails")), "14");
}

TEST_P(StateStoreConformanceTest, ACounterEndsWithTheWindowItWasCreatedWith) {
  ASSERT_TRUE(CommitOne(*store_, Add(Key("{ip}:minute"), 1, absl::Milliseconds(1500))));
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  ASSERT_TRUE(CommitOne(*store_, Add(Key("{ip}:minute"), 1, absl::Milliseconds(1500))));
  EXPECT_EQ(GetOne(*store_, Key("{ip}:minute")), "2");
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  EXPECT_EQ(GetOne(*store_, Key("{ip}:minute")), std::nullopt)
      << "the second add must not have extended the window";
}

TEST_P(StateStoreConformanceTest, AddToANonIntegerFailsTheCommit) {
  ASSERT_TRUE(CommitOne(*store_, Put(Key("{x}:text"), "hello")));
  auto applied = store_->Commit({Add(Key("{x}:text"), 1)});
  EXPECT_FALSE(applied.ok());
  EXPECT_EQ(GetOne(*store_, Key("{x}:text")), "hello");
}

TEST_P(StateStoreConformanceTest, ConcurrentCountersLoseNoIncrement) {
  // Replicas bumping one per-IP counter at once, without guards.
  const std::string key = Key("{203.0.113.9}:fails");
  constexpr int kThreads = 4, kBatches = 25, kPerBatch = 4;
  auto writer = [&] {
    std::unique_ptr<StateStore> store = GetParam().make();
    for (int b = 0; b < kBatches; ++b) {
      std::vector<Transaction> batch;
      for (int i = 0; i < kPerBatch; ++i) batch.push_back(Add(key, 1, absl::Minutes(5)));
      auto applied = store->Commit(std::move(batch));
      ASSERT_TRUE(applied.ok()) << applied.status();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(writer);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(GetOne(*store_, key), std::to_string(kThreads * kBatches * kPerBatch));
}

TEST_P(StateStoreConformanceTest, ScanReturnsEveryKeyWithThePrefixAcrossPages) {
  std::set<std::string> expected;
  std::vector<Transaction> puts;
  for (int i = 0; i < 120; ++i) {
    std::string key = Key(absl::StrCat("u:{user", i, "}"));
    expected.insert(key);
    puts.push_back(Put(key, absl::StrCat("value", i)));
  }
  puts.push_back(Put(Key("other:{user1}"), "not listed"));
  ASSERT_TRUE(store_->Commit(puts).ok());

  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store_->Scan(Key("u:"), cursor, 25);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& [key, value] : page->items) {
      EXPECT_EQ(key.rfind(Key("u:"), 0), 0u) << key;
      EXPECT_EQ(value,
                "value" + key.substr(key.find("{user") + 5, key.find('}') - key.find("{user") - 5));
      seen.insert(key);
    }
    cursor = page->next_cursor;
    ASSERT_LT(++pages, 200) << "the scan does not end";
  } while (!cursor.empty());
  EXPECT_EQ(seen, expected);
  EXPECT_GT(pages, 1) << "a limit of 25 must page through 120 keys";
}

TEST_P(StateStoreConformanceTest, ScanKeepsKeysPresentThroughoutWhileOthersAreWritten) {
  std::set<std::string> stable;
  std::vector<Transaction> puts;
  for (int i = 0; i < 60; ++i) {
    std::string key = Key(absl::StrCat("u:{s", i, "}"));
    stable.insert(key);
    puts.push_back(Put(key, "v"));
  }
  ASSERT_TRUE(store_->Commit(puts).ok());
  std::set<std::string> seen;
  std::string cursor;
  int round = 0;
  do {
    auto page = store_->Scan(Key("u:"), cursor, 10);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& item : page->items) seen.insert(item.first);
    // Meanwhile new users arrive and existing ones change.
    ASSERT_TRUE(store_
                    ->Commit({Put(Key(absl::StrCat("u:{new", round, "}")), "n"),
                              Put(Key(absl::StrCat("u:{s", round % 60, "}")), "changed")})
                    .ok());
    cursor = page->next_cursor;
    ++round;
  } while (!cursor.empty() && round < 500);
  for (const std::string& key : stable) EXPECT_TRUE(seen.count(key)) << key << " was skipped";
}

// A prefix that holds a whole hash tag names keys of one slot; Redis lists
// that slot only (the webhook outbox relies on it): the same promises hold.
TEST_P(StateStoreConformanceTest, ScanOfAHashTaggedPrefixPagesInKeyOrder) {
  std::vector<Transaction> puts;
  std::set<std::string> expected;
  for (int i = 0; i < 70; ++i) {
    std::string key = Key(absl::StrCat("{box}:q:", 1000 + i));
    expected.insert(key);
    puts.push_back(Put(key, absl::StrCat(i)));
  }
  puts.push_back(Put(Key("{box}:other"), "not listed"));
  puts.push_back(Put(Key("{boxes}:q:1"), "not listed"));
  ASSERT_TRUE(store_->Commit(puts).ok());

  std::vector<std::string> seen;
  std::string cursor;
  int round = 0;
  do {
    auto page = store_->Scan(Key("{box}:q:"), cursor, 16);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& [key, value] : page->items) seen.push_back(key);
    // Meanwhile keys before and after the cursor come and go.
    ASSERT_TRUE(store_
                    ->Commit({Put(Key(absl::StrCat("{box}:q:0", round)), "early"),
                              Put(Key(absl::StrCat("{box}:q:9", round)), "late")})
                    .ok());
    cursor = page->next_cursor;
    ASSERT_LT(++round, 100) << "the scan does not end";
  } while (!cursor.empty());
  std::set<std::string> seen_set(seen.begin(), seen.end());
  for (const std::string& key : expected) EXPECT_TRUE(seen_set.count(key)) << key << " skipped";
  EXPECT_EQ(seen_set.size(), seen.size()) << "a key was returned twice";
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_FALSE(seen_set.count(Key("{box}:other")));
}

}  // namespace riskd::testing
