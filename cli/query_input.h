#ifndef KG_CLI_QUERY_INPUT_H_
#define KG_CLI_QUERY_INPUT_H_

// Multi-line query input for the REPL: a query continues onto the next line
// while a double quote or a bracket is open or the line ends with a
// backslash. Continuation lines are joined with one space (a trailing
// backslash is dropped), so the whole query is one line in the history.

#include <string>
#include <string_view>

namespace kg::cli {

// True when `text` needs another line: an unterminated "..." (with \" and
// \\ escapes inside), an unclosed ( [ or { outside quotes, or a trailing
// backslash outside quotes. REPL commands (":...") never continue.
bool NeedsMoreInput(std::string_view text);

// True when `text` ends with a continuation backslash outside quotes: the
// only continuation in script mode, so a stray quote cannot swallow the rest
// of a file.
bool HasTrailingBackslash(std::string_view text);

// Appends `line` to a query being continued.
void AppendLine(std::string_view line, std::string* query);

}  // namespace kg::cli

#endif  // KG_CLI_QUERY_INPUT_H_
