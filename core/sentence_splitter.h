#ifndef KG_CORE_SENTENCE_SPLITTER_H_
#define KG_CORE_SENTENCE_SPLITTER_H_

// kg::core::SplitSentences: groups the tokens of a text (from Tokenize) into
// sentences. A sentence ends
//  - after ".", "!", "?", "..." or "…" (with any closing quotes or brackets
//    that follow) unless the next token starts in lower case or is more
//    punctuation that continues the clause (",", ";");
//  - after an abbreviation that can end a sentence ("Inc.", "U.S.") only when
//    the next word is a typical sentence opener ("The", "He", ...) or a line
//    break follows; never after titles, months, initials ("Dr.", "Gen.",
//    "Jan.", "D.");
//  - at a blank line, and at a single line break unless the next line
//    starts in lower case (so headlines and datelines without final
//    punctuation stand alone, while hard-wrapped paragraphs stay whole).
// Sentence::begin/end span exactly the sentence's first to last token, so
// text.substr(begin, end - begin) is the sentence as written.

#include <string_view>
#include <vector>

#include "core/analysis.h"

namespace kg::core {

std::vector<Sentence> SplitSentences(std::string_view text, std::vector<Token> tokens);

}  // namespace kg::core

#endif  // KG_CORE_SENTENCE_SPLITTER_H_
