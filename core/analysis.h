#ifndef KG_CORE_ANALYSIS_H_
#define KG_CORE_ANALYSIS_H_

// The linguistic analysis of a text that relation extraction reads: tokens
// with byte offsets, sentences, part-of-speech tags, lemmas, a dependency
// tree per sentence and named-entity tags. Produced by kg::core::Analyzer
// (core/analyzer.h).

#include <cstdint>
#include <string>
#include <vector>

namespace kg::core {

struct Token {
  uint32_t begin = 0;  // byte offset in the source text
  uint32_t end = 0;    // one past the last byte
  std::string text;    // source[begin, end) (the form as written)
  std::string upos;    // UD universal tag, e.g. "PROPN"; empty if untagged
  std::string xpos;    // Penn tag, e.g. "NNP"
  std::string lemma;
  int head = -1;       // index of the head token within the sentence; -1 = root
  std::string deprel;  // UD relation to the head, e.g. "nsubj"
  std::string ner;     // BIO tag: "B-PERSON", "I-ORG", "O"; empty if untagged
  bool space_after = true;
};

struct Sentence {
  uint32_t begin = 0;  // byte span of the sentence in the source text
  uint32_t end = 0;
  std::vector<Token> tokens;
};

struct Analysis {
  std::vector<Sentence> sentences;
};

}  // namespace kg::core

#endif  // KG_CORE_ANALYSIS_H_
