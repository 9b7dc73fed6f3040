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

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/arc_hybrid.h"

namespace kg::core {

// The version TrainParser writes by default, the newest and the oldest one a
// parser reads (each parses exactly as the build that trained it). Version
// 3 is the two-stage parser (core/parser.h): its moves use the version 2
// templates over three classes, its labels ExtractLabelFeatures.
inline constexpr uint32_t kParserFeatureVersion = 2;
inline constexpr uint32_t kMaxParserFeatureVersion = 4;
inline constexpr uint32_t kMinParserFeatureVersion = 1;
// The first version that picks the move first and then the arc's label.
inline constexpr uint32_t kTwoStageParserVersion = 3;
// Version 4: one model over the labelled transitions like version 2, with
// fewer templates (core/README.md, "A leaner template set").
inline constexpr uint32_t kLeanParserVersion = 4;
// Template ids run from 1 to this (every version uses a subset).
inline constexpr int kNumParserTemplates = 141;

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
// `version` is the model's feature version (kMinParserFeatureVersion ..
// kMaxParserFeatureVersion; 3 extracts what 2 does, 4 fewer).
void ExtractParserFeatures(const ArcHybridState& state, const std::vector<FeatureToken>& words,
                           uint32_t version, std::vector<uint64_t>& out);

// The templates grouped by the parts of the state their keys depend on, so
// a parser can keep a group's score for as long as those parts do not
// change. Stack words gain no left children, the stack under s0 does not
// change while s0 is on it, and the buffer is contiguous, so each group's
// keys are a function of:
enum ParserFeatureGroup : int {
  kPfBuffer = 0,   // b0 (b1..b3 follow it); also the bias
  kPfBufferLeft,   // b0 and its left children (NumLeft(b0))
  kPfStack0,       // s0 (its left children and the stack under it follow)
  kPfStack0Right,  // s0 and its right children (NumRight(s0))
  kPfStack1,       // s1 and its left children
  kPfStack1Right,  // s1 and its right children (NumRight(s1))
  kPfStack2,       // s2
  kPfMixed,        // several positions at once, distances
  kNumParserFeatureGroups
};
inline constexpr size_t kMaxGroupFeatures = 64;  // no group has more templates
inline constexpr size_t kParserFeatureScratch = kNumParserFeatureGroups * kMaxGroupFeatures;

// The same keys as ExtractParserFeatures, for the groups whose bit is set
// in `groups` only: written to out[0, n) group by group (each in template
// order), group g at out[group_begin[g], group_begin[g + 1]). `out` holds
// kParserFeatureScratch keys, `group_begin` kNumParserFeatureGroups + 1.
// Returns n.
size_t ExtractParserFeatureGroups(const ArcHybridState& state,
                                  const std::vector<FeatureToken>& words, uint32_t version,
                                  uint32_t groups, uint64_t* out, size_t* group_begin);

// Experiments only (ranking templates by what masking them costs, trial
// drop lists: kg-eval-parse and kg-train-parser --skip-templates,
// --add-templates): from now on every version leaves out the template ids
// in `skip` and extracts those in `add` as well. Process-wide and not
// synchronised: call it before any parsing or training starts. Two empty
// lists restore each version's own set.
void SetParserTemplateOverride(const std::vector<int>& skip, const std::vector<int>& add);
// Parses a comma-separated list of template ids ("3,17,40", the tools'
// --skip-templates / --add-templates) into `ids`; false if any part is not
// an id in [1, kNumParserTemplates].
bool ParseTemplateIds(std::string_view text, std::vector<int>& ids);
// The template ids a version extracts, in order (with the override).
std::vector<int> ParserTemplates(uint32_t version);
// The group of state parts a template's key depends on (its look-up cost:
// kPfMixed at every scored state, the others when their part changes).
ParserFeatureGroup ParserTemplateGroup(int id);

// Version 3's label features: the arc `head` -> `dep` that the move about
// to be applied builds (dep = s0; head = b0 for LEFT, s1 for RIGHT, never
// the root), in `state` before the move. Both words and their tags,
// lemmas, suffix and shape, the arc's direction and length, the
// dependent's children (complete: it leaves the stack) and their labels,
// the head's children on the dependent's side so far, the neighbours'
// tags. Appends kNumLabelFeatures keys to `out`.
inline constexpr size_t kNumLabelFeatures = 34;
void ExtractLabelFeatures(const ArcHybridState& state, const std::vector<FeatureToken>& words,
                          int dep, int head, uint64_t* out);

}  // namespace kg::core

#endif  // KG_CORE_PARSER_FEATURES_H_
