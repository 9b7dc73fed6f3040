#ifndef KG_STORAGE_KEYS_H_
#define KG_STORAGE_KEYS_H_

// Key encodings of the RocksDB store (storage/README.md draws them). Ids are
// 48-bit (schema 3), written as 6 big-endian bytes so that keys sort
// numerically. Pure functions; nothing here touches RocksDB.

#include <cstdint>
#include <string>
#include <string_view>

namespace kg::storage {

// Column families. "default" holds the meta record.
inline constexpr char kCfTerms[] = "terms";            // TermKey -> id
inline constexpr char kCfEntities[] = "entities";      // id -> merged Entity
inline constexpr char kCfAliases[] = "aliases";        // alias key \0 id -> ""
inline constexpr char kCfContrib[] = "contrib";        // id doc -> Entity (one doc's part)
inline constexpr char kCfPredicates[] = "predicates";  // pid -> predicate text
inline constexpr char kCfSpo[] = "spo";                // s p o -> fact payload
inline constexpr char kCfPos[] = "pos";                // p o s -> ""
inline constexpr char kCfOsp[] = "osp";                // o s p -> ""
inline constexpr char kCfEvidence[] = "evidence";      // s p o doc \0 sentence -> Evidence
inline constexpr char kCfDocs[] = "docs";              // doc -> Document
inline constexpr char kCfDocIndex[] = "doc_index";     // doc \0 tag ... (see README)
inline constexpr char kCfMerges[] = "merges";          // canonical \0 doc \0 seq -> Merge

inline constexpr char kMetaKey[] = "meta";
inline constexpr size_t kIdBytes = 6;
inline constexpr int kIdBits = 48;
inline constexpr size_t kTripleBytes = 3 * kIdBytes;

// Tags after "doc \0" in doc_index.
inline constexpr char kTagFact = 'F';    // + spo -> that document's Fact contribution
inline constexpr char kTagEntity = 'E';  // + id -> ""
inline constexpr char kTagMerge = 'M';   // + seq (4 bytes) -> canonical key

// Appends the low 48 bits of `id` (ids are < 2^48).
void AppendId(std::string* out, uint64_t id);
void AppendU32(std::string* out, uint32_t v);
// Reads 6 (4) big-endian bytes; the caller guarantees the length.
uint64_t ReadId(const char* p);
uint32_t ReadU32(const char* p);
std::string IdKey(uint64_t id);

struct Triple {
  uint64_t s = 0, p = 0, o = 0;
  friend bool operator==(const Triple&, const Triple&) = default;
};
std::string SpoKey(const Triple& t);
std::string PosKey(const Triple& t);
std::string OspKey(const Triple& t);
Triple FromSpo(std::string_view key);
Triple FromPos(std::string_view key);
Triple FromOsp(std::string_view key);

// Document ids are separated by a 0 byte; PutDocument rejects ids with one.
std::string EvidenceKey(const Triple& t, std::string_view doc, uint32_t sentence);
std::string EvidenceDocPrefix(const Triple& t, std::string_view doc);
std::string DocPrefix(std::string_view doc);                // doc \0
std::string ContribKey(uint64_t id, std::string_view doc);  // doc "" = imported
std::string AliasKey(std::string_view alias_key, uint64_t id);
std::string AliasPrefix(std::string_view alias_key);
std::string MergeKey(std::string_view canonical, std::string_view doc, uint32_t seq);
std::string MergePrefix(std::string_view canonical);

// True when kg::TermKey(name) == name, decided without normalising: printable
// ASCII other than capitals, with single spaces between other characters
// (what TermKey leaves as it is). False does not mean the key differs.
bool TermKeyIsIdentity(std::string_view name);

// Dictionary id of a TermKey: the top 48 bits of XXH3_64(key, seed
// attempt). `attempt` > 0 re-hashes after a collision (two keys with one id);
// id 0 is never returned (0 means "unset" in the protos).
uint64_t TermId(std::string_view key, uint32_t attempt = 0);
// 48-bit id of a predicate text (a collision between two is an error).
uint64_t PredicateId(std::string_view predicate);
// XXH3_64(key) with seed 0: TermId(key) is its top 48 bits (below the test
// width, see SetTermIdBitsForTesting).
uint64_t TermHash64(std::string_view key);

// Tests only: term ids keep only their top `bits` significant bits (the rest
// zero), so that collisions happen on small inputs. 48 restores the normal
// width. Not thread-safe against concurrent id derivation.
void SetTermIdBitsForTesting(int bits);

// Lowercase hex of a 64-bit content fingerprint.
std::string Fingerprint(std::string_view bytes);

}  // namespace kg::storage

#endif  // KG_STORAGE_KEYS_H_
