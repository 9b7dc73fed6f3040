#ifndef KG_CORE_GUM_ENTITIES_H_
#define KG_CORE_GUM_ENTITIES_H_

// Named entities from GUM's CoNLL-U entity brackets (MISC "Entity=(...)"):
// mentions of type person, place, organization and event become PERSON,
// LOC, ORG and EVENT; object, substance, animal and plant ones MISC
// (Universal NER's "other" names); abstract ones (many are citations such as
// "Miller & Robertson") and times are left out. A mention is
// named when its head is a proper noun (or has one in apposition: "the
// painter Zurbarán"). Its name span, as Universal NER marks names: for a
// person, that proper noun with its `flat` parts (titles are compounds: "U.S.
// President Joe Biden" -> "Joe Biden"); for the other types, the run of
// proper nouns (and words tagged NNP under another UPOS: "United States")
// around it, joined by of/the/and/&/-/de, without crossing a comma ("the
// University of Portsmouth, United Kingdom" -> "University of Portsmouth").
// Overlapping name spans keep the longest (outermost).
//
// GumMentionEntities is the literal rule instead: every person,
// place and organization mention that contains a PROPN, over its whole
// annotated span (overlaps keep the longest).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/conllu.h"
#include "core/iob2.h"

namespace kg::core {

NerSentence GumNamedEntities(const ConlluSentence& sentence);
NerSentence GumMentionEntities(const ConlluSentence& sentence);

// Every *.conllu file of `dir` (sorted by name), or `dir` itself if a file.
// A sentence before any "# newdoc id" line of a file of `dir` gets the
// file's path as its doc_id.
absl::StatusOr<std::vector<ConlluSentence>> ReadConlluDir(const std::string& dir);

}  // namespace kg::core

#endif  // KG_CORE_GUM_ENTITIES_H_
