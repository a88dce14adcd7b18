#include "server/webhooks/http_poster.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace riskd {
namespace {

// Enough of a response body to say why a receiver refused a delivery.
constexpr size_t kKeptResponseBytes = 200;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string response;
  char error[CURL_ERROR_SIZE] = {0};
  bool done = false;
};

size_t KeepStart(char* data, size_t size, size_t count, void* user) {
  std::string* response = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (response->size() < kKeptResponseBytes) {
    response->append(data, std::min(bytes, kKeptResponseBytes - response->size()));
  }
  return bytes;  // read the rest and drop it
}

// One line of printable text, for a log field.
std::string OneLine(absl::string_view text) {
  std::string out;
  for (char c : text) out.push_back(absl::ascii_isprint(static_cast<unsigned char>(c)) ? c : ' ');
  return std::string(absl::StripAsciiWhitespace(out));
}

HttpOutcome OutcomeOf(Transfer& t, CURLcode code) {
  HttpOutcome outcome;
  if (code != CURLE_OK) {
    outcome.error = t.error[0] != '\0' ? OneLine(t.error) : curl_easy_strerror(code);
    return outcome;
  }
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  outcome.status = static_cast<int>(status);
  if (!outcome.ok()) {
    outcome.error = absl::StrCat("HTTP ", status);
    if (std::string body = OneLine(t.response); !body.empty())
      absl::StrAppend(&outcome.error, ": ", body);
  }
  return outcome;
}

}  // namespace

HttpPoster::HttpPoster() {
  GlobalInitOnce();
  multi_ = curl_multi_init();
}

HttpPoster::~HttpPoster() { curl_multi_cleanup(static_cast<CURLM*>(multi_)); }

void HttpPoster::Cancel() {
  cancelled_.store(true);
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

std::vector<HttpOutcome> HttpPoster::PostAll(absl::Span<const HttpPost> posts) {
  CURLM* multi = static_cast<CURLM*>(multi_);
  std::vector<HttpOutcome> outcomes(posts.size());
  std::vector<Transfer> transfers(posts.size());
  for (size_t i = 0; i < posts.size(); ++i) {
    const HttpPost& post = posts[i];
    Transfer& t = transfers[i];
    t.easy = curl_easy_init();
    for (const std::string& h : post.headers) t.headers = curl_slist_append(t.headers, h.c_str());
    // No "Expect: 100-continue" round trip before the body.
    t.headers = curl_slist_append(t.headers, "Expect:");
    curl_easy_setopt(t.easy, CURLOPT_URL, post.url.c_str());
    curl_easy_setopt(t.easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t.easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(t.easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t.easy, CURLOPT_USERAGENT, "riskd-webhooks/1");
    curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, post.body.data());
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(post.body.size()));
    curl_easy_setopt(
        t.easy, CURLOPT_TIMEOUT_MS,
        static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(post.timeout))));
    curl_easy_setopt(t.easy, CURLOPT_WRITEFUNCTION, &KeepStart);
    curl_easy_setopt(t.easy, CURLOPT_WRITEDATA, &t.response);
    curl_easy_setopt(t.easy, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(t.easy, CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_multi_add_handle(multi, t.easy);
  }

  size_t remaining = posts.size();
  while (remaining > 0 && !cancelled_.load()) {
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      void* index = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &index);
      Transfer& t = transfers[reinterpret_cast<size_t>(index)];
      outcomes[reinterpret_cast<size_t>(index)] = OutcomeOf(t, message->data.result);
      t.done = true;
      --remaining;
    }
    if (remaining > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }

  for (size_t i = 0; i < transfers.size(); ++i) {
    Transfer& t = transfers[i];
    if (!t.done) outcomes[i] = {.status = 0, .error = "cancelled", .cancelled = true};
    curl_multi_remove_handle(multi, t.easy);
    curl_easy_cleanup(t.easy);
    curl_slist_free_all(t.headers);
  }
  return outcomes;
}

}  // namespace riskd
