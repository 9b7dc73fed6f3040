#include "core/tokenizer.h"

#include <utf8proc.h>

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "core/abbreviations.h"

namespace kg::core {
namespace {

constexpr int32_t kInvalid = -1;

struct CodePoint {
  int32_t c;     // kInvalid for a byte that does not start valid UTF-8
  uint32_t begin;
  uint32_t end;
};

std::vector<CodePoint> Decode(std::string_view text) {
  std::vector<CodePoint> cps;
  cps.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    // ASCII (nearly all of English prose) needs no decoder.
    if (const unsigned char b = p[pos]; b < 0x80) {
      cps.push_back({b, static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + 1)});
      ++pos;
      continue;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(p + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &c);
    if (n <= 0) {
      cps.push_back({kInvalid, static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + 1)});
      ++pos;
      continue;
    }
    cps.push_back({c, static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + n)});
    pos += static_cast<size_t>(n);
  }
  return cps;
}

utf8proc_category_t Category(int32_t c) {
  return static_cast<utf8proc_category_t>(utf8proc_category(c));
}

bool IsSpace(int32_t c) {
  if (c == kInvalid) return true;
  // ASCII: the controls (Cc) and the space (Zs), as utf8proc classes them.
  if (c < 0x80) return c <= 0x20 || c == 0x7F;
  switch (Category(c)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
      return true;
    default:
      return false;
  }
}

bool IsLetter(int32_t c) {
  if (c < 0) return false;
  if (c < 0x80) return absl::ascii_isalpha(static_cast<unsigned char>(c));
  auto cat = Category(c);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

bool IsDigit(int32_t c) { return c >= '0' && c <= '9'; }

bool IsWordChar(int32_t c) {
  if (c < 0) return false;
  if (c < 0x80) return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
  auto cat = Category(c);
  return IsLetter(c) || (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool IsApostrophe(int32_t c) { return c == '\'' || c == 0x2019; }
bool IsHyphen(int32_t c) { return c == '-' || c == 0x2010 || c == 0x2011; }

// Bound prefixes EWT keeps attached: "e-mail", "co-workers", "ex-members".
constexpr std::array<std::string_view, 30> kPrefixes = {
    "e",    "co",    "pre",   "post",  "non",   "re",    "semi",   "pro",   "anti",  "multi",
    "ex",   "vice",  "mid",   "inter", "intra", "sub",   "counter", "bi",   "tri",   "mis",
    "neo",  "pseudo", "quasi", "ultra", "micro", "macro", "mega",   "over",  "cross", "trans"};

// Whether `s` starts with the lower-case ASCII `prefix`, ignoring the case
// of ASCII letters in `s` (no lower-cased copy of the chunk).
bool StartsWithLower(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Sentence-final runs, dashes and the like: one token for a run of one mark.
bool IsRunMark(int32_t c) {
  return c == '.' || c == '!' || c == '?' || c == '-' || c == '*' || c == '=' || c == '~' ||
         c == '#' || c == '/' || c == 0x2014;
}

class ChunkTokenizer {
 public:
  ChunkTokenizer(std::string_view text, const std::vector<CodePoint>& cps, std::vector<Token>& out)
      : text_(text), cps_(cps), out_(out) {}

  // Splits the non-space code points [s, e).
  void Split(size_t s, size_t e) {
    if (SplitUrl(s, e)) return;
    size_t i = s;
    while (i < e) {
      if (IsWordChar(cps_[i].c)) {
        i = Word(i, e);
      } else {
        i = Punct(i, e);
      }
    }
  }

 private:
  std::string_view Bytes(size_t s, size_t e) const {
    return text_.substr(cps_[s].begin, cps_[e - 1].end - cps_[s].begin);
  }

  void Emit(size_t s, size_t e) {
    if (s >= e) return;
    Token t;
    t.begin = cps_[s].begin;
    t.end = cps_[e - 1].end;
    t.text = std::string(text_.substr(t.begin, t.end - t.begin));
    out_.push_back(std::move(t));
  }

  // Letters only, lower-cased ASCII, of the code points [s, e).
  std::string Lower(size_t s, size_t e) const { return absl::AsciiStrToLower(std::string(Bytes(s, e))); }

  // URLs and e-mail addresses are one token, minus wrapping punctuation.
  bool SplitUrl(size_t s, size_t e) {
    size_t a = s;
    while (a < e && !IsWordChar(cps_[a].c)) ++a;
    if (a == e) return false;
    std::string_view inner = text_.substr(cps_[a].begin, cps_[e - 1].end - cps_[a].begin);
    bool url = StartsWithLower(inner, "http://") || StartsWithLower(inner, "https://") ||
               StartsWithLower(inner, "ftp://") || StartsWithLower(inner, "www.");
    bool email = false;
    if (!url) {
      size_t at = inner.find('@');
      if (at != std::string_view::npos && at > 0) {
        size_t dot = inner.find('.', at);
        email = dot != std::string_view::npos && dot > at + 1 && dot + 1 < inner.size() &&
                absl::ascii_isalnum(static_cast<unsigned char>(inner[dot + 1]));
      }
    }
    if (!url && !email) return false;
    size_t b = e;
    // Trailing punctuation that closes a sentence or a bracket.
    while (b > a + 1) {
      int32_t c = cps_[b - 1].c;
      bool trail = c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
                   c == ')' || c == ']' || c == '>' || c == '"' || c == '\'' || c == 0x201D ||
                   c == 0x2019;
      if (!trail) break;
      --b;
    }
    for (size_t i = s; i < a; ++i) Emit(i, i + 1);
    Emit(a, b);
    for (size_t i = b; i < e;) i = Punct(i, e);
    return true;
  }

  size_t Punct(size_t i, size_t e) {
    size_t j = i + 1;
    if (IsRunMark(cps_[i].c)) {
      while (j < e && cps_[j].c == cps_[i].c) ++j;
    }
    Emit(i, j);
    return j;
  }

  // Length in code points of the letters after an apostrophe at `j`.
  size_t LettersAfter(size_t j, size_t e) const {
    size_t k = j + 1;
    while (k < e && IsLetter(cps_[k].c)) ++k;
    return k;
  }

  bool AllLetters(size_t s, size_t e) const {
    for (size_t i = s; i < e; ++i) {
      if (!IsLetter(cps_[i].c)) return false;
    }
    return true;
  }

  // A word starting at code point i; returns where scanning resumes.
  size_t Word(size_t i, size_t e) {
    size_t j = i + 1;
    size_t clitic_begin = 0, clitic_end = 0;  // a clitic token that follows
    while (j < e) {
      int32_t c = cps_[j].c;
      int32_t prev = cps_[j - 1].c;
      int32_t next = j + 1 < e ? cps_[j + 1].c : kInvalid;
      if (IsWordChar(c)) {
        ++j;
        continue;
      }
      if (c == '.' && IsWordChar(next)) {  // U.S, 3.5, whitehouse.gov
        ++j;
        continue;
      }
      if (c == ',' && IsDigit(prev) && j + 3 < e && IsDigit(cps_[j + 1].c) &&
          IsDigit(cps_[j + 2].c) && IsDigit(cps_[j + 3].c) &&
          (j + 4 >= e || !IsDigit(cps_[j + 4].c))) {  // 1,100
        ++j;
        continue;
      }
      if ((c == ':' || c == '/') && IsDigit(prev) && IsDigit(next)) {  // 10:30, 03/18/21
        ++j;
        continue;
      }
      if (c == '&' && IsLetter(prev) && IsLetter(next)) {  // AT&T
        ++j;
        continue;
      }
      if (IsHyphen(c) && IsLetter(next) && AllLetters(i, j)) {
        std::string left = Lower(i, j);
        bool prefix = false;
        for (std::string_view p : kPrefixes) prefix = prefix || left == p;
        if (prefix) {
          ++j;
          continue;
        }
        break;
      }
      if (IsApostrophe(c)) {
        size_t k = LettersAfter(j, e);
        bool ends = k == e || !IsWordChar(cps_[k].c);
        std::string rest = k > j + 1 ? Lower(j + 1, k) : std::string();
        if (ends && rest == "t" && (prev == 'n' || prev == 'N') && j - 1 > i) {
          clitic_begin = j - 1;  // "n't"
          clitic_end = k;
          j = j - 1;
          break;
        }
        if (ends && (rest == "s" || rest == "re" || rest == "ve" || rest == "ll" || rest == "d" ||
                     rest == "m")) {
          clitic_begin = j;
          clitic_end = k;
          break;
        }
        if (!rest.empty() && !ends) break;  // apostrophe then digits etc.
        if (!rest.empty()) {              // O'Brien, rock'n'roll
          j = k;
          continue;
        }
        break;
      }
      break;
    }
    size_t word_end = j;
    size_t resume = clitic_end > 0 ? clitic_end : j;
    // A period that belongs to an abbreviation stays on the word.
    if (clitic_end == 0 && j < e && cps_[j].c == '.' && IsAbbreviation(Bytes(i, j)) &&
        !(j + 1 < e && cps_[j + 1].c == '.')) {
      word_end = j + 1;
      resume = j + 1;
    }
    // Only five- and six-letter words can split: no lower-cased copy of
    // the others.
    const size_t len = word_end - i;
    std::string lower = len == 5 || len == 6 ? Lower(i, word_end) : std::string();
    if (len == 5 && (lower == "gonna" || lower == "gotta" || lower == "wanna")) {
      Emit(i, i + 3);
      Emit(i + 3, word_end);
    } else if (len == 6 && lower == "cannot") {
      Emit(i, i + 3);
      Emit(i + 3, word_end);
    } else {
      Emit(i, word_end);
    }
    if (clitic_end > 0) Emit(clitic_begin, clitic_end);
    return resume;
  }

  std::string_view text_;
  const std::vector<CodePoint>& cps_;
  std::vector<Token>& out_;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  if (text.empty()) return tokens;
  // Prose runs ~5 bytes a token: one allocation instead of a dozen moves
  // of every token as the vector grows.
  tokens.reserve(text.size() / 4 + 16);
  std::vector<CodePoint> cps = Decode(text);
  ChunkTokenizer chunker(text, cps, tokens);
  size_t i = 0;
  while (i < cps.size()) {
    if (IsSpace(cps[i].c)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < cps.size() && !IsSpace(cps[j].c)) ++j;
    chunker.Split(i, j);
    i = j;
  }
  for (size_t t = 0; t + 1 < tokens.size(); ++t) {
    tokens[t].space_after = tokens[t + 1].begin != tokens[t].end;
  }
  if (!tokens.empty()) tokens.back().space_after = tokens.back().end < text.size();
  return tokens;
}

}  // namespace kg::core
