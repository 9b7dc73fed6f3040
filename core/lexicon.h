#ifndef KG_CORE_LEXICON_H_
#define KG_CORE_LEXICON_H_

// kg::core::Lexicon: the word knowledge the extractor uses when no model (or
// a model without some layer) is available:
//  - WordNet (Debian's wordnet-base): which lower-case words are nouns,
//    verbs, adjectives, adverbs, and verb lemmas ("met" -> "meet");
//  - ISO 3166 country names (Debian's iso-codes), for GPE typing and for
//    expanding initialisms ("US" -> "United States");
//  - small closed classes of English (determiners, pronouns, prepositions,
//    auxiliaries, discourse adverbs), role nouns ("minister", "director")
//    and the head nouns that name a kind of entity ("Initiative",
//    "Council", "Hemisphere"). These are grammar, not facts about any text.
// Both data sets are optional: without them the lexicon falls back to
// suffix rules, so extraction still works (less well).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "proto/kg.pb.h"

namespace kg::core {

class Lexicon {
 public:
  // Loads WordNet from `wordnet_dir` and countries from `iso_codes_dir`
  // (missing files are tolerated; see has_wordnet()).
  Lexicon(const std::string& wordnet_dir = "/usr/share/wordnet",
          const std::string& iso_codes_dir = "/usr/share/iso-codes/json");

  bool has_wordnet() const { return !verbs_.empty(); }

  // Closed classes; `w` lower case.
  bool IsDeterminer(std::string_view w) const;
  bool IsPronoun(std::string_view w) const;
  bool IsPreposition(std::string_view w) const;
  bool IsConjunction(std::string_view w) const;  // and, or, but, while, ...
  bool IsAuxiliary(std::string_view w) const;    // be, have, do forms
  bool IsModal(std::string_view w) const;        // may, might, could, would, should, must, can
  bool IsNegation(std::string_view w) const;     // not, n't, never, no
  bool IsFunctionWord(std::string_view w) const; // any of the above, wh-words, discourse words
  bool IsRelativizer(std::string_view w) const;  // which, who, that, whom, whose, where
  // Verbs that attribute speech ("say", "report", "note").
  bool IsReportingVerb(std::string_view lemma) const;
  // Verbs of intention rather than act ("urge", "seek", "propose").
  bool IsHedgingVerb(std::string_view lemma) const;
  // "alleged", "suspected", "accused", "reportedly".
  bool IsAllegationWord(std::string_view w) const;

  // WordNet classes of a lower-case word (inflected forms are reduced).
  bool IsNoun(std::string_view w) const;
  bool IsVerbForm(std::string_view w) const;
  bool IsAdjective(std::string_view w) const;
  bool IsAdverb(std::string_view w) const;
  // Verb lemma of a lower-case form ("committed" -> "commit"), or "".
  std::string VerbLemma(std::string_view w) const;
  // A noun WordNet knows only as a name ("interpol", "greenpeace").
  bool IsProperOnly(std::string_view w) const;
  // Noun lemma ("kidnappings" -> "kidnapping"), or the word itself.
  std::string NounLemma(std::string_view w) const;
  // An event/process noun derived from a verb: "trafficking", "immigration",
  // "laundering", "enforcement".
  bool IsNominalization(std::string_view w) const;

  // Title words that precede a name ("President", "Minister", "Dr.") and
  // role nouns ("director", "secretary"); `w` any case.
  bool IsTitleWord(std::string_view w) const;
  bool IsRoleNoun(std::string_view w) const;
  // Nouns that introduce issues ("issue", "cooperation"): never a TOPIC.
  bool IsFrameNoun(std::string_view w) const;

  // The entity type a capitalised head word implies ("Initiative" ->
  // PROGRAM, "Council" -> ORG, "Hemisphere" -> LOC), or UNSPECIFIED.
  EntityType HeadType(std::string_view head) const;

  // Countries: canonical ISO name for a TermKey of a country name, or "".
  const std::string* CountryByKey(std::string_view key) const;
  // A state, province or other ISO 3166-2 subdivision ("Texas", "Sinaloa").
  bool IsSubdivisionKey(std::string_view key) const;
  // Canonical country name whose initials (ignoring "of", "the", "and") spell
  // `letters` (upper case, e.g. "US", "USA", "UK"), or nullptr.
  const std::string* CountryByInitials(std::string_view letters) const;
  // The country an adjective of nationality names ("Mexican" -> "Mexico"),
  // by shared stem with a country name; nullptr when none.
  const std::string* CountryOfDemonym(std::string_view word) const;

 private:
  struct WordFacts;

  void LoadWordNet(const std::string& dir);
  void LoadCountries(const std::string& dir);
  bool InSet(const absl::flat_hash_set<std::string>& set, std::string_view w) const;
  // This thread's memo entry for `w` (see lexicon.cc). The reference is
  // valid only until the next call: never hold it across another look-up.
  WordFacts& Facts(std::string_view w) const;
  // The uncached computations behind the memo; they never touch it.
  std::string ComputeNounLemma(std::string_view w) const;
  std::string ComputeVerbLemma(std::string_view w) const;
  const std::string* ComputeCountryOfDemonym(std::string_view word) const;

  // Tells this lexicon's memo entries from another's (tests build several).
  uint64_t id_;

  absl::flat_hash_set<std::string> nouns_, verbs_, adjectives_, adverbs_;
  absl::flat_hash_set<std::string> proper_only_;
  absl::flat_hash_map<std::string, std::string> verb_exceptions_, noun_exceptions_;
  absl::flat_hash_map<std::string, std::string> countries_;  // TermKey -> canonical
  absl::flat_hash_map<std::string, std::string> country_initials_;
  absl::flat_hash_set<std::string> subdivisions_;  // TermKeys
  std::vector<std::string> country_names_;
};

// Shared process-wide default instance (loaded once, thread-safe).
const Lexicon& DefaultLexicon();

}  // namespace kg::core

#endif  // KG_CORE_LEXICON_H_
