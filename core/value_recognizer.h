#ifndef KG_CORE_VALUE_RECOGNIZER_H_
#define KG_CORE_VALUE_RECOGNIZER_H_

// Deterministic recognisers for DATE, MONEY, PERCENT and QUANTITY mentions
// over a tokenised sentence:
//   DATE      "March 1", "1 March 2021", "January 2021", "Jan. 5, 2021",
//             "03/18/21", "2021-03-18", "Monday", "2021" (a 1800-2099 year
//             after in/since/by/until/from/of/during/before/after), "1990s"
//   MONEY     "$4 billion", "US$ 5", "€20", "4 billion dollars", "11 pesos"
//   PERCENT   "3.5%", "40 percent", "40 per cent"
//   QUANTITY  "1,100 kilometers", "5 tons", "3 million barrels"
// Only tokens whose `ner` is empty or "O" are labelled (named entities win).

#include <vector>

#include "core/analysis.h"

namespace kg::core {

// Writes BIO tags ("B-DATE", "I-DATE", ...) into tokens[i].ner.
void RecognizeValues(std::vector<Token>& tokens);

}  // namespace kg::core

#endif  // KG_CORE_VALUE_RECOGNIZER_H_
