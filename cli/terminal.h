#ifndef KG_CLI_TERMINAL_H_
#define KG_CLI_TERMINAL_H_

// Terminal facts and ANSI styling. Colour is used only when the stream is a
// terminal, NO_COLOR (https://no-color.org) is unset or empty, TERM is not
// "dumb", and --no-color was not given.

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace kg::cli {

bool IsTerminal(int fd);
bool ColorAllowed(int fd, bool no_color_flag);

// Rows and columns of the terminal on `fd`; 0 when unknown.
int TerminalRows(int fd);
int TerminalColumns(int fd);

// `text` with every control character a terminal would act on (C0 except
// newline and tab, DEL, and the UTF-8-encoded C1 range U+0080..U+009F)
// written as \xNN. Error messages quote names, queries and file names that
// came from users or documents; printed raw, an ESC in one of them could
// recolour or rewrite the user's terminal.
std::string Printable(std::string_view text);
inline std::string Printable(absl::string_view text) {
  return Printable(std::string_view(text.data(), text.size()));
}
inline std::string Printable(const std::string& text) { return Printable(std::string_view(text)); }
inline std::string Printable(const char* text) { return Printable(std::string_view(text)); }

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
