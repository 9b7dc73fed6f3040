#include "cli/completer.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "proto/term_key.h"

namespace kg::cli {
namespace {

const std::vector<std::string>& OptionKeywords() {
  static const std::vector<std::string> kWords = {
      "and",       "by",    "depth",          "document", "k",    "limit", "max",
      "predicate", "since", "min_confidence", "to",       "type", "typed", "until"};
  return kWords;
}

const std::vector<std::string>& TypeWords() {
  static const std::vector<std::string> kWords = {
      "person", "org",  "gpe",   "loc",      "group",   "program", "event", "work",
      "topic",  "date", "money", "quantity", "percent", "role",    "misc",  "resource"};
  return kWords;
}

const std::vector<std::string>& RankWords() {
  static const std::vector<std::string> kWords = {"degree", "pagerank", "hops", "confidence"};
  return kWords;
}

std::vector<std::string> Filter(const std::vector<std::string>& words, std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& w : words) {
    if (absl::StartsWithIgnoreCase(w, absl::string_view(prefix.data(), prefix.size()))) {
      out.push_back(w);
    }
  }
  return out;
}

// Splits the unquoted part of a line into words, noting whether the cursor is
// inside an open quote and where the current word starts.
struct Context {
  std::vector<std::string> words;  // complete words before the current one ("" for names)
  bool in_quote = false;
  size_t word_start = 0;
  int terms_since_match = -1;  // names/variables since `match` or ','; -1 outside match
};

Context Analyse(std::string_view line) {
  Context c;
  size_t i = 0;
  std::string current;
  bool in_word = false;
  auto end_word = [&]() {
    if (in_word) c.words.push_back(absl::AsciiStrToLower(current));
    current.clear();
    in_word = false;
  };
  while (i < line.size()) {
    char ch = line[i];
    if (ch == '"') {
      end_word();
      size_t open = i++;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '\\') {
          i += 2;
          continue;
        }
        if (line[i] == '"') {
          closed = true;
          break;
        }
        ++i;
      }
      if (!closed) {
        c.in_quote = true;
        c.word_start = open + 1;
        return c;
      }
      c.words.push_back("\"");  // a name
      ++i;
      continue;
    }
    if (absl::ascii_isspace(static_cast<unsigned char>(ch)) || ch == ',' || ch == '(' ||
        ch == ')') {
      end_word();
      if (ch == ',') c.words.push_back(",");
      ++i;
      continue;
    }
    if (!in_word) c.word_start = i;
    in_word = true;
    current.push_back(ch);
    ++i;
  }
  if (!in_word) c.word_start = line.size();
  return c;
}

// The keyword a comma-separated list belongs to: `type person, org, ` -> "type".
std::string ListKeyword(const std::vector<std::string>& words) {
  long j = static_cast<long>(words.size()) - 1;
  while (j >= 1 && words[j] == ",") j -= 2;
  return j >= 0 ? words[j] : "";
}

}  // namespace

const std::vector<std::string>& QueryCommands() {
  static const std::vector<std::string> kWords = {"path",  "connect", "neighbors", "entity",
                                                  "match", "top",     "explain"};
  return kWords;
}

const std::vector<std::string>& ReplCommands() {
  static const std::vector<std::string> kWords = {":help",  ":format", ":timing", ":open",
                                                  ":stats", ":save",   ":dot",    ":quit"};
  return kWords;
}

Completer::Completer(Source names, Source predicates)
    : names_source_(std::move(names)), predicates_source_(std::move(predicates)) {}

void Completer::Reset() {
  loaded_ = false;
  names_.clear();
  predicates_.clear();
}

void Completer::Load() {
  if (loaded_) return;
  loaded_ = true;
  std::set<std::string> seen;
  if (names_source_) {
    for (std::string& n : names_source_()) {
      if (n.empty() || !seen.insert(n).second) continue;
      names_.push_back({TermKey(n), std::move(n)});
    }
  }
  // Stable: among spellings of one key the source's order (canonical names
  // before aliases) decides which is offered.
  std::stable_sort(names_.begin(), names_.end(),
                   [](const Entry& a, const Entry& b) { return a.key < b.key; });
  if (predicates_source_) predicates_ = predicates_source_();
  std::sort(predicates_.begin(), predicates_.end());
  predicates_.erase(std::unique(predicates_.begin(), predicates_.end()), predicates_.end());
}

std::vector<std::string> Completer::MatchNames(std::string_view prefix) {
  Load();
  std::string key = TermKey(prefix);
  // TermKey trims: "Merida " must still only match names with a word after.
  if (!prefix.empty() && absl::ascii_isspace(static_cast<unsigned char>(prefix.back())) &&
      !key.empty()) {
    key.push_back(' ');
  }
  std::vector<std::string> out;
  auto it = std::lower_bound(names_.begin(), names_.end(), key,
                             [](const Entry& e, const std::string& k) { return e.key < k; });
  constexpr size_t kMaxCandidates = 200;
  const absl::string_view typed(prefix.data(), prefix.size());
  for (; it != names_.end() && absl::StartsWith(it->key, key); ++it) {
    // Spellings of one key ("Mérida Initiative", "Merida Initiative") are
    // one candidate: the one that continues what was typed, else the first.
    if (it != names_.begin() && std::prev(it)->key == it->key && !out.empty()) {
      if (!absl::StartsWith(out.back(), typed) && absl::StartsWith(it->text, typed)) {
        out.back() = it->text;
      }
      continue;
    }
    if (out.size() == kMaxCandidates) break;
    out.push_back(it->text);
  }
  return out;
}

const char* Completer::WordBreaks(std::string_view before_cursor) {
  return Analyse(before_cursor).in_quote ? "\"" : " \t\n\",()";
}

Completion Completer::Complete(std::string_view before_cursor) {
  Completion result;
  Context c = Analyse(before_cursor);
  result.start = c.word_start;
  std::string_view word = before_cursor.substr(std::min(c.word_start, before_cursor.size()));
  if (c.in_quote) {
    result.in_quote = true;
    result.candidates = MatchNames(word);
    return result;
  }
  if (c.words.empty()) {
    if (!word.empty() && word.front() == ':') {
      result.candidates = Filter(ReplCommands(), word);
    } else {
      result.candidates = Filter(QueryCommands(), word);
    }
    return result;
  }
  const std::string& first = c.words.front();
  const std::string& last = c.words.back();
  if (first == ":format" && c.words.size() == 1) {
    result.candidates = Filter({"table", "json", "dot"}, word);
  } else if (first == ":timing" && c.words.size() == 1) {
    result.candidates = Filter({"on", "off"}, word);
  } else if (first == ":dot" && c.words.size() == 2) {
    result.candidates = Filter({"svg", "png", "pdf"}, word);
  } else if (first == ":open" || first == ":save" || first == ":dot") {
    result.files = true;
  } else if (first[0] == ':') {
    // no arguments
  } else if (first == "explain" && c.words.size() == 1) {
    result.candidates = Filter(QueryCommands(), word);
  } else if (last == "type" || (last == "," && ListKeyword(c.words) == "type")) {
    result.candidates = Filter(TypeWords(), word);
  } else if (last == "by") {
    result.candidates = Filter(RankWords(), word);
  } else if (last == "predicate" || (last == "," && ListKeyword(c.words) == "predicate")) {
    Load();
    result.candidates = Filter(predicates_, word);
  } else if (std::find(c.words.begin(), c.words.end(), "match") != c.words.end()) {
    // match patterns: subject predicate object {, subject predicate object}
    int terms = 0;
    for (auto it = c.words.rbegin(); it != c.words.rend(); ++it) {
      if (*it == "," || *it == "match") break;
      ++terms;
    }
    if (terms == 1) {
      Load();
      result.candidates = Filter(predicates_, word);
    } else if (terms >= 3) {
      result.candidates = Filter(OptionKeywords(), word);
    }
  } else {
    result.candidates = Filter(OptionKeywords(), word);
  }
  return result;
}

}  // namespace kg::cli
