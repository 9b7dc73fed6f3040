#ifndef KG_CORE_MENTION_FINDER_H_
#define KG_CORE_MENTION_FINDER_H_

// kg::core::FindMentions: the entity mentions of an analysed document.
//
// Names: capitalised token spans (joined over "of", "for", "on", "de", over
// "and" when the span names an organisation, and over a comma list closed by
// "and" after "<organisation word> of": "Bureau of Alcohol, Tobacco,
// Firearms and Explosives"), acronyms, quoted title-case
// phrases; sentence-initial capitals are kept only when the word is also
// capitalised elsewhere mid-sentence (so "Officials", "Previously" are not
// names). When the analysis carries NER tags, those spans are used for names.
// Titles are stripped ("U.S. Secretary of State Antony Blinken" -> "Antony
// Blinken" with role "Secretary of State"); a nationality adjective before a
// plural noun is a GROUP ("Mexican officials").
//
// Issues (TOPIC): a bare noun chunk (no determiner) whose head is a
// nominalisation ("arms trafficking", "immigration") or that is the object of
// an issue frame ("role in X", "cooperation on X", "issues like X"), kept when
// it has a noun modifier, recurs in the document, or fills such a frame.
// Collective actors (GROUP): bare compound plurals of agent nouns
// ("asylum seekers") that recur. Values: DATE, MONEY, PERCENT, QUANTITY.

#include <string_view>
#include <vector>

#include "core/analysis.h"
#include "core/lexicon.h"
#include "core/mention.h"

namespace kg::core {

// Mentions in document order (by sentence, then token). `text` is the source
// the analysis offsets point into.
std::vector<Mention> FindMentions(const Analysis& analysis, std::string_view text,
                                  const Lexicon& lexicon);

// Helpers shared with relation extraction.
bool IsCapitalized(std::string_view word);
bool IsAcronym(std::string_view word);  // "DEA", "U.S.", "HRW"
std::string LowerAscii(std::string_view s);

}  // namespace kg::core

#endif  // KG_CORE_MENTION_FINDER_H_
