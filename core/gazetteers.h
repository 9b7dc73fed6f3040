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
//    line (AddNameLists), e.g. npm's cities-list and @cspell/dict-companies.
// GazetteerMatcher marks, per word, the longest list entry covering it.

#include <cstdint>
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
    kCompany = 8
  };
  // NameParts() bits.
  static constexpr uint8_t kGivenName = 1, kSurname = 2;
  struct Match {
    Kind kind = kNone;
    uint8_t position = 0;  // 'B', 'I', 'L', 'U' (BILOU within the match), 0 if none
  };

  GazetteerMatcher() = default;
  explicit GazetteerMatcher(const Gazetteers& g);

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

 private:
  void Add(std::string_view name, Kind kind);
  // First word -> candidate entries, longest first. The words after the
  // first are kept in one string, each followed by '\0': no allocation
  // for most entries, which matters with ~75 k city names at every load.
  struct Entry {
    std::string rest;
    uint16_t num_words;
    Kind kind;
  };
  // True if words[i + 1 ..] start with e's words after the first.
  static bool RestMatches(const Entry& e, const std::vector<std::string_view>& words, size_t i);
  using EntryMap = absl::flat_hash_map<std::string, std::vector<Entry>>;
  static std::vector<Match> FindIn(const std::vector<std::string_view>& words, const EntryMap& map);
  absl::flat_hash_map<std::string, std::vector<Entry>> by_first_;
  absl::flat_hash_map<std::string, std::vector<Entry>> by_first_folded_;  // lower-cased
  absl::flat_hash_map<std::string, uint8_t> name_parts_;
};

}  // namespace kg::core

#endif  // KG_CORE_GAZETTEERS_H_
