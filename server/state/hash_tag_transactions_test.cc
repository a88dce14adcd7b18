#include "server/state/hash_tag_transactions.h"

#include "gtest/gtest.h"

namespace riskd {
namespace {

std::vector<std::string> Keys(const StateStore::Transaction& t) {
  std::vector<std::string> keys;
  for (const StateStore::Mutation& m : t.mutations) keys.push_back(m.key);
  return keys;
}

TEST(TransactionsByHashTagTest, OneTransactionPerTagInFirstSeenOrder) {
  std::vector<StateStore::Transaction> t = TransactionsByHashTag({
      {.key = "p:a:{203.0.113.9}:n", .add = 1},
      {.key = "p:a:{alice}:h", .value = "x"},
      {.key = "p:b:{203.0.113.9}:t", .value = "y"},
      {.key = "p:a:g:n", .add = 2},  // no tag: the whole key is its slot
      {.key = "p:a:g:m", .add = 3},
  });
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(Keys(t[0]), (std::vector<std::string>{"p:a:{203.0.113.9}:n", "p:b:{203.0.113.9}:t"}));
  EXPECT_EQ(Keys(t[1]), (std::vector<std::string>{"p:a:{alice}:h"}));
  EXPECT_EQ(Keys(t[2]), (std::vector<std::string>{"p:a:g:n"}));
  EXPECT_EQ(Keys(t[3]), (std::vector<std::string>{"p:a:g:m"}));
  EXPECT_EQ(t[0].mutations[0].add, 1);
  EXPECT_FALSE(t[0].guard_key.has_value());
  EXPECT_TRUE(TransactionsByHashTag({}).empty());
}

}  // namespace
}  // namespace riskd
