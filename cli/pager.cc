#include "cli/pager.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "cli/terminal.h"

namespace kg::cli {

void ShowPaged(const std::string& text, std::ostream& out, bool allow_pager) {
  const int rows = TerminalRows(STDOUT_FILENO);
  const long lines = std::count(text.begin(), text.end(), '\n');
  if (!allow_pager || !IsTerminal(STDOUT_FILENO) || rows <= 0 || lines < rows - 1) {
    out << text;
    out.flush();
    return;
  }
  const char* pager = std::getenv("PAGER");
  std::string command = pager != nullptr && *pager != '\0' ? pager : "less -FRX";
  out.flush();
  // Quitting the pager early closes the pipe; that is not an error.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous_int {};
  sigaction(SIGPIPE, &ignore, &previous);
  sigaction(SIGINT, &ignore, &previous_int);  // the pager handles Ctrl-C itself
  FILE* p = popen(command.c_str(), "w");
  if (p == nullptr) {
    out << text;
  } else {
    fwrite(text.data(), 1, text.size(), p);
    pclose(p);
  }
  sigaction(SIGPIPE, &previous, nullptr);
  sigaction(SIGINT, &previous_int, nullptr);
}

}  // namespace kg::cli
