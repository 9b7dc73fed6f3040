#include "cli/query_input.h"

#include "absl/strings/ascii.h"

namespace kg::cli {
namespace {

struct Scan {
  bool in_quote = false;
  int depth = 0;
  bool trailing_backslash = false;
};

Scan ScanText(std::string_view text) {
  Scan s;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (s.in_quote) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        s.in_quote = false;
      }
      continue;
    }
    if (c == '"') {
      s.in_quote = true;
    } else if (c == '(' || c == '[' || c == '{') {
      ++s.depth;
    } else if ((c == ')' || c == ']' || c == '}') && s.depth > 0) {
      --s.depth;
    }
  }
  std::string_view trimmed = text;
  while (!trimmed.empty() && absl::ascii_isspace(static_cast<unsigned char>(trimmed.back()))) {
    trimmed.remove_suffix(1);
  }
  s.trailing_backslash = !s.in_quote && !trimmed.empty() && trimmed.back() == '\\';
  return s;
}

}  // namespace

bool NeedsMoreInput(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && absl::ascii_isspace(static_cast<unsigned char>(t.front())))
    t.remove_prefix(1);
  if (t.empty() || t.front() == ':') return false;
  Scan s = ScanText(text);
  return s.in_quote || s.depth > 0 || s.trailing_backslash;
}

bool HasTrailingBackslash(std::string_view text) { return ScanText(text).trailing_backslash; }

void AppendLine(std::string_view line, std::string* query) {
  if (!query->empty()) {
    // Drop a continuation backslash (and the spaces around it).
    while (!query->empty() && absl::ascii_isspace(static_cast<unsigned char>(query->back()))) {
      query->pop_back();
    }
    if (!query->empty() && query->back() == '\\' && !ScanText(*query).in_quote) query->pop_back();
    while (!query->empty() && absl::ascii_isspace(static_cast<unsigned char>(query->back()))) {
      query->pop_back();
    }
    query->push_back(' ');
    while (!line.empty() && absl::ascii_isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
  }
  query->append(line);
}

}  // namespace kg::cli
