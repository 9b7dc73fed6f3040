#ifndef KG_CLI_DOT_RENDER_H_
#define KG_CLI_DOT_RENDER_H_

// Rendering DOT text to pictures with Graphviz's `dot` program (Debian
// package graphviz), found on $PATH. When it is missing, the error says how
// to install it.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kg::cli {

// True when `dot` is on $PATH.
bool DotAvailable();

// "svg", "png" or "pdf" from `--render` if given, else from the extension of
// `output_path` (".svg", ".png", ".pdf"), else "" (write DOT text).
// InvalidArgumentError for any other --render value.
absl::StatusOr<std::string> RenderFormat(const std::string& render_option,
                                         const std::string& output_path);

// Renders `dot_text` as `format` into `output_path`. Errors: Unimplemented
// when dot is not installed ("apt-get install graphviz"), Internal with
// dot's own message when it rejects the input.
absl::Status RenderDotToFile(const std::string& dot_text, const std::string& format,
                             const std::string& output_path);
absl::StatusOr<std::string> RenderDot(const std::string& dot_text, const std::string& format);

}  // namespace kg::cli

#endif  // KG_CLI_DOT_RENDER_H_
