#ifndef KG_CORE_CONLLU_H_
#define KG_CORE_CONLLU_H_

// Reader for CoNLL-U treebanks (UD English-EWT, GUM): the training and
// evaluation input of the tagger, parser and recogniser.
//
// Contract:
//  - Only basic word lines are kept as tokens, renumbered 1..n as in the
//    file. Multiword-token ranges ("1-2") are recorded separately in
//    ConlluSentence::multiwords (their surface form and MISC carry the
//    SpaceAfter of the span); empty nodes ("8.1") are skipped.
//  - MISC is kept raw (GUM's `Entity=(...)` brackets, SpaceAfter=No, ...).
//  - Malformed input is an error "NAME:LINE: what" naming the file (or the
//    name passed to ParseConllu) and the 1-based line.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace kg::core {

struct ConlluToken {
  int id = 0;  // 1-based position in the sentence
  std::string form;
  std::string lemma;
  std::string upos;
  std::string xpos;
  std::string feats;   // raw, "_" when absent
  int head = -1;       // 0 = root, else the head's id; -1 if the file says "_"
  std::string deprel;  // "_" when absent
  std::string deps;    // raw enhanced dependencies
  std::string misc;    // raw, "_" when absent
  int line = 0;        // 1-based line in the file
};

// A multiword token such as "don't" spanning words first..last.
struct ConlluMultiword {
  int first = 0;
  int last = 0;
  std::string form;
  std::string misc;
};

struct ConlluSentence {
  std::string sent_id;  // from "# sent_id = ..."; may be empty
  std::string text;     // from "# text = ..."; may be empty
  std::string doc_id;   // from the latest "# newdoc id = ..." seen
  int line = 0;         // 1-based line of the first word line
  std::vector<ConlluToken> tokens;
  std::vector<ConlluMultiword> multiwords;
};

// Parses CoNLL-U text; `name` (usually the file path) prefixes errors.
absl::StatusOr<std::vector<ConlluSentence>> ParseConllu(std::string_view content,
                                                        std::string_view name);

// Reads and parses a CoNLL-U file.
absl::StatusOr<std::vector<ConlluSentence>> ReadConlluFile(const std::string& path);

// True unless `misc` contains SpaceAfter=No.
bool ConlluSpaceAfter(std::string_view misc);

// The value of `key` in a MISC column ("Entity" -> "(1-person...)"), or ""
// when absent.
std::string_view ConlluMiscValue(std::string_view misc, std::string_view key);

}  // namespace kg::core

#endif  // KG_CORE_CONLLU_H_
