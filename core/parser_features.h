#ifndef KG_CORE_PARSER_FEATURES_H_
#define KG_CORE_PARSER_FEATURES_H_

// Feature extraction for the dependency parser (core/parser.h): hashed
// templates over an arc-hybrid state, in the spirit of Zhang & Nivre (2011):
// words, tags and lemmas of s0..s2 and b0..b2, pairs and triples of them,
// the outermost children of s0, s1 and b0 with their labels, distances,
// valency and the label sets of each side.
//
// A saved parser model depends on the exact feature hashes, so any change to
// the templates or the hashing must bump kParserFeatureVersion.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/arc_hybrid.h"

namespace kg::core {

inline constexpr uint32_t kParserFeatureVersion = 1;

// Hashed attributes of one word, computed once per sentence.
struct FeatureToken {
  uint64_t word = 0;  // lowercased form, digits mapped to 0
  uint64_t lemma = 0;
  uint64_t upos = 0;
  uint64_t xpos = 0;
  uint64_t suffix = 0;  // last 3 bytes of the lowercased form
  uint64_t shape = 0;   // capitalisation / digit / punctuation class
};

FeatureToken MakeFeatureToken(std::string_view form, std::string_view lemma, std::string_view upos,
                              std::string_view xpos);
// The artificial root (word n) and the filler for absent positions.
const FeatureToken& RootFeatureToken();

// Appends the features of `state` to `out`. `words` has n + 1 entries (the
// root last).
void ExtractParserFeatures(const ArcHybridState& state, const std::vector<FeatureToken>& words,
                           std::vector<uint64_t>& out);

}  // namespace kg::core

#endif  // KG_CORE_PARSER_FEATURES_H_
