#ifndef KG_CORE_NAME_CONVENTIONS_H_
#define KG_CORE_NAME_CONVENTIONS_H_

// Fixes applied to the recogniser's labels after the document pass, where
// what it labels apart is one name, or what it calls a person is a group.
//
// kg::core::JoinInvertedNames: one person written surname first, as email
// headers and address books write them ("\"Lenhart, Matthew\" <...>",
// "[Tholt, Jane M.]"), is one name, but the recogniser, seeing a comma
// between two names, labels two people. This joins them: a surname of one
// or two words (a span of any type, since the recogniser may call an
// unknown surname a place, or an unlabelled capitalised word that does not
// start the sentence), a comma, and a PERSON span of one to three words,
// standing alone between delimiters (the sentence's ends, double quotes,
// brackets, "<", ":"), become one PERSON span, comma included, as UNER
// marks such names. A comma between names in running text ("Bush, Cheney
// and Rice") has words around it, so it is left alone.
//
// Contract: `bio` holds one BIO label per word of `words` ("B-PERSON",
// "I-PERSON", "O", ...); only such PERSON pairs change; the labels stay
// valid BIO.

#include <string>
#include <string_view>
#include <vector>

namespace kg::core {

void JoinInvertedNames(const std::vector<std::string_view>& words, std::vector<std::string>& bio);

// kg::core::PluralPersonsAsGroups: a one-word PERSON span in the plural
// (XPOS "NNPS": "Muslims", "Neoconservatives") names a group, so it becomes
// the other-names class MISC, as the classes and UNER have it (UNER
// train: 121 such words are OTH, one is PER). GUM's person mentions include
// groups, which is where the recogniser learned to call them PERSON.
// `xpos` and `bio` as above; only those spans change.
void PluralPersonsAsGroups(const std::vector<std::string_view>& xpos,
                           std::vector<std::string>& bio);

}  // namespace kg::core

#endif  // KG_CORE_NAME_CONVENTIONS_H_
