#ifndef KG_TOOLS_LOAD_TEXT_H_
#define KG_TOOLS_LOAD_TEXT_H_

// Byte-level checks kg-load makes on a document before extraction: binary
// detection, UTF-8 repair and splitting of oversize documents. All three keep
// byte offsets meaningful: repair is one byte for one byte, and split parts
// are spans of the original text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kg::tools {

// Why `bytes` (the start of a file) is binary, or nullopt when it looks like
// text: a UTF-16 byte order mark, a NUL byte (named by offset), or more than
// 10% control bytes other than tab, newline, carriage return and form feed.
std::optional<std::string> BinaryReason(std::string_view bytes);

struct Utf8Repair {
  uint64_t first_offset = 0;  // byte offset of the first invalid byte
  uint64_t bytes = 0;         // invalid bytes replaced (0: the text was valid)
};

// The substitute for each invalid byte: ASCII SUB (U+001A), one byte for one
// byte, so every offset into the repaired text is an offset into the source
// (U+FFFD would take three bytes and shift everything after it).
inline constexpr char kSubstituteByte = '\x1A';

// Replaces every byte that is not part of a well-formed UTF-8 sequence
// (stray continuation bytes, truncated sequences, overlongs, surrogates,
// code points above U+10FFFF) with kSubstituteByte, in place.
Utf8Repair RepairUtf8(std::string* text);

// Cuts `text` into spans of at most `max_bytes`, each ending at a paragraph
// break when one lies in the second half of the window, else at a sentence
// end (". ", "! ", "? " and the like), else at whitespace, else at a UTF-8
// character boundary. Returns one span [0, size) when the text fits.
std::vector<std::pair<uint64_t, uint64_t>> SplitSpans(std::string_view text, uint64_t max_bytes);

// Prose has line breaks: a plain-text document with a line longer than this
// (a whole book or a dump with no line end) is refused rather than ground
// through the pipeline for minutes.
inline constexpr uint64_t kMaxLineBytes = 1 << 20;

struct LongLine {
  uint64_t number = 0;  // 1-based line number
  uint64_t offset = 0;  // byte offset of the line's first byte
  uint64_t bytes = 0;   // its length without the line end
};

// The first line of `text` (lines end at '\n') longer than `max_bytes`.
std::optional<LongLine> FindLongLine(std::string_view text, uint64_t max_bytes);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_TEXT_H_
