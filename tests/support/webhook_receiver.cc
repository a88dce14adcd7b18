#include "tests/support/webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace riskd::testing {
namespace {

// What a receiver should accept: a signature made in the last 5 minutes.
constexpr int64_t kMaxSignatureAgeSeconds = 300;

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(n);
  }
  return true;
}

// Reads more of the connection into `buffer`; false at its end.
bool ReadMore(int fd, std::string& buffer) {
  char chunk[8192];
  ssize_t n;
  do {
    n = read(fd, chunk, sizeof(chunk));
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  buffer.append(chunk, n);
  return true;
}

}  // namespace

std::unique_ptr<WebhookReceiver> WebhookReceiver::Start(std::string secret, int port) {
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver(std::move(secret)));
  receiver->port_ = port;
  if (!receiver->Listen()) {
    ADD_FAILURE() << "the webhook receiver cannot listen on 127.0.0.1:" << port;
    return nullptr;
  }
  return receiver;
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

std::string WebhookReceiver::url() const {
  return absl::StrCat("http://127.0.0.1:", port_, "/riskd");
}

bool WebhookReceiver::Listen() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port_));
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return false;
  }
  port_ = ntohs(address.sin_port);
  {
    absl::MutexLock lock(&mu_);
    listen_fd_ = fd;
    stopping_ = false;
  }
  acceptor_ = std::thread([this, fd] { Accept(fd); });
  return true;
}

bool WebhookReceiver::Restart() {
  Stop();
  return Listen();
}

void WebhookReceiver::Stop() {
  int fd;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    fd = listen_fd_;
    listen_fd_ = -1;
    for (int open : open_fds_) shutdown(open, SHUT_RDWR);
  }
  if (fd >= 0) {
    shutdown(fd, SHUT_RDWR);  // wakes accept()
    close(fd);
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> connections;
  {
    absl::MutexLock lock(&mu_);
    connections.swap(connections_);
  }
  for (std::thread& t : connections) t.join();
}

void WebhookReceiver::Accept(int listen_fd) {
  for (;;) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // closed by Stop
    }
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    open_fds_.insert(fd);
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

void WebhookReceiver::Serve(int fd) {
  std::string buffer;
  for (;;) {
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, buffer)) goto done;
    }
    {
      std::vector<std::string> lines =
          absl::StrSplit(absl::string_view(buffer).substr(0, header_end), "\r\n");
      std::vector<std::string> request_line = absl::StrSplit(lines[0], ' ');
      ReceivedWebhook request;
      request.path = request_line.size() > 1 ? request_line[1] : "";
      size_t content_length = 0;
      bool close_after = false;
      for (size_t i = 1; i < lines.size(); ++i) {
        size_t colon = lines[i].find(':');
        if (colon == std::string::npos) continue;
        std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
        std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
        if (name == "content-length") (void)absl::SimpleAtoi(value, &content_length);
        if (name == "connection" && absl::AsciiStrToLower(value) == "close") close_after = true;
        if (name == "riskd-delivery") request.delivery_id = value;
        if (name == "riskd-event") request.event = value;
        if (name == "riskd-signature") request.signature = value;
      }
      const size_t total = header_end + 4 + content_length;
      while (buffer.size() < total) {
        if (!ReadMore(fd, buffer)) goto done;
      }
      request.body = buffer.substr(header_end + 4, content_length);
      buffer.erase(0, total);

      int status = 405;
      absl::Duration hold = absl::ZeroDuration();
      if (request_line[0] == "POST") status = Handle(std::move(request), hold);
      if (hold > absl::ZeroDuration()) {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), hold);
        if (stopping_) goto done;  // the sender never gets its answer
      }
      const std::string text = status == 200 ? "ok" : absl::StrCat("status ", status);
      if (!WriteAll(fd, absl::StrCat("HTTP/1.1 ", status, " X\r\nContent-Type: text/plain\r\n",
                                     "Content-Length: ", text.size(), "\r\n\r\n", text)) ||
          close_after) {
        goto done;
      }
    }
  }
done : {
  absl::MutexLock lock(&mu_);
  open_fds_.erase(fd);
}
  close(fd);
}

bool WebhookReceiver::SignatureValid(const std::string& header, const std::string& body) const {
  std::string t, v1;
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == "t") t = kv.second;
    if (kv.first == "v1") v1 = kv.second;
  }
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(t, &seconds) ||
      std::abs(absl::ToUnixSeconds(absl::Now()) - seconds) > kMaxSignatureAgeSeconds) {
    return false;
  }
  const std::string signed_text = t + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &length);
  const std::string expected =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(mac), length));
  return v1.size() == expected.size() &&
         CRYPTO_memcmp(v1.data(), expected.data(), expected.size()) == 0;
}

int WebhookReceiver::Handle(ReceivedWebhook request, absl::Duration& hold) {
  request.signature_valid = SignatureValid(request.signature, request.body);
  absl::MutexLock lock(&mu_);
  requests_.push_back(request);
  if (!request.signature_valid) return 401;
  if (status_ < 200 || status_ > 299) return status_;
  if (logged_ids_.insert(request.delivery_id).second) {
    log_.push_back(std::move(request));
  } else {
    ++duplicates_;
  }
  hold = hold_;
  return status_;
}

void WebhookReceiver::RespondWith(int status) {
  absl::MutexLock lock(&mu_);
  status_ = status;
}

void WebhookReceiver::HoldAnswers(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  hold_ = delay;
}

std::vector<ReceivedWebhook> WebhookReceiver::Deliveries() const {
  absl::MutexLock lock(&mu_);
  return log_;
}

std::vector<ReceivedWebhook> WebhookReceiver::Requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

int WebhookReceiver::Duplicates() const {
  absl::MutexLock lock(&mu_);
  return duplicates_;
}

bool WebhookReceiver::WaitForDeliveries(size_t count, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return log_.size() >= count; };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

bool WebhookReceiver::WaitForRequests(size_t count, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, count]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return requests_.size() >= count; };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

}  // namespace riskd::testing
