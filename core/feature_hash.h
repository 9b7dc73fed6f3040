#ifndef KG_CORE_FEATURE_HASH_H_
#define KG_CORE_FEATURE_HASH_H_

// The hashing primitives behind FeatureHash (core/averaged_perceptron.h):
// FNV-1a over the bytes, finished with splitmix64's mixer. Inline here so
// that the tagger's hot loop and the parser's templates can compute the
// same hashes without a call per feature; model files store these values,
// so they must never change.

#include <cstdint>
#include <string_view>

namespace kg::core {

inline constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
inline constexpr uint64_t kFnvPrime = 1099511628211ULL;

// Forced inline: in a function with many call sites (the parser's
// templates) GCC otherwise calls it out of line.
[[gnu::always_inline]] constexpr uint64_t SplitMix64(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

// The FNV state FeatureHash(template_id, ...) starts from.
constexpr uint64_t FeatureSeed(uint64_t template_id) {
  return kFnvOffset ^ SplitMix64(template_id + 1);
}

// Ends the first value of a two-value feature: ("ab","c") != ("a","bc").
constexpr uint64_t FeatureSeparator(uint64_t h) { return (h ^ 0x1f) * kFnvPrime; }

}  // namespace kg::core

#endif  // KG_CORE_FEATURE_HASH_H_
