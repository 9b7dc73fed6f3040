#ifndef KG_CLI_TERMINAL_H_
#define KG_CLI_TERMINAL_H_

// Terminal facts and ANSI styling. Colour is used only when the stream is a
// terminal, NO_COLOR (https://no-color.org) is unset or empty, TERM is not
// "dumb", and --no-color was not given.

#include <string>
#include <string_view>

namespace kg::cli {

bool IsTerminal(int fd);
bool ColorAllowed(int fd, bool no_color_flag);

// Rows and columns of the terminal on `fd`; 0 when unknown.
int TerminalRows(int fd);
int TerminalColumns(int fd);

// Wraps text in ANSI escapes when enabled; passes it through otherwise.
class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  std::string Bold(std::string_view s) const { return Wrap("1", s); }
  std::string Dim(std::string_view s) const { return Wrap("2", s); }
  std::string Red(std::string_view s) const { return Wrap("31", s); }
  std::string Green(std::string_view s) const { return Wrap("32", s); }
  std::string Yellow(std::string_view s) const { return Wrap("33", s); }
  std::string Cyan(std::string_view s) const { return Wrap("36", s); }

 private:
  std::string Wrap(const char* code, std::string_view s) const;
  bool enabled_;
};

}  // namespace kg::cli

#endif  // KG_CLI_TERMINAL_H_
