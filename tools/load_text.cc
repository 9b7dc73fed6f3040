#include "tools/load_text.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "utf8proc.h"

namespace kg::tools {

std::optional<std::string> BinaryReason(std::string_view bytes) {
  // UTF-16 is text, but not text kg reads: say so rather than "binary".
  if (bytes.size() >= 2 &&
      ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
    return std::string("UTF-16 text (byte order mark at offset 0): convert it to UTF-8");
  }
  if (const void* nul = std::memchr(bytes.data(), 0, bytes.size())) {
    return absl::StrCat("binary file (NUL byte at offset ",
                        static_cast<const char*>(nul) - bytes.data(), ")");
  }
  if (bytes.empty()) return std::nullopt;
  size_t control = 0;
  for (unsigned char c : bytes) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) ++control;
  }
  if (control * 10 > bytes.size()) {
    return absl::StrFormat("binary file (%.0f%% control bytes in the first %d bytes)",
                           100.0 * control / bytes.size(), bytes.size());
  }
  return std::nullopt;
}

Utf8Repair RepairUtf8(std::string* text) {
  Utf8Repair repair;
  char* data = text->data();
  const size_t n = text->size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path: 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, data + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(data[i]) < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(data + i),
                                            static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len > 0) {
      i += static_cast<size_t>(len);
      continue;
    }
    if (repair.bytes == 0) repair.first_offset = i;
    ++repair.bytes;
    data[i] = kSubstituteByte;
    ++i;
  }
  return repair;
}

namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The cut point for the window text[begin, limit), limit < text.size().
uint64_t CutPoint(std::string_view text, uint64_t begin, uint64_t limit) {
  const uint64_t half = begin + (limit - begin) / 2;
  // A paragraph break: a blank line. The cut goes after the newlines.
  for (uint64_t i = limit; i > half + 1; --i) {
    if (text[i - 1] == '\n' &&
        (text[i - 2] == '\n' || (text[i - 2] == '\r' && i >= 3 && text[i - 3] == '\n'))) {
      return i;
    }
  }
  // A sentence end: terminal punctuation (optionally closed by a quote or
  // bracket) followed by whitespace. The cut goes after the whitespace run's
  // first byte, so the next part starts at the next sentence.
  for (uint64_t i = limit; i > begin + 1; --i) {
    if (!IsSpace(text[i - 1])) continue;
    uint64_t j = i - 1;
    while (j > begin && (text[j - 1] == '"' || text[j - 1] == '\'' || text[j - 1] == ')')) --j;
    if (j > begin && (text[j - 1] == '.' || text[j - 1] == '!' || text[j - 1] == '?')) return i;
  }
  for (uint64_t i = limit; i > begin + 1; --i) {
    if (IsSpace(text[i - 1])) return i;
  }
  uint64_t i = limit;
  while (i > begin + 1 && IsContinuation(text[i])) --i;
  return i;
}

}  // namespace

std::vector<std::pair<uint64_t, uint64_t>> SplitSpans(std::string_view text, uint64_t max_bytes) {
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  if (max_bytes < 2) max_bytes = 2;
  uint64_t begin = 0;
  while (text.size() - begin > max_bytes) {
    uint64_t cut = CutPoint(text, begin, begin + max_bytes);
    spans.emplace_back(begin, cut);
    begin = cut;
  }
  spans.emplace_back(begin, text.size());
  return spans;
}

std::optional<LongLine> FindLongLine(std::string_view text, uint64_t max_bytes) {
  uint64_t begin = 0, number = 1;
  while (begin < text.size()) {
    size_t nl = text.find('\n', begin);
    uint64_t end = nl == std::string_view::npos ? text.size() : nl;
    if (end - begin > max_bytes) return LongLine{number, begin, end - begin};
    if (nl == std::string_view::npos) break;
    begin = end + 1;
    ++number;
  }
  return std::nullopt;
}

}  // namespace kg::tools
