#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace kg::cli {

bool IsTerminal(int fd) { return isatty(fd) == 1; }

bool ColorAllowed(int fd, bool no_color_flag) {
  if (no_color_flag || !IsTerminal(fd)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

int TerminalRows(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_row;
}

int TerminalColumns(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

std::string Style::Wrap(const char* code, std::string_view s) const {
  if (!enabled_) return std::string(s);
  std::string out = "\x1b[";
  out += code;
  out += 'm';
  out.append(s);
  out += "\x1b[0m";
  return out;
}

}  // namespace kg::cli
