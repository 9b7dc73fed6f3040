#include "cli/line_editor.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#ifdef KG_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

namespace kg::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
void OnInterrupt(int) { g_interrupted = 1; }

constexpr int kHistorySize = 2000;

#ifdef KG_HAVE_LIBEDIT
Completer* g_completer = nullptr;
std::vector<std::string> g_candidates;
size_t g_next = 0;
std::string g_breaks;

// libedit reads rl_basic_word_break_characters after this hook runs, so the
// hook can make a quoted name with spaces one word.
char* WordBreakHook() {
  g_breaks = Completer::WordBreaks(std::string_view(rl_line_buffer, rl_point));
  rl_basic_word_break_characters = g_breaks.c_str();
  return nullptr;
}

char* NextCandidate(const char* /*text*/, int state) {
  if (state == 0) g_next = 0;
  if (g_next >= g_candidates.size()) return nullptr;
  return strdup(g_candidates[g_next++].c_str());
}

char** CompleteLine(const char* text, int start, int /*end*/) {
  if (g_completer == nullptr) {
    rl_attempted_completion_over = 1;
    return nullptr;
  }
  Completion c = g_completer->Complete(std::string_view(rl_line_buffer, rl_point));
  if (c.files) return nullptr;  // libedit's file name completion
  rl_attempted_completion_over = 1;
  if (static_cast<size_t>(start) != c.start || c.candidates.empty()) return nullptr;
  g_candidates = std::move(c.candidates);
  rl_completion_append_character = c.in_quote ? '"' : ' ';
  return rl_completion_matches(text, NextCandidate);
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
#ifdef KG_HAVE_LIBEDIT
  g_completer = completer;
  rl_readline_name = "kg";
  rl_initialize();
  using_history();
  stifle_history(kHistorySize);
  if (!history_path_.empty()) read_history(history_path_.c_str());
  rl_completion_word_break_hook = WordBreakHook;
  rl_attempted_completion_function = CompleteLine;
#else
  (void)completer;
#endif
}

LineEditor::~LineEditor() {
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
  char* text = readline(prompt.c_str());
  if (text == nullptr) {
    result = g_interrupted ? Result::kInterrupted : Result::kEof;
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
