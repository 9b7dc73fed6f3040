#include "storage/keys.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <atomic>

#include "absl/strings/str_format.h"

namespace kg::storage {

void AppendId(std::string* out, uint64_t id) {
  char buf[kIdBytes];
  for (int i = kIdBytes - 1; i >= 0; --i) {
    buf[i] = static_cast<char>(id & 0xff);
    id >>= 8;
  }
  out->append(buf, kIdBytes);
}

void AppendU32(std::string* out, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 4);
}

uint64_t ReadId(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < kIdBytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t ReadU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string IdKey(uint64_t id) {
  std::string k;
  AppendId(&k, id);
  return k;
}

namespace {
std::string Three(uint64_t a, uint64_t b, uint64_t c) {
  std::string k;
  k.reserve(kTripleBytes);
  AppendId(&k, a);
  AppendId(&k, b);
  AppendId(&k, c);
  return k;
}
}  // namespace

std::string SpoKey(const Triple& t) { return Three(t.s, t.p, t.o); }
std::string PosKey(const Triple& t) { return Three(t.p, t.o, t.s); }
std::string OspKey(const Triple& t) { return Three(t.o, t.s, t.p); }
Triple FromSpo(std::string_view k) {
  return {ReadId(k.data()), ReadId(k.data() + kIdBytes), ReadId(k.data() + 2 * kIdBytes)};
}
Triple FromPos(std::string_view k) {
  return {ReadId(k.data() + 2 * kIdBytes), ReadId(k.data()), ReadId(k.data() + kIdBytes)};
}
Triple FromOsp(std::string_view k) {
  return {ReadId(k.data() + kIdBytes), ReadId(k.data() + 2 * kIdBytes), ReadId(k.data())};
}

std::string EvidenceDocPrefix(const Triple& t, std::string_view doc) {
  std::string k = SpoKey(t);
  k.append(doc);
  k.push_back('\0');
  return k;
}

std::string EvidenceKey(const Triple& t, std::string_view doc, uint32_t sentence) {
  std::string k = EvidenceDocPrefix(t, doc);
  AppendU32(&k, sentence);
  return k;
}

std::string DocPrefix(std::string_view doc) {
  std::string k(doc);
  k.push_back('\0');
  return k;
}

std::string ContribKey(uint64_t id, std::string_view doc) {
  std::string k = IdKey(id);
  k.append(doc);
  return k;
}

std::string AliasPrefix(std::string_view alias_key) {
  std::string k(alias_key);
  k.push_back('\0');
  return k;
}

std::string AliasKey(std::string_view alias_key, uint64_t id) {
  std::string k = AliasPrefix(alias_key);
  AppendId(&k, id);
  return k;
}

std::string MergePrefix(std::string_view canonical) {
  std::string k(canonical);
  k.push_back('\0');
  return k;
}

std::string MergeKey(std::string_view canonical, std::string_view doc, uint32_t seq) {
  std::string k = MergePrefix(canonical);
  k.append(doc);
  k.push_back('\0');
  AppendU32(&k, seq);
  return k;
}

bool TermKeyIsIdentity(std::string_view name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  char prev = 0;
  for (char c : name) {
    if (c == ' ') {
      if (prev == ' ') return false;
    } else if (c < '!' || c > '~' || (c >= 'A' && c <= 'Z')) {
      return false;
    }
    prev = c;
  }
  return true;
}

namespace {
std::atomic<int> term_id_bits{kIdBits};

// The 48-bit id of a 64-bit hash: its top bits (only the top
// term_id_bits of them under a test width).
uint64_t Narrow(uint64_t h) {
  int bits = term_id_bits.load(std::memory_order_relaxed);
  return (h >> (64 - bits)) << (kIdBits - bits);
}
}  // namespace

void SetTermIdBitsForTesting(int bits) {
  term_id_bits.store(bits < 1 ? 1 : bits > kIdBits ? kIdBits : bits, std::memory_order_relaxed);
}

uint64_t TermHash64(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

uint64_t TermId(std::string_view key, uint32_t attempt) {
  // XXH3 is specified bit-for-bit across platforms and versions, so separate
  // loaders derive the same ids without talking to each other.
  for (uint64_t seed = attempt;; seed += 0x100000000ULL) {
    uint64_t id = Narrow(XXH3_64bits_withSeed(key.data(), key.size(), seed));
    if (id != 0) return id;
  }
}

uint64_t PredicateId(std::string_view predicate) {
  uint64_t h = XXH3_64bits_withSeed(predicate.data(), predicate.size(), 0x5052454449434154ULL);
  h >>= 64 - kIdBits;
  return h == 0 ? 1 : h;
}

std::string Fingerprint(std::string_view bytes) {
  return absl::StrFormat("%016x", XXH3_64bits(bytes.data(), bytes.size()));
}

}  // namespace kg::storage
