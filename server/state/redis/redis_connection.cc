#include "server/state/redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace riskd::redis {
namespace {

timeval TimevalOf(absl::Duration duration) {
  if (duration <= absl::ZeroDuration()) duration = absl::Milliseconds(1);
  return absl::ToTimeval(duration);
}

// True when an idle socket is readable: with no request outstanding that
// means the node closed it (EOF) or reset it.
bool PeerClosedIdleSocket(int fd) {
  pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
  return poll(&entry, 1, 0) != 0;
}

// A command in the Redis protocol (RESP): *<argc> then $<len> <bytes> per
// argument, each line ending in CRLF.
void AppendCommand(const RedisCommand& command, std::string& wire) {
  absl::StrAppend(&wire, "*", command.size(), "\r\n");
  for (const std::string& arg : command)
    absl::StrAppend(&wire, "$", arg.size(), "\r\n", arg, "\r\n");
}

}  // namespace

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(absl::string_view address) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis node address \"", address, "\" is not host:port"));
  }
  absl::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(std::string(host), port);
}

RedisConnection::RedisConnection(std::string address, ConnectionOptions options)
    : address_(std::move(address)), options_(options) {}

RedisConnection::~RedisConnection() { Disconnect(); }

void RedisConnection::Disconnect() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
  unread_replies_ = 0;
}

absl::Status RedisConnection::Fail(absl::string_view during) {
  return Fail(during, context_ != nullptr && context_->errstr[0] != '\0'
                          ? std::string(context_->errstr)
                          : std::string("connection lost"));
}

absl::Status RedisConnection::Fail(absl::string_view during, absl::string_view reason) {
  std::string message = absl::StrCat("redis node ", address_, ": ", during, " failed: ", reason);
  Disconnect();
  return absl::UnavailableError(message);
}

absl::Status RedisConnection::EnsureConnected() {
  if (context_ != nullptr && context_->err == 0 && !PeerClosedIdleSocket(context_->fd)) {
    return absl::OkStatus();
  }
  Disconnect();
  auto host_port = SplitHostPort(address_);
  if (!host_port.ok()) return host_port.status();
  context_ = redisConnectWithTimeout(host_port->first.c_str(), host_port->second,
                                     TimevalOf(options_.connect_timeout));
  if (context_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("redis node ", address_, ": cannot allocate a connection"));
  }
  if (context_->err != 0) return Fail("connect");
  if (redisSetTimeout(context_, TimevalOf(options_.command_timeout)) != REDIS_OK) {
    return Fail("setting the command timeout");
  }
  // Notices a vanished peer on long-idle pooled sockets.
  redisEnableKeepAlive(context_);
  return absl::OkStatus();
}

absl::Status RedisConnection::Send(absl::Span<const RedisCommand> commands) {
  return SendAll(absl::MakeConstSpan(&commands, 1));
}

absl::Status RedisConnection::SendAll(absl::Span<const absl::Span<const RedisCommand>> pipelines) {
  if (context_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("redis node ", address_, ": not connected"));
  }
  std::string wire;
  size_t commands = 0;
  for (absl::Span<const RedisCommand> pipeline : pipelines) {
    for (const RedisCommand& command : pipeline) AppendCommand(command, wire);
    commands += pipeline.size();
  }
  // send(2) with MSG_NOSIGNAL, not hiredis's write(2): a write to a socket
  // the node has reset then fails with EPIPE instead of raising SIGPIPE,
  // whose default action would end riskd. The socket is blocking, with the
  // command timeout as its send timeout.
  for (size_t sent = 0; sent < wire.size();) {
    ssize_t n = send(context_->fd, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      return Fail("write",
                  errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : std::strerror(errno));
    }
  }
  unread_replies_ += commands;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Receive(size_t count) {
  if (context_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("redis node ", address_, ": not connected"));
  }
  std::vector<RedisReply> replies;
  replies.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return Fail("read");
    auto* reply = static_cast<redisReply*>(raw);
    replies.push_back(RedisReply::FromHiredis(*reply));
    freeReplyObject(reply);
    if (unread_replies_ > 0) --unread_replies_;
  }
  return replies;
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Execute(
    absl::Span<const RedisCommand> commands) {
  if (absl::Status sent = Send(commands); !sent.ok()) return sent;
  return Receive(commands.size());
}

absl::StatusOr<RedisReply> RedisConnection::ExecuteOne(const RedisCommand& command) {
  auto replies = Execute(absl::MakeConstSpan(&command, 1));
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

}  // namespace riskd::redis
