// A realistic history for benchmark users, built with the real user model:
// 20 to 60 events over 90 days (logins mostly succeeded, some failed, a
// password reset now and then) from 1 to 3 devices and 2 to 6 IPs, a
// registration date and an email. Shared by the state-size and start-up
// measurements, whose users are the load generator's ("user<N>").
#ifndef RISKD_BENCH_USER_HISTORY_H_
#define RISKD_BENCH_USER_HISTORY_H_

#include <random>
#include <string>

#include "riskd/state/v1/user_record.pb.h"
#include "server/state/state_store.h"
#include "server/state/user_model_options.h"

namespace riskd {

// The id the load generator uses for user number `user`.
std::string UserId(int user);

riskd::state::v1::UserRecord History(int user, std::mt19937& random,
                                     const UserModelOptions& options);

// Writes users [0, users) through `store`, 1000 per commit. Returns the
// serialized records' total bytes.
absl::StatusOr<int64_t> WriteUsers(StateStore& store, int users, std::mt19937& random);

}  // namespace riskd

#endif  // RISKD_BENCH_USER_HISTORY_H_
