#include "proto/term_key.h"

#include <utf8proc.h>

#include <cstdlib>
#include <string>

namespace kg {
namespace {

// ASCII stand-ins for typographic punctuation common in news text.
utf8proc_int32_t FoldPunctuation(utf8proc_int32_t c) {
  switch (c) {
    case 0x2018: case 0x2019: case 0x201A: case 0x2032: return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x2033: return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: return '-';
    default: return c;
  }
}

// One code point through the full Unicode path: decompose, strip marks,
// case-fold, then whitespace and control handling.
void FoldCodePoint(utf8proc_int32_t c, std::string& out, bool& pending_space) {
  c = FoldPunctuation(c);
  utf8proc_int32_t buf[8];
  utf8proc_ssize_t m = utf8proc_decompose_char(
      c, buf, 8,
      static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                     UTF8PROC_STRIPMARK),
      nullptr);
  if (m < 0 || m > 8) return;
  for (utf8proc_ssize_t i = 0; i < m; ++i) {
    utf8proc_int32_t d = FoldPunctuation(buf[i]);
    const utf8proc_property_t* prop = utf8proc_get_property(d);
    if (prop->category == UTF8PROC_CATEGORY_ZS || d == '\t' || d == '\n' || d == '\r' ||
        d == '\f' || d == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (prop->category == UTF8PROC_CATEGORY_CC || prop->category == UTF8PROC_CATEGORY_CF) {
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t k = utf8proc_encode_char(d, enc);
    out.append(reinterpret_cast<const char*>(enc), static_cast<size_t>(k));
  }
}

// What FoldCodePoint does to each ASCII byte, computed once: 0 drops it,
// ' ' marks whitespace, anything else is the byte to append. Names are
// mostly ASCII, and extraction computes keys for every mention, so this
// skips utf8proc for them (the table is checked against the full path in
// tests/core/term_key_test.cc).
struct AsciiTable {
  char fold[128];
  AsciiTable() {
    for (int c = 0; c < 128; ++c) {
      std::string out = "x";
      bool pending = false;
      FoldCodePoint(c, out, pending);
      fold[c] = pending ? ' ' : out.size() == 2 ? out[1] : '\0';
    }
  }
};

const AsciiTable& Ascii() {
  static const AsciiTable* table = new AsciiTable();
  return *table;
}

template <bool kFast>
std::string Fold(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(name.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(name.size());
  bool pending_space = false;
  const AsciiTable* ascii = kFast ? &Ascii() : nullptr;
  while (left > 0) {
    if (kFast && *p < 0x80) {
      char f = ascii->fold[*p];
      ++p;
      --left;
      if (f == ' ') {
        pending_space = !out.empty();
      } else if (f != '\0') {
        if (pending_space) {
          out.push_back(' ');
          pending_space = false;
        }
        out.push_back(f);
      }
      continue;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) {  // invalid byte: skip it
      ++p;
      --left;
      continue;
    }
    p += n;
    left -= n;
    FoldCodePoint(c, out, pending_space);
  }
  return out;
}

}  // namespace

std::string TermKey(std::string_view name) { return Fold<true>(name); }

namespace term_key_internal {
std::string TermKeyUnicodeOnly(std::string_view name) { return Fold<false>(name); }
}  // namespace term_key_internal

}  // namespace kg
