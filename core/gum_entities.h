#ifndef KG_CORE_GUM_ENTITIES_H_
#define KG_CORE_GUM_ENTITIES_H_

// Named entities from GUM's CoNLL-U entity brackets (MISC "Entity=(...)"):
// mentions of type person, place, organization and event become PERSON,
// LOC, ORG and EVENT. A mention counts as named when it contains a PROPN
// word. Its name span, as Universal NER marks names: for a person, the
// proper noun heading the mention with its `flat` parts (titles are
// compounds: "U.S. President Joe Biden" -> "Joe Biden", "the painter
// Zurbarán" -> "Zurbarán"); for the other types, the stretch from the first
// to the last PROPN ("the University of Portsmouth" -> "University of
// Portsmouth").
// Overlapping name spans keep the longest (outermost).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/conllu.h"
#include "core/iob2.h"

namespace kg::core {

NerSentence GumNamedEntities(const ConlluSentence& sentence);

// Every *.conllu file of `dir` (sorted by name), or `dir` itself if a file.
absl::StatusOr<std::vector<ConlluSentence>> ReadConlluDir(const std::string& dir);

}  // namespace kg::core

#endif  // KG_CORE_GUM_ENTITIES_H_
