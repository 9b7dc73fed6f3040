#include "tools/load_args.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kg::tools {

absl::StatusOr<LoadArgs> ParseLoadArgs(int argc, const char* const* argv) {
  LoadArgs args;
  // The same default as `kg`: $KG_DB, else ./kg.db.
  const char* env = std::getenv("KG_DB");
  args.db = env != nullptr && *env != '\0' ? env : "kg.db";
  bool only_paths = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_paths || arg.empty() || arg[0] != '-' || arg == "-") {
      args.paths.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_paths = true;
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto take = [&]() -> absl::StatusOr<std::string> {
      if (has_value) return value;
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(name, " needs a value"));
      return std::string(argv[++i]);
    };
    auto take_number = [&](uint64_t min) -> absl::StatusOr<uint64_t> {
      absl::StatusOr<std::string> v = take();
      if (!v.ok()) return v.status();
      uint64_t n = 0;
      if (!absl::SimpleAtoi(*v, &n) || n < min) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " needs an integer >= ", min, ", got '", *v, "'"));
      }
      return n;
    };
    if (name == "--help" || name == "-h") {
      args.help = true;
    } else if (name == "--db") {
      absl::StatusOr<std::string> v = take();
      if (!v.ok()) return v.status();
      args.db = *v;
    } else if (name == "--threads" || name == "-j") {
      absl::StatusOr<uint64_t> n = take_number(1);
      if (!n.ok()) return n.status();
      if (*n > 256) return absl::InvalidArgumentError("--threads must be at most 256");
      args.options.threads = static_cast<int>(*n);
    } else if (name == "--format") {
      absl::StatusOr<std::string> v = take();
      if (!v.ok()) return v.status();
      absl::StatusOr<InputFormat> f = ParseInputFormat(*v);
      if (!f.ok()) return f.status();
      args.options.read.format = *f;
    } else if (name == "--strict") {
      args.options.strict = true;
    } else if (name == "--max-doc-bytes") {
      absl::StatusOr<uint64_t> n = take_number(256);
      if (!n.ok()) return n.status();
      args.options.read.max_doc_bytes = *n;
    } else if (name == "--json-summary") {
      absl::StatusOr<std::string> v = take();
      if (!v.ok()) return v.status();
      args.json_summary = *v;
    } else if (name == "--progress-ms") {
      absl::StatusOr<uint64_t> n = take_number(10);
      if (!n.ok()) return n.status();
      args.progress_ms = static_cast<int>(std::min<uint64_t>(*n, 3600000));
    } else if (name == "--doc-bulk") {
      absl::StatusOr<std::string> v = take();
      if (!v.ok()) return v.status();
      if (*v == "auto") {
        args.options.doc_bulk = LoadOptions::DocBulk::kAuto;
      } else if (*v == "on") {
        args.options.doc_bulk = LoadOptions::DocBulk::kOn;
      } else if (*v == "off") {
        args.options.doc_bulk = LoadOptions::DocBulk::kOff;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("--doc-bulk needs auto, on or off, got '", *v, "'"));
      }
    } else if (name == "--doc-bulk-chunk") {
      absl::StatusOr<uint64_t> n = take_number(1024);
      if (!n.ok()) return n.status();
      args.options.doc_bulk_chunk_bytes = *n;
    } else if (name == "--quiet" || name == "-q") {
      args.quiet = true;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", name));
    }
  }
  if (!args.help && args.paths.empty()) {
    return absl::InvalidArgumentError("no PATH given: name files, directories or patterns to load");
  }
  return args;
}

}  // namespace kg::tools
