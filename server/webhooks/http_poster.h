// Sends HTTP POSTs with libcurl, many at once on one thread (the multi
// interface), keeping connections to each receiver alive between batches.
#ifndef RISKD_SERVER_WEBHOOKS_HTTP_POSTER_H_
#define RISKD_SERVER_WEBHOOKS_HTTP_POSTER_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace riskd {

struct HttpPost {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  absl::Duration timeout;  // the whole exchange, connecting included
};

struct HttpOutcome {
  int status = 0;     // the HTTP status; 0 when there was no response
  std::string error;  // "" on 2xx; else "HTTP 503: <body start>" or why there was no response
  bool cancelled = false;
  bool ok() const { return status >= 200 && status < 300; }
};

class HttpPoster {
 public:
  HttpPoster();
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Sends every post at once and returns outcome[i] for posts[i] when all
  // have one. Redirects are not followed (a 3xx is a failure); only http and
  // https are spoken. Not to be called from two threads at once.
  std::vector<HttpOutcome> PostAll(absl::Span<const HttpPost> posts);

  // From any thread: the current and every later PostAll end at once, their
  // unfinished posts with `cancelled` set.
  void Cancel();

 private:
  void* multi_;  // CURLM
  std::atomic<bool> cancelled_{false};
};

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_HTTP_POSTER_H_
