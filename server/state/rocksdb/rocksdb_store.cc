#include "server/state/rocksdb/rocksdb_store.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "server/state/rocksdb/value_envelope.h"
#include "server/state/state_keys.h"

namespace riskd {
namespace {

// Buckets of the point family's hash memtable: about one per distinct key of a
// memtable (~32 MB of detector keys); 2 MB of pointers.
constexpr size_t kPointMemtableBuckets = size_t{1} << 18;

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

// Drops expired entries when RocksDB compacts, so that TTL'd counters do not
// fill the disk.
class ExpiryFilter final : public rocksdb::CompactionFilter {
 public:
  bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*,
              bool*) const override {
    return !UnwrapValue(absl::string_view(value.data(), value.size()), NowMs()).has_value();
  }
  const char* Name() const override { return "riskd.ExpiryFilter"; }
};

// RocksDB counts every key comparison into a thread-local perf context by
// default: two thread-local look-ups across its shared library per comparison,
// ~7% of a decision's instructions (bench/RESULTS.md). riskd reads none of
// them. The level is per thread: set it once on each thread that calls in.
void DisablePerfCountersOnThisThread() {
  thread_local bool disabled = false;
  if (disabled) return;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  disabled = true;
}

absl::Status Unavailable(const rocksdb::Status& s, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat("rocksdb ", what, ": ", s.ToString()));
}

// The block-based table both families write: one block cache, bloom filters.
std::shared_ptr<rocksdb::TableFactory> SharedTableFactory(const RocksDbOptions& options) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Index and filter blocks live in the block cache too, so that riskd's
  // memory is bounded by its caches whatever the number of users (outside,
  // they grow with the database). Level 0's stay pinned: every read checks them.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));
}

// What both families share: expiry at compaction, the table, a bloom filter
// over each memtable's keys.
rocksdb::ColumnFamilyOptions CommonFamilyOptions(const RocksDbOptions& options,
                                                 std::shared_ptr<rocksdb::TableFactory> table) {
  static ExpiryFilter* const kExpiryFilter = new ExpiryFilter();
  rocksdb::ColumnFamilyOptions family;
  family.compaction_filter = kExpiryFilter;
  // The two families split the memtable budget: per decision, the user
  // record (ordered) and the detectors' keys (point) write about as many bytes.
  family.write_buffer_size = std::max<size_t>(options.write_buffer_bytes / 2, 1 << 20);
  family.table_factory = std::move(table);
  // A read of a key that is not there (a detector's new time bucket, a
  // first-seen IP) skips the search of the memtable, as the files' filters
  // skip the files.
  family.memtable_whole_key_filtering = true;
  family.memtable_prefix_bloom_size_ratio = 0.02;
  return family;
}

// Keys read only by name: the memtable is a hash table of whole keys (each
// bucket a short sorted list of one key's versions), so that an insert does
// not search a skiplist of the whole memtable.
rocksdb::ColumnFamilyOptions PointFamilyOptions(const RocksDbOptions& options,
                                                std::shared_ptr<rocksdb::TableFactory> table) {
  rocksdb::ColumnFamilyOptions family = CommonFamilyOptions(options, std::move(table));
  family.prefix_extractor.reset(rocksdb::NewNoopTransform());
  family.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(kPointMemtableBuckets));
  return family;
}

// Databases written before the point family existed hold its keys in the
// default family: move them over, so that nothing already accepted is lost.
// On a database without such keys this is three seeks.
absl::Status MovePointKeysOutOfOrderedFamily(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* ordered,
                                             rocksdb::ColumnFamilyHandle* point) {
  constexpr int kEntriesPerBatch = 2000;  // a put and a delete per key moved
  rocksdb::WriteBatch batch;
  auto write = [&]() -> absl::Status {
    if (batch.Count() == 0) return absl::OkStatus();
    rocksdb::Status s = db.Write(rocksdb::WriteOptions(), &batch);
    batch.Clear();
    return s.ok() ? absl::OkStatus() : Unavailable(s, "write");
  };
  for (absl::string_view prefix : kPointKeyPrefixes) {
    const rocksdb::Slice start(prefix.data(), prefix.size());
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), ordered));
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      batch.Put(point, it->key(), it->value());
      batch.Delete(ordered, it->key());
      if (batch.Count() >= kEntriesPerBatch) {
        if (absl::Status s = write(); !s.ok()) return s;
      }
    }
    if (!it->status().ok()) return Unavailable(it->status(), "scan");
  }
  return write();
}

std::optional<std::string> Unwrapped(const std::string& stored, int64_t now_ms) {
  std::optional<absl::string_view> value = UnwrapValue(stored, now_ms);
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

}  // namespace

RocksDbStore::RocksDbStore(RocksDbOptions options, std::unique_ptr<rocksdb::DB> db,
                           std::array<rocksdb::ColumnFamilyHandle*, 2> families)
    : options_(std::move(options)), db_(std::move(db)), families_(families) {
  for (Stripe& stripe : stripes_)
    stripe.cache.set_capacity_bytes(options_.value_cache_bytes / kStripes);
}

RocksDbStore::~RocksDbStore() {
  for (rocksdb::ColumnFamilyHandle* family : families_) db_->DestroyColumnFamilyHandle(family);
}

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(const RocksDbOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // Flushes and compactions run at the lowest CPU priority (nice 19): on a
  // small machine they otherwise take a core from the decisions for a tenth
  // of a second at a time, and that is the decisions' p99. They still get
  // every idle moment, and a memtable that cannot be flushed in time slows
  // writers down rather than losing anything.
  for (rocksdb::Env::Priority pool : {rocksdb::Env::HIGH, rocksdb::Env::LOW}) {
    db_options.env->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kLow)
        .PermitUncheckedError();
  }
  // RocksDB reserves 1.1 memtables of disk for each log file up front (70 MB
  // by default), which only pays when every commit is flushed to disk.
  db_options.allow_fallocate = options.sync_writes;
  // A hash memtable takes one writer at a time; riskd's commits are grouped
  // by RocksDB's write thread either way.
  db_options.allow_concurrent_memtable_write = false;

  std::shared_ptr<rocksdb::TableFactory> table = SharedTableFactory(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, CommonFamilyOptions(options, table)},
      {kPointFamilyName, PointFamilyOptions(options, table)}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, families, &handles, &db);
  if (!s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the state store in ", options.path, ": ", s.ToString()));
  }
  std::unique_ptr<RocksDbStore> store(
      new RocksDbStore(options, std::unique_ptr<rocksdb::DB>(db), {handles[0], handles[1]}));
  if (absl::Status moved = MovePointKeysOutOfOrderedFamily(*db, handles[0], handles[1]);
      !moved.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot move the point keys of ", options.path, " to their family: ", moved.message()));
  }
  return store;
}

size_t RocksDbStore::StripeOf(absl::string_view key) {
  return absl::HashOf(HashTagOf(key)) % kStripes;
}

absl::StatusOr<std::vector<std::optional<std::string>>> RocksDbStore::MultiGet(
    absl::Span<const std::string> keys) {
  DisablePerfCountersOnThisThread();
  const int64_t now = NowMs();
  std::vector<std::optional<std::string>> out(keys.size());
  std::vector<size_t> missed;
  std::vector<uint64_t> writes_seen;  // per missed key, its stripe's write count
  for (size_t i = 0; i < keys.size(); ++i) {
    Stripe& stripe = stripes_[StripeOf(keys[i])];
    absl::MutexLock lock(&stripe.mu);
    ValueCache::Lookup cached = stripe.cache.Find(keys[i]);
    if (cached.known) {
      if (cached.stored) out[i] = Unwrapped(*cached.stored, now);
    } else {
      missed.push_back(i);
      writes_seen.push_back(stripe.writes);
    }
  }
  if (missed.empty()) return out;

  std::vector<rocksdb::ColumnFamilyHandle*> families;
  std::vector<rocksdb::Slice> slices;
  families.reserve(missed.size());
  slices.reserve(missed.size());
  for (size_t i : missed) {
    families.push_back(FamilyFor(keys[i]));
    slices.emplace_back(keys[i]);
  }
  std::vector<std::string> stored(missed.size());
  std::vector<rocksdb::Status> statuses =
      db_->MultiGet(rocksdb::ReadOptions(), families, slices, &stored);
  if (options_.after_read_before_cache_fill) options_.after_read_before_cache_fill();
  for (size_t m = 0; m < missed.size(); ++m) {
    const bool found = statuses[m].ok();
    if (!found && !statuses[m].IsNotFound()) return Unavailable(statuses[m], "read");
    const std::string& key = keys[missed[m]];
    {
      Stripe& stripe = stripes_[StripeOf(key)];
      absl::MutexLock lock(&stripe.mu);
      if (stripe.writes == writes_seen[m]) {
        stripe.cache.Put(key, found ? std::optional<absl::string_view>(stored[m]) : std::nullopt);
      }
    }
    if (found) out[missed[m]] = Unwrapped(stored[m], now);
  }
  return out;
}

absl::StatusOr<std::vector<bool>> RocksDbStore::Commit(std::vector<Transaction> transactions) {
  DisablePerfCountersOnThisThread();
  // Lock the stripe of every key the batch reads or writes, in order (no
  // deadlock), so that all guards are checked, all writes made and the cache
  // updated as one atomic step.
  std::vector<size_t> stripes;
  for (const Transaction& t : transactions) {
    if (t.guard_key) stripes.push_back(StripeOf(*t.guard_key));
    for (const Mutation& m : t.mutations) stripes.push_back(StripeOf(m.key));
  }
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (size_t s : stripes) stripes_[s].mu.Lock();
  auto unlock = [&] {
    for (auto s = stripes.rbegin(); s != stripes.rend(); ++s) stripes_[*s].mu.Unlock();
  };

  const int64_t now = NowMs();
  // A key's value as later guards and counters of this batch must see it.
  struct Current {
    std::optional<std::string> value;
    int64_t expires_at_ms = 0;
  };
  // Writes earlier in this batch, with what they store (nullopt: deleted).
  struct Pending {
    Current current;
    std::optional<std::string> stored;
  };
  absl::flat_hash_map<std::string, Pending> pending;
  auto unwrap = [&](const std::string& stored) -> Current {
    std::optional<UnwrappedValue> value = Unwrap(stored, now);
    if (!value) return Current{};
    return Current{std::string(value->value), value->expires_at_ms};
  };
  auto current = [&](const std::string& key) -> absl::StatusOr<Current> {
    if (auto it = pending.find(key); it != pending.end()) return it->second.current;
    ValueCache& cache = stripes_[StripeOf(key)].cache;
    ValueCache::Lookup cached = cache.Find(key);
    if (cached.known) return cached.stored ? unwrap(*cached.stored) : Current{};
    std::string stored;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), FamilyFor(key), key, &stored);
    if (s.IsNotFound()) {
      cache.Put(key, std::nullopt);
      return Current{};
    }
    if (!s.ok()) return Unavailable(s, "read");
    cache.Put(key, stored);
    return unwrap(stored);
  };
  auto fail = [&](absl::Status status) {
    unlock();  // nothing of the batch was written
    return status;
  };

  rocksdb::WriteBatch batch;
  std::vector<bool> applied;
  for (const Transaction& t : transactions) {
    if (t.guard_key) {
      absl::StatusOr<Current> guard = current(*t.guard_key);
      if (!guard.ok()) return fail(guard.status());
      if (guard->value != t.guard_value) {
        applied.push_back(false);
        continue;
      }
    }
    for (const Mutation& m : t.mutations) {
      const int64_t expires_if_new =
          m.ttl > absl::ZeroDuration() ? now + absl::ToInt64Milliseconds(m.ttl) : 0;
      Pending next;
      if (m.add) {
        absl::StatusOr<Current> counter = current(m.key);
        if (!counter.ok()) return fail(counter.status());
        int64_t n = 0;
        if (counter->value && !absl::SimpleAtoi(*counter->value, &n)) {
          return fail(absl::InvalidArgumentError(
              absl::StrCat("cannot add to ", m.key, ": its value is not an integer")));
        }
        // A counter keeps the expiry it was created with.
        next.current = {absl::StrCat(n + *m.add),
                        counter->value ? counter->expires_at_ms : expires_if_new};
      } else {
        next.current = {m.value, expires_if_new};
      }
      if (next.current.value) {
        next.stored = WrapValue(*next.current.value, next.current.expires_at_ms);
        batch.Put(FamilyFor(m.key), m.key, *next.stored);
      } else {
        batch.Delete(FamilyFor(m.key), m.key);
      }
      pending[m.key] = std::move(next);
    }
    applied.push_back(true);
  }
  rocksdb::Status s = rocksdb::Status::OK();
  if (batch.Count() > 0) {
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync_writes;
    s = db_->Write(write_options, &batch);
    for (auto& [key, written] : pending) {
      ValueCache& cache = stripes_[StripeOf(key)].cache;
      if (!s.ok()) {
        cache.Erase(key);  // what the database holds is unknown
      } else if (written.stored) {
        cache.Put(key, *written.stored);
      } else {
        cache.Put(key, std::nullopt);
      }
    }
    for (size_t stripe : stripes) ++stripes_[stripe].writes;
  }
  unlock();
  if (!s.ok()) return Unavailable(s, "write");
  return applied;
}

absl::StatusOr<StateStore::ScanPage> RocksDbStore::Scan(absl::string_view prefix,
                                                        absl::string_view cursor, size_t limit) {
  DisablePerfCountersOnThisThread();
  // The cursor is the last key returned: key order makes the scan stable
  // whatever is written meanwhile.
  absl::StatusOr<KeyFamily> family = FamilyOfScan(prefix);
  if (!family.ok()) return family.status();
  rocksdb::ReadOptions read_options;
  // The point family's prefix is the whole key: list in key order across them.
  read_options.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, families_[static_cast<size_t>(*family)]));
  std::string start = cursor.empty() ? std::string(prefix) : std::string(cursor);
  it->Seek(start);
  if (!cursor.empty() && it->Valid() && it->key() == rocksdb::Slice(start)) it->Next();
  ScanPage page;
  int64_t now = NowMs();
  for (; it->Valid() && it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    if (page.items.size() == limit) {
      page.next_cursor = page.items.back().first;
      break;
    }
    std::optional<std::string> value = Unwrapped(it->value().ToString(), now);
    if (value) page.items.emplace_back(it->key().ToString(), *std::move(value));
  }
  if (!it->status().ok()) return Unavailable(it->status(), "scan");
  return page;
}

}  // namespace riskd
