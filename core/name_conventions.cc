#include "core/name_conventions.h"

#include <cstddef>

namespace kg::core {
namespace {

// Opening and closing delimiters around a name standing alone.
bool OpensName(std::string_view w) {
  return w == "\"" || w == "\xE2\x80\x9C" || w == "[" || w == "(" || w == "<" || w == ":" ||
         w == "'" || w == "``";
}
bool ClosesName(std::string_view w) {
  return w == "\"" || w == "\xE2\x80\x9D" || w == "]" || w == ")" || w == "(" || w == "<" ||
         w == "'" || w == "''";
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
  for (size_t a = 0; a < n; ++a) {
    const size_t comma = PersonEnd(bio, a);
    if (comma == a) continue;
    if (comma - a > 2 || comma >= n || words[comma] != ",") continue;
    const size_t end = PersonEnd(bio, comma + 1);
    if (end == comma + 1 || end - (comma + 1) > 3) continue;
    if (a > 0 && !OpensName(words[a - 1])) continue;
    if (end < n && !ClosesName(words[end])) continue;
    bio[comma] = "I-PERSON";
    bio[comma + 1] = "I-PERSON";
    a = end - 1;
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
