#ifndef KG_CORE_INVERTED_NAMES_H_
#define KG_CORE_INVERTED_NAMES_H_

// kg::core::JoinInvertedNames: one person written surname first, as email
// headers and address books write them ("\"Lenhart, Matthew\"
// <...>", "[Tholt, Jane M.]"), is one name, but the recogniser, seeing a
// comma between two names, labels two people. This joins them: a PERSON
// span of one or two words, a comma, and a PERSON span of one to three
// words, standing alone between delimiters (the sentence's ends, quotes,
// brackets, "<", ":") become one PERSON span, comma included, as UNER marks
// such names. A comma between names in running text ("Bush, Cheney and
// Rice") has words around it, so it is left alone.
//
// Contract: `bio` holds one BIO label per word of `words` ("B-PERSON",
// "I-PERSON", "O", ...); only such PERSON pairs change; the labels stay
// valid BIO.

#include <string>
#include <string_view>
#include <vector>

namespace kg::core {

void JoinInvertedNames(const std::vector<std::string_view>& words, std::vector<std::string>& bio);

}  // namespace kg::core

#endif  // KG_CORE_INVERTED_NAMES_H_
