// One synchronous hiredis connection to one Redis node, with connect and
// command timeouts. Not thread-safe: a connection is used by one thread at a
// time (NodeConnectionPool hands them out). After any I/O error the socket is
// dropped, and EnsureConnected() opens a new one on the next use.
#ifndef RISKD_SERVER_STATE_REDIS_REDIS_CONNECTION_H_
#define RISKD_SERVER_STATE_REDIS_REDIS_CONNECTION_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/state/redis/redis_reply.h"

struct redisContext;

namespace riskd::redis {

struct ConnectionOptions {
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // Bounds each socket read and write, so a stalled node fails a call
  // instead of hanging it.
  absl::Duration command_timeout = absl::Seconds(1);
};

// "host:port" -> {host, port}; the host may be a bracketed IPv6 address.
absl::StatusOr<std::pair<std::string, int>> SplitHostPort(absl::string_view address);

class RedisConnection {
 public:
  RedisConnection(std::string address, ConnectionOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  const std::string& address() const { return address_; }
  bool connected() const { return context_ != nullptr; }
  // Connected with no reply left unread: safe to hand to another caller.
  bool reusable() const { return context_ != nullptr && unread_replies_ == 0; }

  // Connects unless connected; also reconnects when the node closed the
  // socket while it sat idle (a restarted node). Nothing has been sent to
  // the node when this fails, so a caller may safely try elsewhere.
  absl::Status EnsureConnected();

  // Writes `commands` as one pipeline. Send then Receive(n) is one round
  // trip; sending to several nodes before receiving overlaps their trips.
  absl::Status Send(absl::Span<const RedisCommand> commands);
  // Writes several callers' pipelines as one, in order (NodeRoundTrips).
  absl::Status SendAll(absl::Span<const absl::Span<const RedisCommand>> pipelines);
  // Reads the next `count` replies. Error replies are replies, not errors;
  // the status is UNAVAILABLE only when the connection failed.
  absl::StatusOr<std::vector<RedisReply>> Receive(size_t count);

  // Send + Receive.
  absl::StatusOr<std::vector<RedisReply>> Execute(absl::Span<const RedisCommand> commands);
  absl::StatusOr<RedisReply> ExecuteOne(const RedisCommand& command);

 private:
  // Drops the socket and returns UNAVAILABLE naming the node (and hiredis's
  // reason, or `reason`).
  absl::Status Fail(absl::string_view during);
  absl::Status Fail(absl::string_view during, absl::string_view reason);
  void Disconnect();

  const std::string address_;
  const ConnectionOptions options_;
  redisContext* context_ = nullptr;
  size_t unread_replies_ = 0;
};

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_REDIS_CONNECTION_H_
