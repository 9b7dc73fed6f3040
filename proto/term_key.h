#ifndef KG_PROTO_TERM_KEY_H_
#define KG_PROTO_TERM_KEY_H_

// The dictionary key of a name: how "Mérida Initiative", "MERIDA initiative"
// and "Merida  Initiative" become one term. Every layer that looks a name up
// (extraction, the store's dictionary, the query engine) uses this one
// function, so lookups are case- and accent-insensitive everywhere.

#include <string>
#include <string_view>

namespace kg {

// Unicode case folding (utf8proc), accents stripped (NFKD minus combining
// marks), curly quotes and dashes mapped to ASCII, runs of whitespace
// collapsed to one space, leading/trailing whitespace removed. Invalid UTF-8
// bytes are dropped. Dots and other punctuation are kept: "U.S." and "US" are
// different keys, joined by entity resolution as aliases.
std::string TermKey(std::string_view name);

namespace term_key_internal {
// TermKey without its ASCII shortcut, every code point through utf8proc;
// for tests that check the two agree.
std::string TermKeyUnicodeOnly(std::string_view name);
}  // namespace term_key_internal

}  // namespace kg

#endif  // KG_PROTO_TERM_KEY_H_
