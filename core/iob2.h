#ifndef KG_CORE_IOB2_H_
#define KG_CORE_IOB2_H_

// Named-entity training and evaluation data: a sentence of words with one
// BIO tag each ("B-PERSON", "I-PERSON", "O"), read from Universal NER's
// IOB2 files (core/iob2.h) or from GUM's CoNLL-U entity brackets
// (core/gum_entities.h), with types mapped to kg's: PER -> PERSON,
// ORG -> ORG, LOC -> LOC, OTH -> MISC. Stray "B-O"/"I-O" tags read as O, and
// an I- tag that continues nothing starts a span (as conlleval does).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace kg::core {

struct NerSentence {
  std::string id;
  std::string doc_id;  // from the latest "# newdoc id = ..." line; may be empty
  std::vector<std::string> words;
  std::vector<std::string> tags;  // BIO, kg type names
};

// A typed span [begin, end) of word indices.
struct NerSpan {
  int begin = 0;
  int end = 0;
  std::string type;
  bool operator==(const NerSpan&) const = default;
};

// Parses IOB2 text ("ID<TAB>WORD<TAB>TAG[<TAB>...]" lines, blank line between
// sentences, "#" comments; "# newdoc id = X" starts document X). Errors read "NAME:LINE: what".
absl::StatusOr<std::vector<NerSentence>> ParseIob2(std::string_view content, std::string_view name);
absl::StatusOr<std::vector<NerSentence>> ReadIob2File(const std::string& path);

// Spans of a BIO tag sequence (lenient: see above).
std::vector<NerSpan> BioToSpans(const std::vector<std::string>& tags);
// BIO tags for `n` words from non-overlapping spans.
std::vector<std::string> SpansToBio(const std::vector<NerSpan>& spans, int n);

}  // namespace kg::core

#endif  // KG_CORE_IOB2_H_
