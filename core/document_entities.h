#ifndef KG_CORE_DOCUMENT_ENTITIES_H_
#define KG_CORE_DOCUMENT_ENTITIES_H_

// kg::core::HarmonizeDocumentEntities: a document-level pass over the named
// entity labels the recogniser gave one document sentence by sentence. A
// name repeated through a document nearly always names the same thing, but
// the recogniser sees each sentence alone and labels the repeats of an
// unknown name ("CPA", "Miramar") inconsistently. The pass counts, for each
// name string, the types its labelled occurrences got (a multi-word name
// also votes for its acronym, "Drug Enforcement
// Administration" -> "DEA", and a multi-word PERSON name for its single
// capitalised parts, "Antony Blinken" -> "Blinken"), then gives every
// occurrence of the string the majority type: a span typed otherwise is
// retyped, and an unlabelled repeat standing alone (tagged PROPN, with no
// capitalised neighbour that would make it part of a longer name) is
// labelled unless the unlabelled repeats outvote the labelled ones.
// Occurrences that overlap another span partly are left alone.
//
// Contract: only PERSON, ORG, LOC, EVENT and MISC labels are read or
// written; the labels stay valid BIO; deterministic; linear in the
// document's length (one hash look-up per capitalised word, a few more at
// name starts).

#include <vector>

#include "core/analysis.h"

namespace kg::core {

struct DocumentEntityOptions {
  bool retype = true;             // a span typed against the document's majority takes it
  bool label_repeats = true;      // an unlabelled standalone repeat of a name is labelled
  bool acronyms = true;           // a multi-word name votes for its acronym
  bool name_parts = true;         // a multi-word PERSON votes for its capitalised words
  // Also match repeats written in another case ("mozilla" after "Mozilla";
  // only standalone PROPN repeats are labelled, so "will" is safe from
  // "Will"). On since session 24: +0.26 to +0.33 UNER dev on each of seven
  // recognisers, GUM dev unchanged.
  bool case_insensitive = true;
  // The weight of an acronym's or a name part's vote (a labelled
  // occurrence's is 1).
  float derived_weight = 1.0f;
  // Each unlabelled standalone repeat (not sentence-initial) counts as this
  // many votes for "no entity" against labelling the others: the
  // recogniser's O is evidence too, but weak once the recogniser is good.
  // Session 13's recogniser measured 0.25 best (UNER / GUM dev for 0, 0.25,
  // 0.5, 1: 70.68/70.05, 71.09/70.44, 70.80/70.44, 71.07/68.64); over
  // session 24's seven recognisers (four single seeds, three mixes, case
  // folded) 0.1 beats 0.25 by +0.26 to +0.60 on UNER dev and gives what 0
  // gives on both sets, while ten unlabelled repeats still outvote a lone
  // label.
  float unlabelled_weight = 0.1f;
};

// `sentences` are one document's sentences in order, their `ner` fields set
// by the recogniser (BIO). Rewrites those fields in place.
void HarmonizeDocumentEntities(const std::vector<std::vector<Token>*>& sentences,
                               const DocumentEntityOptions& options = {});

}  // namespace kg::core

#endif  // KG_CORE_DOCUMENT_ENTITIES_H_
