#include "cli/app.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <ostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/terminal.h"
#include "storage/store.h"

namespace kg::cli {

std::string DefaultDbPath() {
  const char* env = std::getenv("KG_DB");
  return env != nullptr && *env != '\0' ? env : "kg.db";
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
      return kExitUsage;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
      return kExitStore;
    default:
      return kExitFailed;
  }
}

int RunKg(int argc, char** argv, std::ostream& out, std::ostream& err) {
  absl::StatusOr<Args> args = ParseArgs(argc, argv);
  if (!args.ok()) {
    err << "kg: " << Printable(args.status().message()) << "\n" << MainUsage();
    return kExitUsage;
  }
  const bool no_color = args->Has("--no-color");
  args->color_out = &out == &std::cout && ColorAllowed(STDOUT_FILENO, no_color);
  args->color_err = &err == &std::cerr && ColorAllowed(STDERR_FILENO, no_color);
  if (args->Has("--version")) {
    out << "kg 0.1 (store schema " << storage::kSchemaVersion << ")\n";
    return kExitOk;
  }
  if (args->positional.empty()) {
    if (args->Has("--help")) {
      out << MainUsage();
      return kExitOk;
    }
    // `kg` alone on a terminal is the REPL.
    if (&out == &std::cout && IsTerminal(STDIN_FILENO) && IsTerminal(STDOUT_FILENO)) {
      args->positional.push_back("repl");
      return RunRepl(*args, out, err);
    }
    err << MainUsage();
    return kExitUsage;
  }
  const std::string& name = args->positional[0];
  if (name == "help") {
    const Command* c = args->positional.size() > 1 ? FindCommand(args->positional[1]) : nullptr;
    out << (c != nullptr ? CommandUsage(*c) : MainUsage());
    return kExitOk;
  }
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    err << "kg: unknown command '" << Printable(name) << "'\n" << MainUsage();
    return kExitUsage;
  }
  if (args->Has("--help")) {
    out << CommandUsage(*command);
    return kExitOk;
  }
  return command->run(*args, out, err);
}

}  // namespace kg::cli
