#include "server/funnel/funnel_counters.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status_macros.h"

namespace riskd {
namespace {

using google::protobuf::util::TimeUtil;
using riskd::v1::FunnelBucket;
using riskd::v1::FunnelCounts;

// Every counter of the funnel shares one hash tag: one Redis slot, so a
// flush is one atomic transaction and a query one round trip.
constexpr absl::string_view kKeyPrefix = "f:{funnel}:";
constexpr int64_t kMaxBuckets = 10000;
// FunnelCounts' first counter field; the rest follow in FunnelCounter order.
constexpr int kFirstCountField = 2;

struct Granularity {
  FunnelBucket bucket;
  const char* code;
  int64_t seconds;
  absl::Duration keep;
};
const Granularity kGranularities[] = {
    {riskd::v1::FUNNEL_BUCKET_MINUTE, "m", 60, absl::Hours(24 * 30)},
    {riskd::v1::FUNNEL_BUCKET_HOUR, "h", 3600, absl::Hours(24 * 400)},
    {riskd::v1::FUNNEL_BUCKET_DAY, "d", 86400, absl::Hours(24 * (5 * 365 + 1))},
};

const Granularity& GranularityOf(FunnelBucket bucket) {
  for (const Granularity& g : kGranularities) {
    if (g.bucket == bucket) return g;
  }
  return kGranularities[0];  // unspecified: minutes
}

// The start of the bucket of `size` seconds that holds `unix_seconds`.
int64_t BucketStart(int64_t unix_seconds, int64_t size) {
  int64_t rem = unix_seconds % size;
  if (rem < 0) rem += size;
  return unix_seconds - rem;
}

std::string CounterKey(const Granularity& g, int64_t start, int counter) {
  return absl::StrCat(kKeyPrefix, g.code, ":", start, ":", counter);
}

void SetCount(FunnelCounts& counts, int counter, int64_t value) {
  const google::protobuf::FieldDescriptor* field =
      FunnelCounts::descriptor()->FindFieldByNumber(kFirstCountField + counter);
  counts.GetReflection()->SetInt64(&counts, field, value);
}

}  // namespace

std::optional<FunnelCounter> CounterForVerdict(riskd::v1::Verdict verdict) {
  switch (verdict) {
    case riskd::v1::VERDICT_ALLOW:
      return FunnelCounter::kVerdictsAllow;
    case riskd::v1::VERDICT_CHALLENGE:
      return FunnelCounter::kVerdictsChallenge;
    case riskd::v1::VERDICT_DENY:
      return FunnelCounter::kVerdictsDeny;
    default:
      return std::nullopt;
  }
}

std::optional<FunnelCounter> CounterForWebhook(absl::string_view kind) {
  if (kind == "review.opened") return FunnelCounter::kWebhooksReviewOpened;
  if (kind == "incident.confirmed") return FunnelCounter::kWebhooksIncidentConfirmed;
  if (kind == "incident.recovered") return FunnelCounter::kWebhooksIncidentRecovered;
  return std::nullopt;
}

std::optional<FunnelCounter> CounterForFeedback(riskd::v1::FeedbackType type) {
  switch (type) {
    case riskd::v1::FEEDBACK_TYPE_CHALLENGE_SUCCEEDED:
      return FunnelCounter::kFeedbackChallengeSucceeded;
    case riskd::v1::FEEDBACK_TYPE_CHALLENGE_FAILED:
      return FunnelCounter::kFeedbackChallengeFailed;
    case riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED:
      return FunnelCounter::kFeedbackReviewApproved;
    case riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED:
      return FunnelCounter::kFeedbackReviewEscalated;
    case riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED:
      return FunnelCounter::kFeedbackPasswordResetSucceeded;
    default:
      return std::nullopt;
  }
}

FunnelRecorder::FunnelRecorder(StateStore& store, absl::Duration flush_interval)
    : store_(store), flusher_("funnel counters", flush_interval, [this] { return Flush(); }) {}

FunnelRecorder::~FunnelRecorder() { flusher_.Stop(); }

void FunnelRecorder::Add(absl::Time at, FunnelCounter counter, int64_t n) {
  const int64_t minute = BucketStart(absl::ToUnixSeconds(at), 60);
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = pending_.try_emplace(minute);
  if (inserted) it->second.fill(0);
  it->second[static_cast<int>(counter)] += n;
}

absl::Status FunnelRecorder::Flush() {
  absl::MutexLock one_flush(&flush_mu_);
  absl::flat_hash_map<int64_t, std::array<int64_t, kFunnelCounterCount>> taken;
  {
    absl::MutexLock lock(&mu_);
    taken.swap(pending_);
  }
  if (taken.empty()) return absl::OkStatus();
  // Sum per bucket of each granularity: one add per key.
  absl::flat_hash_map<std::string, std::pair<int64_t, absl::Duration>> adds;
  for (const auto& [minute, counts] : taken) {
    for (const Granularity& g : kGranularities) {
      const int64_t start = BucketStart(minute, g.seconds);
      for (int c = 0; c < kFunnelCounterCount; ++c) {
        if (counts[c] == 0) continue;
        auto& [sum, keep] = adds[CounterKey(g, start, c)];
        sum += counts[c];
        keep = g.keep;
      }
    }
  }
  StateStore::Transaction t;
  for (auto& [key, add] : adds) {
    t.mutations.push_back({.key = key, .ttl = add.second, .add = add.first});
  }
  std::vector<StateStore::Transaction> batch;
  batch.push_back(std::move(t));
  absl::StatusOr<std::vector<bool>> done = store_.Commit(std::move(batch));
  if (done.ok()) return absl::OkStatus();
  // Not written: keep the sums for the next flush. (On UNAVAILABLE Redis may
  // have applied them; counting twice is the lesser harm than losing.)
  absl::MutexLock lock(&mu_);
  for (const auto& [minute, counts] : taken) {
    auto [it, inserted] = pending_.try_emplace(minute);
    if (inserted) it->second.fill(0);
    for (int c = 0; c < kFunnelCounterCount; ++c) it->second[c] += counts[c];
  }
  return done.status();
}

absl::StatusOr<riskd::v1::GetFunnelStatsResponse> ReadFunnelStats(
    StateStore& store, const riskd::v1::GetFunnelStatsRequest& request) {
  if (!request.has_from()) return absl::InvalidArgumentError("from: is required");
  if (!request.has_to()) return absl::InvalidArgumentError("to: is required");
  if (!riskd::v1::FunnelBucket_IsValid(request.bucket())) {
    return absl::InvalidArgumentError("bucket: unknown bucket size");
  }
  const Granularity& g = GranularityOf(request.bucket());
  const int64_t to = TimeUtil::TimestampToSeconds(request.to());
  if (to <= TimeUtil::TimestampToSeconds(request.from())) {
    return absl::InvalidArgumentError("to: must be after from");
  }
  // From the start of the bucket that holds `from`.
  const int64_t from = BucketStart(TimeUtil::TimestampToSeconds(request.from()), g.seconds);
  const int64_t buckets = (to - from + g.seconds - 1) / g.seconds;
  if (buckets > kMaxBuckets) {
    return absl::InvalidArgumentError(absl::StrCat("to: the range holds ", buckets,
                                                   " buckets; at most ", kMaxBuckets, " per call"));
  }
  std::vector<std::string> keys;
  keys.reserve(buckets * kFunnelCounterCount);
  for (int64_t b = 0; b < buckets; ++b) {
    for (int c = 0; c < kFunnelCounterCount; ++c) {
      keys.push_back(CounterKey(g, from + b * g.seconds, c));
    }
  }
  RISKD_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values, store.MultiGet(keys));
  riskd::v1::GetFunnelStatsResponse response;
  for (int64_t b = 0; b < buckets; ++b) {
    FunnelCounts* counts = response.add_buckets();
    *counts->mutable_start() = TimeUtil::SecondsToTimestamp(from + b * g.seconds);
    for (int c = 0; c < kFunnelCounterCount; ++c) {
      const std::optional<std::string>& value = values[b * kFunnelCounterCount + c];
      int64_t n = 0;
      if (value && absl::SimpleAtoi(*value, &n)) SetCount(*counts, c, n);
    }
  }
  return response;
}

}  // namespace riskd
