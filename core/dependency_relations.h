#ifndef KG_CORE_DEPENDENCY_RELATIONS_H_
#define KG_CORE_DEPENDENCY_RELATIONS_H_

// kg::core::DependencyRelations: the typed relations of one sentence read
// from its dependency tree (Token::head / Token::deprel, model mode). Each
// pattern is unit-tested in tests/core/relations_test.cc:
//  - verbs: nsubj -> obj/iobj (predicate = lemma, plus a particle:
//    "set_up"), obl with its case preposition ("meet_with", "commit_to"),
//    objects reached through a noun ("revoked the immunity of X" ->
//    revoke_of), or through two nouns when the last is a partner
//    ("enacted changes to the cooperation with X" -> enact_with), a name
//    on a plural of people stands for them ("empower the CBP agents" ->
//    empower CBP), names given as examples stand for their noun ("groups
//    like X urged Y" -> X urge Y), a title the parser made the head of a
//    name is the person ("arrest Minister X"); passives: the obl:agent becomes the
//    subject, other obliques stay with the passive subject ("was born in X"
//    -> bear_in); a noun the tagger took for a verb after "to" is an
//    oblique ("aid to development projects in X" -> commit_to);
//  - instruments act for their adopter: "X kept policies that empower Y",
//    "X drafted a letter urging Y" -> X empower / urge Y (the verb's own
//    agent subject only);
//  - conjunctions on both sides (each conjunct gets the fact); conjoined
//    verbs, xcomp (object control: "urged X to ban Y" -> X ban Y), advcl,
//    participles and infinitives of purpose on an object ("used the data
//    to arrest Y") inherit their subject; relative clauses (who/which/that and
//    bare "the treaty X signed") and participial modifiers ("a policy
//    launched by X") fill the gap with the modified noun ("who" never with
//    a place or a thing; a "which" beside another subject is the object);
//    a token of a name the parser split stands for the whole name;
//  - copulas and appositions: "X is the capital of Y" -> capital_of; role
//    nouns give holds_role and member_of (an organisation after on/at/in/
//    with) or <role>_of; names and nationalities modifying the predicate
//    noun give affiliated_with; two places in apposition -> located_in;
//  - nouns: nmod on a name ("arms trafficking from X" -> from),
//    possessives through a noun ("China's role in fentanyl" -> role_in),
//    "the meeting between A and B" -> meet_with;
//  - subject pronouns (he, she, it, they, and possessives) resolve to an
//    earlier subject of that kind in the same sentence, else to the most
//    recent one in the document;
//  - flags: negation (not, never, n't), modal auxiliaries, verbs of
//    intention (HEDGED) and allegation words (ALLEGED), inherited down
//    xcomp chains; clauses under a reporting verb are REPORTED.

#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/lexicon.h"
#include "core/mention.h"
#include "core/relations.h"

namespace kg::core {

// Whether a sentence carries a dependency tree worth reading: one root, and
// heads that point inside the sentence.
bool HasUsableTree(const Sentence& sentence);

// Pronoun antecedents carried from sentence to sentence (entity indices).
struct DiscourseState {
  int person = -1;  // he, she, his, her, him
  int thing = -1;   // it, its
  int group = -1;   // they, their, them
};

// Facts of sentence `index` between the entities of `mentions` (the
// sentence's mentions, resolved). May append ROLE entities to `entities`.
// Updates `state` with this sentence's subjects. Entities a resolved
// pronoun names are appended to `*pronoun_entities` (for co-mention).
// `lower`, when given, holds LowerAscii of each token's text (the caller's
// copy, so the sentence is not lower-cased twice).
std::vector<RawFact> DependencyRelations(const Sentence& sentence, int index,
                                         const std::vector<const Mention*>& mentions,
                                         std::vector<DocEntity>& entities, const Lexicon& lexicon,
                                         DiscourseState& state, std::vector<int>* pronoun_entities,
                                         const std::vector<std::string>* lower = nullptr);

}  // namespace kg::core

#endif  // KG_CORE_DEPENDENCY_RELATIONS_H_
