#ifndef KG_CORE_RESOLVER_H_
#define KG_CORE_RESOLVER_H_

// kg::core::ResolveEntities: groups a document's mentions into entities and
// records why each alias joined its entity (the merge ledger). Rules:
//  - "same-key": mentions with equal kg::TermKey ("Mérida" = "Merida");
//  - "acronym-definition": "Drug Enforcement Administration (DEA)";
//  - "nickname": "Andrés Manuel López Obrador, nicknamed AMLO" (also "known
//    as", "dubbed", "called");
//  - "initialism": an acronym whose letters are the initials of a name in the
//    document ("U.S." = "United States", "HRW" = "Human Rights Watch"), or
//    of an ISO country name ("US" = "United States" with no expansion in the
//    text: "initialism-country");
//  - "short-name": "Biden" -> "Joe Biden", "González" -> "Juan González" when
//    exactly one person in the document ends (or starts) with that name;
//  - "country-name": a name that is an ISO country name takes the ISO form.
// A BlockedMerge (the user's `kg unmerge`) vetoes every rule above for its
// alias in a document where the alias would otherwise end up in the named
// entity; "same-key" cannot be vetoed (equal keys are one name).
// Entity keys are TermKey(canonical name); aliases carry the other surface
// forms (and the undotted form of dotted acronyms) so the store can join
// entities across documents by key or alias.

#include <string>
#include <string_view>
#include <vector>

#include "core/analysis.h"
#include "core/lexicon.h"
#include "core/mention.h"

namespace kg::core {

struct MergeRecord {
  std::string alias;  // surface form merged
  int entity = -1;    // index into Resolution::entities
  std::string rule;
  int sentence = 0;   // where the rule's evidence is
};

// "alias_key never joins the entity keyed canonical_key" (both TermKeys).
struct BlockedMerge {
  std::string alias_key;
  std::string canonical_key;
};

// A stable text naming a set of blocked merges ("" for none): stored with
// each document so a store can tell which overrides it was extracted under.
std::string ResolutionFingerprint(const std::vector<BlockedMerge>& blocked);

struct Resolution {
  std::vector<DocEntity> entities;
  std::vector<MergeRecord> merges;
};

// Sets Mention::entity for every mention.
Resolution ResolveEntities(std::vector<Mention>& mentions, const Analysis& analysis,
                           const Lexicon& lexicon,
                           const std::vector<BlockedMerge>& blocked = {});

// Initials of a name's words, skipping "of", "the", "and", "for", "on"
// ("Drug Enforcement Administration" -> "DEA").
std::string NameInitials(std::string_view name);

}  // namespace kg::core

#endif  // KG_CORE_RESOLVER_H_
