#ifndef KG_CORE_TOKENIZER_H_
#define KG_CORE_TOKENIZER_H_

// kg::core::Tokenize: UTF-8 text -> tokens with byte offsets, following the
// Universal Dependencies English-EWT conventions closely enough that a tagger
// trained on the treebank sees the same units at run time:
//  - clitics split off: "don't" -> "do" "n't", "can't" -> "ca" "n't",
//    "Biden's" -> "Biden" "'s", "they're" -> "they" "'re" (also with ’);
//    "gonna" -> "gon" "na", "gotta", "wanna", "cannot" -> "can" "not";
//  - hyphens are tokens ("Al-Zaman" -> "Al" "-" "Zaman", "2016-17" ->
//    "2016" "-" "17"), except after a bound prefix: "e-mail", "co-workers",
//    "Ex-Defense", "pre-war", "non-human";
//  - dotted abbreviations keep their period: "U.S.", "e.g.", initials "D.",
//    titles and months "Dr." "Gen." "Jan." "Inc.";
//  - numbers stay whole: "1,100", "3.5", "03/18/21", "10:30"; currency and
//    percent signs are their own tokens: "$4 billion" -> "$" "4" "billion";
//  - URLs and e-mail addresses are one token;
//  - other punctuation is one token per mark, except runs of the same mark
//    ("...", "!!", "--").
// Invalid UTF-8 bytes never form tokens: they are skipped like white space
// (so a token's text is always valid UTF-8), and decoding resumes at the next
// byte. Token::text is exactly text.substr(begin, end - begin); space_after is
// false when the next token starts right at `end`.

#include <string_view>
#include <vector>

#include "core/analysis.h"

namespace kg::core {

std::vector<Token> Tokenize(std::string_view text);

}  // namespace kg::core

#endif  // KG_CORE_TOKENIZER_H_
