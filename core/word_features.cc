#include "core/word_features.h"

#include <utf8proc.h>

namespace kg::core {
namespace {

// Calls f(code point) over valid UTF-8; invalid bytes come as -1.
template <typename F>
void ForEachCodePoint(std::string_view s, F f) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  size_t pos = 0;
  while (pos < s.size()) {
    utf8proc_int32_t c;
    utf8proc_ssize_t n =
        utf8proc_iterate(p + pos, static_cast<utf8proc_ssize_t>(s.size() - pos), &c);
    if (n <= 0) {
      f(-1, pos, size_t{1});
      ++pos;
      continue;
    }
    f(c, pos, static_cast<size_t>(n));
    pos += static_cast<size_t>(n);
  }
}

void AppendUtf8(std::string& out, int32_t c) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(c, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

}  // namespace

void LowercaseInto(std::string_view word, std::string& out) {
  out.clear();
  ForEachCodePoint(word, [&](int32_t c, size_t pos, size_t n) {
    if (c < 0) {
      out.append(word.substr(pos, n));
    } else if (c < 128) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    } else {
      AppendUtf8(out, utf8proc_tolower(c));
    }
  });
}

std::string Lowercase(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  LowercaseInto(word, out);
  return out;
}

void NormalizeWordInto(std::string_view word, std::string& out) {
  if (!word.empty() && word[0] >= '0' && word[0] <= '9') {
    bool all_digits = true;
    for (char c : word) all_digits = all_digits && c >= '0' && c <= '9';
    out.assign(all_digits && word.size() == 4 ? "!YEAR" : "!DIGITS");
    return;
  }
  LowercaseInto(word, out);
}

std::string NormalizedWord(std::string_view word) {
  std::string out;
  NormalizeWordInto(word, out);
  return out;
}

void WordShapeInto(std::string_view word, std::string& out) {
  out.clear();
  char last = 0;
  int run = 0;
  ForEachCodePoint(word, [&](int32_t c, size_t pos, size_t n) {
    char s;
    if (c < 0) {
      s = '?';
    } else if (c >= '0' && c <= '9') {
      s = 'd';
    } else if (c < 128) {
      // ASCII without the Unicode tables: same classes as below.
      s = c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' : static_cast<char>(c);
    } else if (utf8proc_isupper(c)) {
      s = 'X';
    } else if (utf8proc_islower(c)) {
      s = 'x';
    } else {
      auto cat = utf8proc_category(c);
      if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
        s = 'x';
      } else {
        s = '*';
      }
    }
    (void)pos;
    (void)n;
    if (s == last) {
      if (++run > 2) return;
    } else {
      last = s;
      run = 1;
    }
    out.push_back(s);
  });
}

std::string WordShape(std::string_view word) {
  std::string out;
  WordShapeInto(word, out);
  return out;
}

std::string_view Suffix(std::string_view word, int n) {
  size_t pos = word.size();
  while (n > 0 && pos > 0) {
    --pos;
    while (pos > 0 && (static_cast<unsigned char>(word[pos]) & 0xC0) == 0x80) --pos;
    --n;
  }
  return word.substr(pos);
}

std::string_view Prefix(std::string_view word, int n) {
  size_t pos = 0;
  while (n > 0 && pos < word.size()) {
    ++pos;
    while (pos < word.size() && (static_cast<unsigned char>(word[pos]) & 0xC0) == 0x80) ++pos;
    --n;
  }
  return word.substr(0, pos);
}

bool StartsUpper(std::string_view word) {
  if (word.empty()) return false;
  utf8proc_int32_t c;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                                        static_cast<utf8proc_ssize_t>(word.size()), &c);
  return n > 0 && utf8proc_isupper(c);
}

}  // namespace kg::core
