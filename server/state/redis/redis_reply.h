// An owned copy of a hiredis reply, so that replies outlive the connection
// they came from, and the parsing of cluster redirect errors.
#ifndef RISKD_SERVER_STATE_REDIS_REDIS_REPLY_H_
#define RISKD_SERVER_STATE_REDIS_REDIS_REPLY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

struct redisReply;

namespace riskd::redis {

// One command: its arguments, binary-safe.
using RedisCommand = std::vector<std::string>;

struct RedisReply {
  enum class Type { kString, kStatus, kError, kInteger, kNil, kArray };

  static RedisReply FromHiredis(const redisReply& reply);
  static RedisReply Error(std::string message) {
    RedisReply reply;
    reply.type = Type::kError;
    reply.str = std::move(message);
    return reply;
  }

  bool IsError() const { return type == Type::kError; }

  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // kArray
};

// A "-MOVED <slot> <host:port>" or "-ASK <slot> <host:port>" error.
struct Redirect {
  enum class Kind { kMoved, kAsk };
  Kind kind;
  int slot;
  std::string address;
};

// The redirect an error reply carries, if it is one.
std::optional<Redirect> ParseRedirect(absl::string_view error);

// True for errors that mean "not now, retry later" during resharding or a
// cluster state change: TRYAGAIN, CLUSTERDOWN, LOADING.
bool IsTransientClusterError(absl::string_view error);

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_REDIS_REPLY_H_
