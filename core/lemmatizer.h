#ifndef KG_CORE_LEMMATIZER_H_
#define KG_CORE_LEMMATIZER_H_

// kg::core::Lemmatizer: lemma of a word given its Penn tag (XPOS), learned
// from treebank lemmas: a table of the (form, tag) pairs whose lemma the
// default rule gets wrong, plus suffix rules learned per tag for unseen
// words ("-ies" NNS -> "-y", "-ed" VBD -> ""). Default: proper nouns keep
// their form, everything else is lower-cased.
//
// Contract: Lemma() is const, thread-safe, never fails.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/conllu.h"
#include "proto/model.pb.h"

namespace kg::core {

// Learns from FORM, XPOS and LEMMA.
LemmaModel TrainLemmatizer(const std::vector<ConlluSentence>& train);

class Lemmatizer {
 public:
  static absl::StatusOr<Lemmatizer> FromProto(const LemmaModel& model);
  std::string Lemma(std::string_view form, std::string_view xpos) const;

 private:
  struct Rule {
    uint32_t strip;
    std::string append;
  };
  absl::flat_hash_map<std::string, std::string> table_;  // "lower\txpos" -> lemma
  absl::flat_hash_map<std::string, Rule> rules_;         // "xpos\tsuffix" -> rule
  // xpos -> a bit per byte length of its rules' suffixes (lemmatizer.cc).
  absl::flat_hash_map<std::string, uint64_t> suffix_lengths_;
};

}  // namespace kg::core

#endif  // KG_CORE_LEMMATIZER_H_
