#ifndef KG_CORE_ABBREVIATIONS_H_
#define KG_CORE_ABBREVIATIONS_H_

// Which words written with a final period are abbreviations, shared by the
// tokenizer (keeps the period on the token) and the sentence splitter
// (decides whether that period also ends the sentence).

#include <string_view>

namespace kg::core {

// `word` without its final period: "Dr", "Gen", "Jan", "Inc", "etc", or a
// dotted form such as "U.S" or "e.g" (single letters joined by periods), or
// a single capital letter (an initial, "D" in "Michael D. Shear").
bool IsAbbreviation(std::string_view word);

// Abbreviations that are nearly always followed by more of the same
// sentence: titles ("Dr", "Gen", "Sen"), months ("Jan"), "No", "vs", "e.g",
// initials. A period after one of these does not end a sentence.
bool IsNonFinalAbbreviation(std::string_view word);

}  // namespace kg::core

#endif  // KG_CORE_ABBREVIATIONS_H_
