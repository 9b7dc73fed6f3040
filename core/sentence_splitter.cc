#include "core/sentence_splitter.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "core/abbreviations.h"

namespace kg::core {
namespace {

bool IsTerminal(std::string_view t) {
  if (t == "\xE2\x80\xA6") return true;  // …
  if (t.empty()) return false;
  for (char c : t) {
    if (c != '.' && c != '!' && c != '?') return false;
  }
  return true;
}

bool IsCloser(std::string_view t) {
  return t == "\"" || t == "'" || t == ")" || t == "]" || t == "}" || t == "\xE2\x80\x9D" ||
         t == "\xE2\x80\x99" || t == "''" || t == "\xC2\xBB";
}

bool StartsLower(std::string_view t) {
  return !t.empty() && absl::ascii_islower(static_cast<unsigned char>(t[0]));
}

// Words that begin sentences far more often than they follow "U.S.".
constexpr std::array<std::string_view, 40> kOpeners = {
    "The",  "A",    "An",   "In",   "It",    "He",      "She",   "They",  "We",    "I",
    "This", "That", "These", "Those", "But", "And",     "However", "On",  "At",    "For",
    "As",   "If",   "When", "While", "After", "Before", "There", "His",   "Her",   "Their",
    "Its",  "Our",  "Some", "Many", "Most",  "Meanwhile", "Since", "Although", "Yet", "So"};

bool IsOpener(std::string_view t) {
  for (std::string_view o : kOpeners) {
    if (o == t) return true;
  }
  return false;
}

// Number of '\n' in text[from, to).
int Newlines(std::string_view text, uint32_t from, uint32_t to) {
  int n = 0;
  for (uint32_t i = from; i < to && i < text.size(); ++i) n += text[i] == '\n';
  return n;
}

}  // namespace

std::vector<Sentence> SplitSentences(std::string_view text, std::vector<Token> tokens) {
  std::vector<Sentence> sentences;
  const size_t n = tokens.size();
  size_t start = 0;
  auto close = [&](size_t end_exclusive) {
    if (end_exclusive <= start) return;
    Sentence s;
    s.begin = tokens[start].begin;
    s.end = tokens[end_exclusive - 1].end;
    s.tokens.reserve(end_exclusive - start);
    for (size_t k = start; k < end_exclusive; ++k) s.tokens.push_back(std::move(tokens[k]));
    sentences.push_back(std::move(s));
    start = end_exclusive;
  };
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 >= n) break;
    const Token& t = tokens[i];
    const Token& next = tokens[i + 1];
    int breaks = Newlines(text, t.end, next.begin);
    if (breaks >= 2 || (breaks == 1 && !StartsLower(next.text))) {
      close(i + 1);
      continue;
    }
    bool end = false;
    size_t last = i;
    if (IsTerminal(t.text)) {
      // Closing quotes and brackets right after the mark belong to it.
      while (last + 1 < n && IsCloser(tokens[last + 1].text) && tokens[last].end == tokens[last + 1].begin) {
        ++last;
      }
      if (last + 1 >= n) break;
      const Token& after = tokens[last + 1];
      end = !StartsLower(after.text) && after.text != "," && after.text != ";" &&
            !IsTerminal(after.text);
    } else if (t.text.size() > 1 && t.text.back() == '.') {
      std::string_view word(t.text.data(), t.text.size() - 1);
      if (IsAbbreviation(word) && !IsNonFinalAbbreviation(word)) {
        end = IsOpener(next.text);
      }
    }
    if (end) {
      close(last + 1);
      i = last;
    }
  }
  close(n);
  return sentences;
}

}  // namespace kg::core
