#include "core/name_conventions.h"

#include <cstddef>

#include "core/word_features.h"

namespace kg::core {
namespace {

// Opening and closing delimiters around a name standing alone.
bool OpensName(std::string_view w) {
  return w == "\"" || w == "\xE2\x80\x9C" || w == "[" || w == "(" || w == "<" || w == ":" ||
         w == "``";
}
bool ClosesName(std::string_view w) {
  return w == "\"" || w == "\xE2\x80\x9D" || w == "]" || w == ")" || w == "(" || w == "<" ||
         w == "''";
}

// The end of the PERSON span starting at `b` (a "B-PERSON"), or `b` if
// none starts there.
size_t PersonEnd(const std::vector<std::string>& bio, size_t b) {
  if (b >= bio.size() || bio[b] != "B-PERSON") return b;
  size_t e = b + 1;
  while (e < bio.size() && bio[e] == "I-PERSON") ++e;
  return e;
}

}  // namespace

void JoinInvertedNames(const std::vector<std::string_view>& words, std::vector<std::string>& bio) {
  const size_t n = words.size() < bio.size() ? words.size() : bio.size();
  for (size_t comma = 1; comma + 1 < n; ++comma) {
    if (words[comma] != ",") continue;
    const size_t end = PersonEnd(bio, comma + 1);
    if (end == comma + 1 || end - (comma + 1) > 3) continue;
    // The surname: a span of any type (the recogniser may call an unknown
    // surname a place, "Lenhart") or an unlabelled capitalised word.
    size_t a = comma - 1;
    if (bio[a] == "O") {
      // Not the sentence's first word, whose capital says nothing.
      if (a == 0 || !StartsUpper(words[a])) continue;
    } else {
      while (a > 0 && bio[a][0] == 'I') --a;
      if (bio[a][0] != 'B') continue;
    }
    if (comma - a > 2) continue;
    if (a > 0 && !OpensName(words[a - 1])) continue;
    if (end < n && !ClosesName(words[end])) continue;
    bio[a] = "B-PERSON";
    for (size_t k = a + 1; k < end; ++k) bio[k] = "I-PERSON";
    comma = end - 1;
  }
}

void PluralPersonsAsGroups(const std::vector<std::string_view>& xpos,
                           std::vector<std::string>& bio) {
  const size_t n = xpos.size() < bio.size() ? xpos.size() : bio.size();
  for (size_t i = 0; i < n; ++i) {
    if (bio[i] != "B-PERSON" || xpos[i] != "NNPS") continue;
    if (i + 1 < bio.size() && bio[i + 1] == "I-PERSON") continue;
    bio[i] = "B-MISC";
  }
}

}  // namespace kg::core
