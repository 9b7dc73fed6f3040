#ifndef KG_CORE_WORD_FEATURES_H_
#define KG_CORE_WORD_FEATURES_H_

// Word-level feature helpers shared by the tagger and the recogniser.

#include <string>
#include <string_view>

namespace kg::core {

// Lower-cased (Unicode) form with numbers collapsed: 4-digit years ->
// "!YEAR", other digit-initial tokens -> "!DIGITS".
std::string NormalizedWord(std::string_view word);
// The same into `out` (overwritten; its capacity is reused).
void NormalizeWordInto(std::string_view word, std::string& out);

// Letters -> X/x, digits -> d, other characters kept, runs longer than two
// collapsed: "López" -> "Xxx", "U.S." -> "X.X.", "1,100" -> "d,dd".
std::string WordShape(std::string_view word);
// The same into `out` (overwritten; its capacity is reused).
void WordShapeInto(std::string_view word, std::string& out);

// The last (first) `n` code points of `word` (whole word if shorter).
std::string_view Suffix(std::string_view word, int n);
std::string_view Prefix(std::string_view word, int n);

// Unicode lower case of `word`.
std::string Lowercase(std::string_view word);
// The same into `out` (overwritten; its capacity is reused).
void LowercaseInto(std::string_view word, std::string& out);

// True if the first code point is an upper-case letter.
bool StartsUpper(std::string_view word);

}  // namespace kg::core

#endif  // KG_CORE_WORD_FEATURES_H_
