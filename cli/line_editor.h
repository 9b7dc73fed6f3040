#ifndef KG_CLI_LINE_EDITOR_H_
#define KG_CLI_LINE_EDITOR_H_

// Interactive line input for the REPL on Debian's libedit (readline
// emulation): Emacs-style editing, persistent history, Ctrl-R incremental
// search, and tab completion through a Completer. Ctrl-C abandons the line
// being typed (kInterrupted); Ctrl-D on an empty line ends input (kEof).
// libedit keeps global state, so only one LineEditor may exist at a time.
// Without libedit, lines are read from stdin with no editing.

#include <signal.h>

#include <string>

#include "cli/completer.h"

namespace kg::cli {

class LineEditor {
 public:
  enum class Result { kLine, kInterrupted, kEof };

  // `history_path` "" keeps history for this session only. `completer` may be
  // null (no completion) and must outlive the editor.
  LineEditor(std::string history_path, Completer* completer);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  Result ReadLine(const std::string& prompt, std::string* line);

  // Adds an entry to the history and saves the history file.
  void AddHistory(const std::string& entry);

  // $KG_HISTORY if set, else $HOME/.kg_history, else "".
  static std::string DefaultHistoryPath();

 private:
  std::string history_path_;
  struct sigaction outer_sigint_ {};  // SIGINT's action before the editor, put back after
};

}  // namespace kg::cli

#endif  // KG_CLI_LINE_EDITOR_H_
