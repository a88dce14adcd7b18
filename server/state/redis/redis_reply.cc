#include "server/state/redis/redis_reply.h"

#include <hiredis/hiredis.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace riskd::redis {

RedisReply RedisReply::FromHiredis(const redisReply& reply) {
  RedisReply owned;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      owned.type = Type::kString;
      owned.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      owned.type = Type::kStatus;
      owned.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      owned.type = Type::kError;
      owned.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      owned.type = Type::kInteger;
      owned.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      owned.type = Type::kArray;
      owned.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        owned.elements.push_back(FromHiredis(*reply.element[i]));
      }
      break;
    default:  // REDIS_REPLY_NIL
      owned.type = Type::kNil;
      break;
  }
  return owned;
}

std::optional<Redirect> ParseRedirect(absl::string_view error) {
  std::vector<absl::string_view> parts = absl::StrSplit(error, ' ');
  if (parts.size() != 3) return std::nullopt;
  Redirect redirect;
  if (parts[0] == "MOVED") {
    redirect.kind = Redirect::Kind::kMoved;
  } else if (parts[0] == "ASK") {
    redirect.kind = Redirect::Kind::kAsk;
  } else {
    return std::nullopt;
  }
  if (!absl::SimpleAtoi(parts[1], &redirect.slot) || parts[2].empty()) return std::nullopt;
  redirect.address = std::string(parts[2]);
  return redirect;
}

bool IsTransientClusterError(absl::string_view error) {
  return absl::StartsWith(error, "TRYAGAIN") || absl::StartsWith(error, "CLUSTERDOWN") ||
         absl::StartsWith(error, "LOADING");
}

}  // namespace riskd::redis
