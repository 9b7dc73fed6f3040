#ifndef KG_CORE_GAZETTEERS_H_
#define KG_CORE_GAZETTEERS_H_

// Name lists for the entity recogniser, built at training time from Debian
// data and stored in the model (so run time needs neither package):
//  - countries: ISO 3166-1 names, official and common names (iso-codes),
//    with "Bolivia, Plurinational State of" also as "Bolivia";
//  - subdivisions: ISO 3166-2 names (states, provinces);
//  - demonyms: capitalised WordNet adjectives whose pertainym pointer leads
//    to a capitalised noun ("Mexican" -> "Mexico", "American" -> "America");
//  - places, people and groups: capitalised WordNet nouns of the
//    noun.location, noun.person and noun.group files ("Auckland", "Abraham
//    Lincoln", "Interpol"); the first and last words of the many-word
//    person names also count as given names and surnames;
//  - cities and companies: optional lists read from plain files, one name a
//    line (AddNameLists), e.g. npm's cities-list and @cspell/dict-companies;
//  - further optional lists, each with a match kind of its own (AddKindList):
//    the shipped model sets apart the cities that are also people's names
//    ("Austin"), so that a match in the rest of the city list can be trusted.
// GazetteerMatcher marks, per word, the longest list entry covering it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "proto/model.pb.h"

namespace kg::core {

// Errors name the missing or malformed file.
absl::StatusOr<Gazetteers> BuildGazetteers(const std::string& iso_codes_json_dir,
                                           const std::string& wordnet_dir);

// Adds the names of `cities_file` and `companies_file` (either may be empty:
// none) to `g`: one name a line, blank lines and lines starting with '#'
// skipped. With `caps` non-empty, a one-word name that running text mostly
// writes in lower case (its CapitalizationTable bucket, core/tagger.h, <= 1:
// "Police", "Reading") is left out, as is
// any name already in one of `g`'s lists.
absl::Status AddNameLists(const std::string& cities_file, const std::string& companies_file,
                          const absl::flat_hash_map<std::string, uint8_t>& caps, Gazetteers* g);

// Adds the names of `file` (same format and filters as AddNameLists) to `g`
// as a list of its own (Gazetteers.lists) whose matches carry `kind`, one of
// GazetteerMatcher's kFirstListKind..kLastListKind. A later call with the
// same kind adds to that list.
absl::Status AddKindList(uint32_t kind, const std::string& file,
                         const absl::flat_hash_map<std::string, uint8_t>& caps, Gazetteers* g);

class GazetteerMatcher {
 public:
  enum Kind : uint8_t {
    kNone = 0,
    kCountry = 1,
    kSubdivision = 2,
    kDemonym = 3,
    kPlace = 4,
    kPerson = 5,
    kGroup = 6,
    kCity = 7,
    kCompany = 8,
    // Kinds of the optional lists of Gazetteers.lists (AddKindList): their
    // meaning is the training command's (the shipped model: 9 cities that
    // are people's names, 10 such companies, 11 word-like cities); the
    // recogniser sees only the number.
    kFirstListKind = 9,
    kLastListKind = 31
  };
  // NameParts() bits.
  static constexpr uint8_t kGivenName = 1, kSurname = 2;
  struct Match {
    Kind kind = kNone;
    uint8_t position = 0;  // 'B', 'I', 'L', 'U' (BILOU within the match), 0 if none
  };

  GazetteerMatcher() = default;
  // Adopts g.compiled() when it holds this build's layout for exactly g's
  // lists (a model file's load then tokenises no name); otherwise compiles
  // the lists (older files, training). Both give the same matches.
  explicit GazetteerMatcher(const Gazetteers& g);

  // g's lists in the form the matcher reads: the name tables, tokenised,
  // deduplicated and ordered longest first per first word, plus a
  // fingerprint of the lists. Deterministic; empty when g has no names.
  // WriteModelSet (core/model_file.h) stores it in Gazetteers.compiled.
  static std::string Compile(const Gazetteers& g);
  // True if the constructor adopted g.compiled() rather than compiling.
  bool adopted() const { return adopted_; }

  // One Match per word: greedy longest match left to right, case-sensitive
  // (`fold_case`: ignoring case, for lower-case web text: "florida").
  std::vector<Match> Find(const std::vector<std::string_view>& words, bool fold_case = false) const;
  // Find(words, /*fold_case=*/true) for words already lower-cased (as
  // Lowercase() in core/word_features.h), saving the copies.
  std::vector<Match> FindFolded(const std::vector<std::string_view>& lowered) const;
  // True if `words` is exactly a country or subdivision name.
  bool IsPlace(const std::vector<std::string_view>& words) const;
  // kGivenName | kSurname bits of a (case-sensitive) word, 0 if neither.
  uint8_t NameParts(std::string_view word) const;
  // NameParts() of every word into `out` (resized), the look-ups overlapped.
  void NameParts(const std::vector<std::string_view>& words, std::vector<uint8_t>& out) const;

 private:
  // One hash table over the records of a pool (in the compiled bytes): a
  // record is a key and its payload. Slots are probed linearly; a slot's
  // tag holds 7 bits of the key's hash (0: empty) and its offset where the
  // record starts: the tags (1 byte a slot) stay in cache, so a word that
  // is no name's first word (most words) costs no miss. The slots are
  // built when the bytes are adopted, in the pass that checks every record.
  struct Table {
    const char* pool = nullptr;
    const uint8_t* tags = nullptr;      // mask + 1 of them, at most half used
    const uint32_t* offsets = nullptr;  // of each slot's record in pool
    uint64_t mask = 0;
  };
  static std::string Compile(const Gazetteers& g, bool sorted);
  // The payload of `key`'s record, nullptr if absent.
  static const char* Lookup(const Table& t, std::string_view key);
  // The same with the key's hash given (StableHash), for a table with tags.
  static const char* Lookup(const Table& t, std::string_view key, uint64_t hash);
  static std::vector<Match> FindIn(const std::vector<std::string_view>& words, const Table& t);
  // Every word's StableHash, its home slot in `t` prefetched (the table is
  // megabytes, so probing one word at a time waits for each miss in turn).
  // The vector is per thread and valid until the next call on this thread.
  static const std::vector<uint64_t>& HashAndPrefetch(const Table& t,
                                                      const std::vector<std::string_view>& words);
  // Points the tables into a copy of `bytes` when they are a valid
  // compilation of lists with `fingerprint`; false otherwise.
  bool Adopt(std::string_view bytes, uint64_t fingerprint);

  std::shared_ptr<const char> block_;  // slots and bytes, shared by copies (read only)
  Table exact_, folded_, parts_;       // first word -> entries; lower-cased; name parts
  bool adopted_ = false;
};

}  // namespace kg::core

#endif  // KG_CORE_GAZETTEERS_H_
