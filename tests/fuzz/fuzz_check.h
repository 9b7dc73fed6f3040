#ifndef KG_TESTS_FUZZ_FUZZ_CHECK_H_
#define KG_TESTS_FUZZ_FUZZ_CHECK_H_

// FUZZ_CHECK(cond, message): a broken contract found by a fuzz target. Prints
// the condition and the message, then aborts, so libFuzzer saves the input
// and the replay test fails.

#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, message)                                                     \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__, __LINE__, #cond, \
                   std::string(message).c_str());                                     \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace kg::fuzz {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF): a strict check written for the targets, independent of the
// code under test.
inline bool IsValidUtf8(const std::string& s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace kg::fuzz

#endif  // KG_TESTS_FUZZ_FUZZ_CHECK_H_
