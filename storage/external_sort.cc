#include "storage/external_sort.h"

#include <pthread.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"

namespace kg::storage {
namespace {

constexpr size_t kIoBuffer = 1 << 20;

bool WriteRecord(FILE* f, const Key24& k) { return fwrite(&k, sizeof k, 1, f) == 1; }
bool ReadRecord(FILE* f, Key24* k) { return fread(k, sizeof *k, 1, f) == 1; }

bool WriteRecord(FILE* f, const std::string& s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  return fwrite(&n, sizeof n, 1, f) == 1 && (n == 0 || fwrite(s.data(), n, 1, f) == 1);
}
bool ReadRecord(FILE* f, std::string* s) {
  uint32_t n;
  if (fread(&n, sizeof n, 1, f) != 1) return false;
  s->resize(n);
  return n == 0 || fread(s->data(), n, 1, f) == 1;
}

// Byte `i` (0 = most significant) of the 24-byte big-endian form of `k`.
inline unsigned KeyByte(const Key24& k, int i) {
  uint64_t w = i < 8 ? k.a : i < 16 ? k.b : k.c;
  return static_cast<unsigned>(w >> (56 - 8 * (i % 8))) & 0xff;
}

// One American flag pass: permutes [first, first + sum(count)) in place so
// that the keys come grouped by byte `byte`, in ascending order of it.
void Partition(Key24* first, const size_t (&count)[256], int byte) {
  Key24* next[256];
  Key24* end[256];
  Key24* at = first;
  for (int d = 0; d < 256; ++d) {
    next[d] = at;
    at += count[d];
    end[d] = at;
  }
  // Cycle each misplaced key into its bucket's next free slot.
  for (int d = 0; d < 256; ++d) {
    while (next[d] != end[d]) {
      Key24 k = *next[d];
      unsigned kd = KeyByte(k, byte);
      while (kd != static_cast<unsigned>(d)) {
        std::swap(k, *next[kd]++);
        kd = KeyByte(k, byte);
      }
      *next[d]++ = k;
    }
  }
}

// Counts byte `byte` of [first, last) from the first byte at which the keys
// differ (a byte every key shares costs a counting pass and no moves, so the
// one predicate of a pos range is skipped cheaply). False when all are equal.
bool CountFirstDifferingByte(const Key24* first, const Key24* last, int* byte,
                             size_t (&count)[256]) {
  for (; *byte < static_cast<int>(sizeof(Key24)); ++*byte) {
    std::fill(std::begin(count), std::end(count), 0);
    for (const Key24* p = first; p != last; ++p) ++count[KeyByte(*p, *byte)];
    if (count[KeyByte(*first, *byte)] != static_cast<size_t>(last - first)) return true;
  }
  return false;
}

// In-place MSD radix sort of [first, last) on bytes `byte`.. of the key;
// small buckets finish with std::sort. Ids are hashes, so two levels leave
// buckets of ~n/65536 keys: a few comparisons each instead of log2(n).
void RadixSort(Key24* first, Key24* last, int byte) {
  constexpr ptrdiff_t kSmall = 256;
  if (last - first <= kSmall) {
    std::sort(first, last);
    return;
  }
  size_t count[256];
  if (!CountFirstDifferingByte(first, last, &byte, count)) return;
  Partition(first, count, byte);
  for (int d = 0; d < 256; ++d) {
    RadixSort(first, first + count[d], byte + 1);
    first += count[d];
  }
}

// RadixSort on both cores: after the first partition the buckets are dealt
// out in order, the first ~half of the keys to a second thread. In place:
// the whole budget can hold records.
void ParallelRadixSort(std::vector<Key24>& v) {
  if (v.size() < (1u << 16)) {
    RadixSort(v.data(), v.data() + v.size(), 0);
    return;
  }
  Key24* first = v.data();
  int byte = 0;
  size_t count[256];
  if (!CountFirstDifferingByte(first, first + v.size(), &byte, count)) return;
  Partition(first, count, byte);
  int split = 0;
  size_t lower = 0;
  while (split < 256 && lower + count[split] <= v.size() / 2) lower += count[split++];
  if (split == 0) lower += count[split++];  // one bucket holds half or more
  std::thread t([&] {
    pthread_setname_np(pthread_self(), "kg-bulk-sort");
    Key24* from = first;
    for (int d = 0; d < split; ++d) {
      RadixSort(from, from + count[d], byte + 1);
      from += count[d];
    }
  });
  Key24* from = first + lower;
  for (int d = split; d < 256; ++d) {
    RadixSort(from, from + count[d], byte + 1);
    from += count[d];
  }
  t.join();
}

// The scratch sorts' digit: the top 16 bits of an id. Ids are hashes, so
// 65536 buckets leave a few keys (or one id's keys) in each on the loads
// they are used for (kScratchSortBytes).
constexpr int kDigitBits = 16;
constexpr size_t kDigits = size_t{1} << kDigitBits;
inline size_t TopDigit(uint64_t id) { return static_cast<size_t>(id >> (64 - kDigitBits)); }

// Below this many records the scratch sorts just call the standard ones.
constexpr size_t kScratchMinRecords = 4096;
// From this many records they count and scatter on two threads.
constexpr size_t kScratchTwoThreads = 65536;

// `v` sized to n records, its pages backed by huge pages where possible.
void SizeBuffer(std::vector<Key24>& v, size_t n) {
  if (v.capacity() < n) {
    std::vector<Key24>().swap(v);
    v.reserve(n);
    AdviseHugePages(v.data(), n * sizeof(Key24));
  }
  v.resize(n);
}

// Runs body(0) on a second thread and body(1) on this one (or both here
// when `two` is false).
template <typename Body>
void OnTwoThreads(bool two, Body body) {
  if (!two) {
    body(0);
    body(1);
    return;
  }
  std::thread t([&] {
    pthread_setname_np(pthread_self(), "kg-bulk-sort");
    body(0);
  });
  body(1);
  t.join();
}

// The first 8 bytes of `s` as a big-endian number (zero-padded): comparing
// two of them orders the strings as far as those bytes go.
uint64_t Prefix8(const std::string& s) {
  unsigned char b[8] = {};
  std::memcpy(b, s.data(), std::min<size_t>(s.size(), 8));
  uint64_t v = 0;
  for (unsigned char c : b) v = v << 8 | c;
  return v;
}

// Sorts strings by the radix sort of their 8-byte prefixes (with their
// index), then orders each run of equal prefixes by whole-string comparison
// and moves the strings into place along the permutation's cycles. The
// bulk loader's term records start with an 8-byte id, so ties are rare and
// almost no string is compared: a comparison sort of a million records
// spent most of its time in memcmp. Extra memory: 24 bytes per string.
void SortStrings(std::vector<std::string>& v) {
  if (v.size() < (1u << 12)) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<Key24> order(v.size());
  AdviseHugePages(order.data(), order.size() * sizeof(Key24));
  for (size_t i = 0; i < v.size(); ++i) order[i] = Key24{Prefix8(v[i]), i, 0};
  ParallelRadixSort(order);
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && order[j].a == order[i].a) ++j;
    if (j - i > 1) {
      std::sort(order.begin() + i, order.begin() + j,
                [&](const Key24& x, const Key24& y) { return v[x.b] < v[y.b]; });
    }
    i = j;
  }
  // Position k takes the string at order[k].b; c marks positions done.
  for (size_t k = 0; k < order.size(); ++k) {
    if (order[k].c != 0 || order[k].b == k) continue;
    std::string held = std::move(v[k]);
    size_t at = k;
    while (order[at].b != k) {
      v[at] = std::move(v[order[at].b]);
      order[at].c = 1;
      at = order[at].b;
    }
    v[at] = std::move(held);
    order[at].c = 1;
  }
}

size_t Footprint(const Key24&) { return sizeof(Key24); }
size_t Footprint(const std::string& s) {
  return sizeof(std::string) + (s.size() > 15 ? s.size() + 1 : 0);
}

}  // namespace

void AdviseHugePages(void* data, size_t bytes) {
  // Filling a large buffer one 4 KiB page fault at a time was a tenth of
  // the bulk load's CPU (faults are dear in this VM); transparent huge pages
  // (enabled as "madvise" on Debian) fault 2 MiB at once.
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

template <typename T>
struct ExternalSorter<T>::Run {
  std::string path;
  FILE* file = nullptr;
  std::unique_ptr<char[]> buf;
  ~Run() {
    if (file != nullptr) fclose(file);
    if (!path.empty()) std::remove(path.c_str());
  }
};

template <typename T>
ExternalSorter<T>::ExternalSorter(std::string dir, std::string name, size_t memory_bytes)
    : dir_(std::move(dir)), name_(std::move(name)), budget_(std::max<size_t>(memory_bytes, 4096)) {}

template <typename T>
ExternalSorter<T>::~ExternalSorter() = default;

template <typename T>
absl::Status ExternalSorter<T>::Add(T record) {
  // The buffer is reserved once (pages are only touched as it fills), so it
  // never reallocates: the budget holds without a transient copy.
  // Fixed-width records fill the whole budget; strings keep half of it for
  // their heap bytes.
  if (buffer_.capacity() == 0) {
    size_t share = std::is_same_v<T, Key24> ? 1 : 2;
    buffer_.reserve(std::max<size_t>(budget_ / sizeof(T) / share, 64));
    AdviseHugePages(buffer_.data(), buffer_.capacity() * sizeof(T));
  }
  used_ += Footprint(record) - sizeof(T);
  ++added_;
  buffer_.push_back(std::move(record));
  if (buffer_.size() == buffer_.capacity() || buffer_.size() * sizeof(T) + used_ >= budget_) {
    return Spill();
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status ExternalSorter<T>::Spill() {
  if (buffer_.empty()) return absl::OkStatus();
  if constexpr (std::is_same_v<T, Key24>) {
    ParallelRadixSort(buffer_);
  } else {
    SortStrings(buffer_);
  }
  auto run = std::make_unique<Run>();
  run->path = absl::StrCat(dir_, "/", name_, ".", runs_.size(), ".run");
  FILE* f = fopen(run->path.c_str(), "wb");
  if (f == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot write ", run->path, ": ", std::strerror(errno)));
  }
  std::unique_ptr<char[]> buf(new char[kIoBuffer]);
  setvbuf(f, buf.get(), _IOFBF, kIoBuffer);
  bool ok = true;
  for (size_t i = 0; i < buffer_.size() && ok; ++i) {
    if (i > 0 && buffer_[i] == buffer_[i - 1]) continue;
    ok = WriteRecord(f, buffer_[i]);
  }
  ok = (fclose(f) == 0) && ok;
  if (!ok) return absl::InternalError(absl::StrCat("cannot write ", run->path, " (disk full?)"));
  runs_.push_back(std::move(run));
  buffer_.clear();  // keeps the reservation for the next run
  used_ = 0;
  return absl::OkStatus();
}

template <typename T>
absl::Status ExternalSorter<T>::Finish() {
  finished_ = true;
  if (runs_.empty()) {
    if constexpr (std::is_same_v<T, Key24>) {
      // A second buffer when the records are small enough, and within the
      // budget (the records then take at most half of it).
      const size_t bytes = buffer_.size() * sizeof(Key24);
      if (bytes <= kScratchSortBytes && 2 * bytes <= budget_) {
        std::vector<Key24> scratch;
        SortWithScratch(buffer_, scratch);
      } else {
        ParallelRadixSort(buffer_);
      }
    } else {
      SortStrings(buffer_);
    }
    // De-duplicated here, so that Next() moves records out without keeping
    // a copy of the last one to compare with.
    buffer_.erase(std::unique(buffer_.begin(), buffer_.end()), buffer_.end());
    cursor_ = 0;
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(Spill());
  std::vector<T>().swap(buffer_);
  for (size_t i = 0; i < runs_.size(); ++i) {
    Run& r = *runs_[i];
    r.file = fopen(r.path.c_str(), "rb");
    if (r.file == nullptr) return absl::InternalError(absl::StrCat("cannot read ", r.path));
    r.buf.reset(new char[kIoBuffer]);
    setvbuf(r.file, r.buf.get(), _IOFBF, kIoBuffer);
    T rec;
    if (ReadRecord(r.file, &rec)) heap_.emplace(std::move(rec), i);
  }
  return absl::OkStatus();
}

template <typename T>
absl::StatusOr<bool> ExternalSorter<T>::Next(T* out) {
  if (!finished_) return absl::FailedPreconditionError("ExternalSorter::Next before Finish");
  if (runs_.empty()) {
    if (cursor_ == buffer_.size()) return false;
    *out = std::move(buffer_[cursor_++]);
    return true;
  }
  while (!heap_.empty()) {
    HeapItem top = heap_.top();
    heap_.pop();
    T rec;
    if (ReadRecord(runs_[top.second]->file, &rec)) heap_.emplace(std::move(rec), top.second);
    if (have_last_ && top.first == last_) continue;
    last_ = top.first;
    have_last_ = true;
    *out = std::move(top.first);
    return true;
  }
  return false;
}

void SortInParallel(std::vector<Key24>& v) { ParallelRadixSort(v); }

void SortWithScratch(std::vector<Key24>& v, std::vector<Key24>& scratch) {
  const size_t n = v.size();
  if (n < kScratchMinRecords) {
    std::sort(v.begin(), v.end());
    return;
  }
  SizeBuffer(scratch, n);
  std::vector<uint32_t> start(kDigits + 1, 0);
  for (const Key24& k : v) ++start[TopDigit(k.a) + 1];
  for (size_t d = 0; d < kDigits; ++d) start[d + 1] += start[d];
  std::vector<uint32_t> next(start.begin(), start.end() - 1);
  for (const Key24& k : v) scratch[next[TopDigit(k.a)]++] = k;
  // The buckets, split between two threads at about half of the keys.
  size_t split = std::upper_bound(start.begin(), start.end(), n / 2) - start.begin() - 1;
  OnTwoThreads(n >= kScratchTwoThreads, [&](int half) {
    size_t from = half == 0 ? 0 : split, to = half == 0 ? split : kDigits;
    for (size_t d = from; d < to; ++d) {
      Key24* first = scratch.data() + start[d];
      Key24* last = scratch.data() + start[d + 1];
      // A large bucket (many keys of one id, or skewed ids) goes on with the
      // in-place radix sort from its third byte: the first two are shared.
      if (last - first > 4096) {
        RadixSort(first, last, kDigitBits / 8);
      } else if (last - first > 1) {
        std::sort(first, last);
      }
    }
  });
  v.swap(scratch);
}

void RotateSorted(const std::vector<Key24>& src, std::vector<Key24>& dst) {
  const size_t n = src.size();
  SizeBuffer(dst, n);
  auto by_a = [](const Key24& x, const Key24& y) { return x.a < y.a; };
  if (n < kScratchMinRecords) {
    for (size_t i = 0; i < n; ++i) dst[i] = Key24{src[i].c, src[i].a, src[i].b};
    std::stable_sort(dst.begin(), dst.end(), by_a);
    return;
  }
  // Each half of `src` is counted and scattered by its own thread; the
  // first half's keys of a bucket go before the second half's, so the
  // scatter is stable.
  const bool two = n >= kScratchTwoThreads;
  const size_t mid = n / 2;
  std::vector<uint32_t> count[2] = {std::vector<uint32_t>(kDigits, 0),
                                    std::vector<uint32_t>(kDigits, 0)};
  OnTwoThreads(two, [&](int half) {
    size_t from = half == 0 ? 0 : mid, to = half == 0 ? mid : n;
    std::vector<uint32_t>& c = count[half];
    for (size_t i = from; i < to; ++i) ++c[TopDigit(src[i].c)];
  });
  std::vector<uint32_t> start(kDigits + 1);
  size_t at = 0;
  for (size_t d = 0; d < kDigits; ++d) {
    start[d] = static_cast<uint32_t>(at);
    uint32_t first = count[0][d];
    count[0][d] = static_cast<uint32_t>(at);  // now each half's next slot
    at += first;
    uint32_t second = count[1][d];
    count[1][d] = static_cast<uint32_t>(at);
    at += second;
  }
  start[kDigits] = static_cast<uint32_t>(n);
  OnTwoThreads(two, [&](int half) {
    size_t from = half == 0 ? 0 : mid, to = half == 0 ? mid : n;
    std::vector<uint32_t>& next = count[half];
    for (size_t i = from; i < to; ++i) {
      const Key24& k = src[i];
      dst[next[TopDigit(k.c)]++] = Key24{k.c, k.a, k.b};
    }
  });
  // Only a bucket holding several ids (their top 16 bits alike) can be out
  // of order; a stable sort by the id keeps each id's (a, b) order.
  size_t split = std::upper_bound(start.begin(), start.end(), n / 2) - start.begin() - 1;
  OnTwoThreads(two, [&](int half) {
    size_t from = half == 0 ? 0 : split, to = half == 0 ? split : kDigits;
    for (size_t d = from; d < to; ++d) {
      auto first = dst.begin() + start[d], last = dst.begin() + start[d + 1];
      if (last - first > 1 && !std::is_sorted(first, last, by_a)) {
        std::stable_sort(first, last, by_a);
      }
    }
  });
}

template <typename T>
bool ExternalSorter<T>::TakeSorted(std::vector<T>* out) {
  if (!finished_ || !runs_.empty()) return false;
  buffer_.erase(buffer_.begin(), buffer_.begin() + cursor_);  // what Next() yielded
  *out = std::move(buffer_);
  buffer_.clear();
  cursor_ = 0;
  return true;
}

template class ExternalSorter<Key24>;
template class ExternalSorter<std::string>;

}  // namespace kg::storage
