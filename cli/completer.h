#ifndef KG_CLI_COMPLETER_H_
#define KG_CLI_COMPLETER_H_

// Tab completion for the REPL, independent of the line editor. Given the
// text before the cursor it decides what is being typed and offers:
//  - at the start of a line: query keywords and REPL commands (":help", ...);
//  - inside an open double quote: entity names and aliases, matched
//    case- and accent-insensitively (kg::TermKey) on their beginning;
//  - after `predicate`, or between the terms of a `match` pattern: predicates;
//  - after `type`: entity types; after `by`: rankings; after `:format`: formats;
//  - elsewhere: the option keywords of the query language.
// Names and predicates come from a source called the first time they are
// needed, so starting the REPL on a large store costs nothing.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::cli {

struct Completion {
  size_t start = 0;                     // byte offset in the line where the word begins
  std::vector<std::string> candidates;  // full replacements for line[start, cursor)
  bool in_quote = false;                // a name: a unique match closes the quote
  bool files = false;                   // a file name is expected (":open", ":save")
};

class Completer {
 public:
  using Source = std::function<std::vector<std::string>()>;

  // `names`: entity names and aliases; `predicates`: predicate names.
  Completer(Source names, Source predicates);

  Completion Complete(std::string_view before_cursor);

  // Forgets loaded names and predicates (after `:open` or new data).
  void Reset();

  // Word breaks the line editor should use for this line: inside an open
  // quote only '"' (names contain spaces), else whitespace and punctuation.
  static const char* WordBreaks(std::string_view before_cursor);

 private:
  struct Entry {
    std::string key;  // TermKey, sorted
    std::string text;
  };
  void Load();
  std::vector<std::string> MatchNames(std::string_view prefix);

  Source names_source_;
  Source predicates_source_;
  bool loaded_ = false;
  std::vector<Entry> names_;
  std::vector<std::string> predicates_;
};

// Query keywords and REPL commands (also used by :help).
const std::vector<std::string>& QueryCommands();
const std::vector<std::string>& ReplCommands();

}  // namespace kg::cli

#endif  // KG_CLI_COMPLETER_H_
