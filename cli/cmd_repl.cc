// kg repl

#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/line_editor.h"
#include "cli/repl.h"
#include "cli/terminal.h"

namespace kg::cli {

int RunRepl(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() > 1) {
    return UsageError(args, err, "repl takes no operands (queries come from standard input)");
  }
  absl::StatusOr<query::OutputFormat> format = QueryFormat(args);
  if (!format.ok()) return UsageError(args, err, std::string(format.status().message()));
  absl::StatusOr<int> limit = LimitOption(args, 60);
  if (!limit.ok()) return UsageError(args, err, std::string(limit.status().message()));
  ReplOptions options;
  options.db_path = DbPath(args);
  options.format = *format;
  options.draw_limit = *limit;
  // The line editor works on the process's terminal, so interactive mode
  // needs both ends of it (and the real standard streams).
  options.interactive = &out == &std::cout && IsTerminal(STDIN_FILENO) && IsTerminal(STDOUT_FILENO);
  options.color = options.interactive && args.color_out;
  if (options.interactive) options.history_path = LineEditor::DefaultHistoryPath();
  return RunReplSession(options, std::cin, out, err);
}

}  // namespace kg::cli
