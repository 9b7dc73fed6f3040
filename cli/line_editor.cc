#include "cli/line_editor.h"

#include <langinfo.h>
#include <signal.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>
#include <vector>

#ifdef KG_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

#include "cli/terminal.h"

namespace kg::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
void OnInterrupt(int) { g_interrupted = 1; }

constexpr int kHistorySize = 2000;

#ifdef KG_HAVE_LIBEDIT
Completer* g_completer = nullptr;
std::string g_breaks;

std::string g_prompt;

// Display width of UTF-8 text, counting one column per code point.
size_t Columns(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The line up to the cursor. libedit's rl_point counts characters, not bytes.
std::string_view BeforeCursor() {
  std::string_view line(rl_line_buffer);
  size_t bytes = 0;
  for (int chars = 0; chars < rl_point && bytes < line.size(); ++chars) {
    ++bytes;
    while (bytes < line.size() && (static_cast<unsigned char>(line[bytes]) & 0xC0) == 0x80) ++bytes;
  }
  return line.substr(0, bytes);
}

// Tab. libedit's own binding decides the word to complete before the line
// state is up to date, so a quoted name with spaces would be cut at the last
// space. Bound with rl_add_defun, this runs after libedit has refreshed
// rl_line_buffer / rl_point: it picks the word breaks for the line (inside an
// open quote only '"'), completes, then redraws the edited line in place.
int CompleteKey(int /*count*/, int key) {
  std::string_view before = BeforeCursor();
  g_breaks = Completer::WordBreaks(before);
  rl_basic_word_break_characters = g_breaks.c_str();
  const int width = TerminalColumns(fileno(rl_outstream != nullptr ? rl_outstream : stdout));
  const size_t row = width > 0 ? (Columns(g_prompt) + Columns(before)) / width : 0;
  int r = rl_complete(0, key);
  FILE* out = rl_outstream != nullptr ? rl_outstream : stdout;
  if (row > 0) std::fprintf(out, "\x1b[%zuA", row);
  std::fputs("\r\x1b[J", out);
  std::fflush(out);
  rl_forced_update_display();
  return r;
}

// A malloc'ed, NULL-terminated match array as readline expects: [0] is what
// replaces the word, the rest are listed when there are several.
char** MatchArray(const std::string& replacement, const std::vector<std::string>& list) {
  auto** out = static_cast<char**>(std::malloc((list.size() + 2) * sizeof(char*)));
  size_t n = 0;
  out[n++] = strdup(replacement.c_str());
  // libedit treats [x, x] (not [x]) as the one exact match that gets the
  // closing character appended.
  for (const std::string& c : list) out[n++] = strdup(c.c_str());
  out[n] = nullptr;
  return out;
}

// The common beginning of the candidates, cut at a UTF-8 boundary; the typed
// word itself when that would be shorter (matching ignores case and accents,
// so "Mer" may match "Mérida" and "Merrick": keep what was typed).
std::string Replacement(const std::string& typed, const std::vector<std::string>& candidates) {
  std::string common = candidates.front();
  for (const std::string& c : candidates) {
    size_t i = 0;
    while (i < common.size() && i < c.size() && common[i] == c[i]) ++i;
    common.resize(i);
  }
  // Drop a multi-byte character cut in the middle.
  size_t lead = common.size();
  while (lead > 0 && (static_cast<unsigned char>(common[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead > 0) {
    const auto b = static_cast<unsigned char>(common[lead - 1]);
    const size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (common.size() - (lead - 1) < need) common.resize(lead - 1);
  }
  return common.size() >= typed.size() ? common : typed;
}

char** CompleteLine(const char* text, int /*start*/, int /*end*/) {
  if (g_completer == nullptr) {
    rl_attempted_completion_over = 1;
    return nullptr;
  }
  Completion c = g_completer->Complete(BeforeCursor());
  if (c.files) return nullptr;  // libedit's file name completion
  rl_attempted_completion_over = 1;
  // libedit counts `start` in characters, the completer in bytes: compare
  // the words themselves.
  std::string_view before = BeforeCursor();
  if (c.candidates.empty() || c.start > before.size() || before.substr(c.start) != text) {
    return nullptr;
  }
  rl_completion_append_character = c.in_quote ? '"' : ' ';
  if (c.candidates.size() == 1) return MatchArray(c.candidates.front(), c.candidates);
  return MatchArray(Replacement(text, c.candidates), c.candidates);
}
#endif

}  // namespace

std::string LineEditor::DefaultHistoryPath() {
  const char* explicit_path = std::getenv("KG_HISTORY");
  if (explicit_path != nullptr) return explicit_path;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.kg_history";
}

LineEditor::LineEditor(std::string history_path, Completer* completer)
    : history_path_(std::move(history_path)) {
  // Ctrl-C must never end the session, also between two reads: libedit
  // passes an interrupt on with kill(0, SIGINT), which another thread may
  // take after ReadLine has put back the previous handler. With the default
  // action there, the REPL died now and then on Ctrl-C at the prompt.
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &outer_sigint_);
#ifdef KG_HAVE_LIBEDIT
  // libedit converts the line to wide characters with the C library: in the
  // default "C" locale accented names could be neither typed nor completed.
  std::setlocale(LC_CTYPE, "");
  if (std::string_view(nl_langinfo(CODESET)) != "UTF-8") std::setlocale(LC_CTYPE, "C.UTF-8");
  g_completer = completer;
  rl_readline_name = "kg";
  rl_initialize();
  using_history();
  stifle_history(kHistorySize);
  if (!history_path_.empty()) read_history(history_path_.c_str());
  rl_add_defun("kg-complete", CompleteKey, '\t');
  rl_attempted_completion_function = CompleteLine;
#else
  (void)completer;
#endif
}

LineEditor::~LineEditor() {
  sigaction(SIGINT, &outer_sigint_, nullptr);
#ifdef KG_HAVE_LIBEDIT
  if (!history_path_.empty()) write_history(history_path_.c_str());
  g_completer = nullptr;
#endif
}

LineEditor::Result LineEditor::ReadLine(const std::string& prompt, std::string* line) {
  // Our handler (no SA_RESTART) makes libedit's read fail on Ctrl-C, so
  // readline returns with the flag set instead of the process dying.
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous);
  g_interrupted = 0;
  Result result = Result::kLine;
#ifdef KG_HAVE_LIBEDIT
  g_prompt = prompt;
  errno = 0;
  char* text = readline(prompt.c_str());
  if (text == nullptr) {
    // libedit's own SIGINT handler re-sends the signal to the process group
    // after restoring ours; should that second delivery be lost, the failed
    // read (EINTR) still tells an interrupt from Ctrl-D.
    result = g_interrupted || errno == EINTR ? Result::kInterrupted : Result::kEof;
  } else {
    *line = text;
    free(text);
  }
#else
  std::cout << prompt << std::flush;
  if (!std::getline(std::cin, *line)) {
    result = g_interrupted ? Result::kInterrupted : Result::kEof;
    std::cin.clear();
  }
#endif
  if (result == Result::kInterrupted) std::fputs("^C\n", stdout);
  sigaction(SIGINT, &previous, nullptr);
  return result;
}

void LineEditor::AddHistory(const std::string& entry) {
  if (entry.empty()) return;
#ifdef KG_HAVE_LIBEDIT
  add_history(entry.c_str());
  if (!history_path_.empty()) write_history(history_path_.c_str());
#endif
}

}  // namespace kg::cli
