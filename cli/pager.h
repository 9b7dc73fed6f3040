#ifndef KG_CLI_PAGER_H_
#define KG_CLI_PAGER_H_

// Shows long output through a pager ($PAGER, else `less -FRX`) when standard
// output is a terminal and the text is taller than it; otherwise writes the
// text to `out` as is.

#include <iosfwd>
#include <string>

namespace kg::cli {

void ShowPaged(const std::string& text, std::ostream& out, bool allow_pager);

}  // namespace kg::cli

#endif  // KG_CLI_PAGER_H_
