#ifndef KG_CORE_RELATIONS_H_
#define KG_CORE_RELATIONS_H_

// kg::core::ExtractRelations: facts between the resolved entities of a
// document, sentence by sentence. Word-order patterns (each unit-tested in
// tests/core/relations_test.cc):
//  - subject-verb-object with the verb lemma plus the preposition that
//    introduces the object ("met with X" -> meet_with, "committed $4 billion
//    in aid to X" -> commit_to); passives with a "by" agent are turned
//    around; infinitive and gerund chains inherit the subject ("pushing to
//    include tactics to quell X"); coordinated subjects of an objectless verb
//    are related to each other ("A and B agreed" -> agree_with); each item
//    of an exemplar list on the verb's issue noun is an object ("does not
//    address issues like X, Y and C's role in Z" -> address X, Z);
//  - titles and appositions: holds_role (held_role for "Ex-", "former"),
//    affiliated_with the title's country, member_of the organisation of an
//    appositive role ("the senior director ... on the National Security
//    Council, Juan González") and <role>_of for its other objects;
//  - nationality groups: "Mexican officials" affiliated_with Mexico;
//  - prepositions on issue nouns ("arms trafficking from the United States"
//    -> from) and possessives ("China's role in fentanyl" -> role_in);
//    "the meeting between A and B" -> meet_with;
//  - attribution ("as reported by X", "according to X", "As X reports") ->
//    X reports the main clause's subject, and the REPORTED flag;
//  - negation (NEGATED), modals (MODAL), verbs of intention (HEDGED),
//    "alleged"/"suspected" (ALLEGED) as flags, never dropped;
//  - co_mentioned (CO_MENTION, low confidence) for entities of one sentence
//    at most four names apart with no typed relation between them, (model
//    mode) for the antecedent of a pronoun and the names of its sentence, and
//    across sentences for a name and the country named nearest to it (at
//    most four sentences away; the evidence is the name's sentence, since
//    a store keeps one text per sentence).
//
// In model mode the dependency tree is read first (core/dependency_relations.h);
// the patterns above then add facts only between pairs the tree left
// unrelated, and from verbs only between actors (people, organisations,
// places, groups, programmes) and actors, issues or sums, with a subject
// next to its verb that the tree does not hold as an object (no subjects
// carried along verb chains, no "he"/"she" guessed from the last person).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/lexicon.h"
#include "core/mention.h"

namespace kg::core {

struct RawFact {
  int subject = -1;  // entity indices
  int object = -1;
  std::string predicate;
  uint32_t flags = 0;
  float confidence = 0;
  int sentence = 0;
  uint32_t span_begin = 0;  // bytes covering both mentions
  uint32_t span_end = 0;
};

inline constexpr char kCoMentioned[] = "co_mentioned";

// Which extractor reads relations in model mode (the dependency tree, the
// word-order patterns, or the tree first with patterns for the pairs it
// leaves unrelated). Rule mode and sentences without a usable tree always
// use the patterns. KG_RELATIONS=tree|patterns selects one for comparisons.
enum class RelationMode { kTreeThenPatterns, kTree, kPatterns };
RelationMode RelationModeFromEnv();

// The index of the entity keyed TermKey(name) (or with it as an alias),
// appended with `type` if there is none.
int FindOrAddEntity(std::vector<DocEntity>& entities, const std::string& name, EntityType type);

// May append entities (roles, countries named only by a title or a
// nationality adjective) to `entities`.
std::vector<RawFact> ExtractRelations(const Analysis& analysis,
                                      const std::vector<Mention>& mentions,
                                      std::vector<DocEntity>& entities, const Lexicon& lexicon);

// Adds the dependency tree (Token::head / deprel) to one sentence.
using SentenceParser = std::function<void(Sentence&)>;

// How many sentences with mentions the lazy ExtractRelations below parsed
// and left unparsed (comparisons, tests).
struct LazyParseCounts {
  int parsed = 0;
  int skipped = 0;
};

// The same facts (and entities) as ExtractRelations on `analysis` with every
// sentence that has mentions parsed, but parsing (with `parse`) only the
// sentences whose tree can change them. A sentence is left unparsed when it
// has at most one entity, not a person, no title or nationality on its
// mentions and no personal pronoun: every relation needs two entities, so
// its tree can only name the subject that later pronouns ("it", "they")
// refer to; it is parsed when a later sentence with a pronoun needs that
// (latest first, until the referent is known). `analysis` comes from
// Analyzer::Analyze without the parse; parsed sentences keep their trees.
std::vector<RawFact> ExtractRelations(Analysis& analysis, const std::vector<Mention>& mentions,
                                      std::vector<DocEntity>& entities, const Lexicon& lexicon,
                                      const SentenceParser& parse,
                                      LazyParseCounts* counts = nullptr);

}  // namespace kg::core

#endif  // KG_CORE_RELATIONS_H_
