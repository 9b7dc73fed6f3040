#ifndef KG_TOOLS_DISPATCH_H_
#define KG_TOOLS_DISPATCH_H_

// `kg-bench store ...` runs the sibling program `kg-bench-store ...` (as git
// does with its subcommands), so each benchmark and evaluator is its own
// small program owned by the layer it measures.

namespace kg::tools {

// Executes <dir of argv[0]>/<prefix>-<argv[1]> with the remaining arguments.
// Returns only on failure, with the exit status to use.
int DispatchToSibling(const char* prefix, int argc, char** argv);

}  // namespace kg::tools

#endif  // KG_TOOLS_DISPATCH_H_
