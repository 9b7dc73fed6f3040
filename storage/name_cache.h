#ifndef KG_STORAGE_NAME_CACHE_H_
#define KG_STORAGE_NAME_CACHE_H_

// NameCache: the bulk loader's name -> id cache (storage/bulk_loader.h).
// Keyed by a 128-bit fingerprint of the name (XXH3-128), not the name
// itself: a slot is 24 bytes in one array, so a lookup touches one cache
// line (a string-keyed map touched the control bytes, then the slot, then
// the heap bytes of a long name). Two names share a fingerprint with
// probability ~n^2/2^129 (10^-25 for 10^7 names), the odds Oxigraph accepts
// for its 128-bit term ids.
//
//   NameCache cache(max_bytes);
//   NameCache::Fp fp = NameCache::Fingerprint(name);
//   cache.Prefetch(fp);                 // a few lookups ahead
//   if (const uint64_t* v = cache.Find(fp)) ...  else cache.Insert(fp, v);
//
// Bounded: the table doubles up to `max_bytes`; a full table starts over
// (empty), as a cache may.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace kg::storage {

class NameCache {
 public:
  struct Fp {
    uint64_t lo = 0, hi = 0;
  };

  explicit NameCache(size_t max_bytes) {
    max_slots_ = kMinSlots;
    while (max_slots_ * 2 * sizeof(Slot) <= max_bytes) max_slots_ *= 2;
  }

  // Never {0, 0} (the empty slot's mark).
  static Fp Fingerprint(std::string_view name) {
    XXH128_hash_t h = XXH3_128bits(name.data(), name.size());
    return Fp{h.low64 | (h.high64 == 0 ? 1 : 0), h.high64};
  }

  void Prefetch(const Fp& fp) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[fp.lo & mask_]);
  }

  // The value stored under `fp`, or nullptr.
  const uint64_t* Find(const Fp& fp) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = fp.lo & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.lo == fp.lo && s.hi == fp.hi) return &s.value;
      if (s.lo == 0 && s.hi == 0) return nullptr;
    }
  }

  // `fp` must not be present.
  void Insert(const Fp& fp, uint64_t value) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    Place(fp, value);
    ++size_;
  }

  size_t size() const { return size_; }
  size_t bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t lo = 0, hi = 0, value = 0;
  };
  static constexpr size_t kMinSlots = size_t{1} << 12;

  void Place(const Fp& fp, uint64_t value) {
    size_t i = fp.lo & mask_;
    while (slots_[i].lo != 0 || slots_[i].hi != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{fp.lo, fp.hi, value};
  }

  // Doubles the table, or empties it once it may not grow.
  void Grow() {
    size_t n = slots_.empty() ? kMinSlots : slots_.size() * 2;
    if (n > max_slots_) {
      std::fill(slots_.begin(), slots_.end(), Slot{});
      size_ = 0;
      return;
    }
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    for (const Slot& s : old) {
      if (s.lo != 0 || s.hi != 0) Place(Fp{s.lo, s.hi}, s.value);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  size_t max_slots_;
};

}  // namespace kg::storage

#endif  // KG_STORAGE_NAME_CACHE_H_
