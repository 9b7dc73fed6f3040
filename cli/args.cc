#include "cli/args.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "cli/app.h"

namespace kg::cli {
namespace {

const std::set<std::string>& ValueOptions() {
  static const std::set<std::string> kSet = {"--db",     "--format", "--model", "-o",
                                             "--output", "--render", "--limit", "--from"};
  return kSet;
}

const std::set<std::string>& FlagOptions() {
  static const std::set<std::string> kSet = {"--help", "-h", "--version", "--no-color"};
  return kSet;
}

std::string Canonical(const std::string& option) {
  if (option == "--output") return "-o";
  if (option == "-h") return "--help";
  return option;
}

}  // namespace

const std::string* Args::Find(const std::string& option) const {
  auto it = options.find(option);
  return it == options.end() ? nullptr : &it->second;
}

std::string Args::Get(const std::string& option, const std::string& fallback) const {
  const std::string* v = Find(option);
  return v != nullptr ? *v : fallback;
}

absl::StatusOr<Args> ParseArgs(int argc, char** argv) {
  Args args;
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (only_positional || a.size() < 2 || a[0] != '-') {
      args.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    size_t eq = a.find('=');
    if (eq != std::string::npos && a.rfind("--", 0) == 0) {
      std::string name = a.substr(0, eq);
      if (!ValueOptions().count(name)) return absl::InvalidArgumentError("unknown option " + name);
      args.options[Canonical(name)] = a.substr(eq + 1);
    } else if (ValueOptions().count(a)) {
      if (i + 1 >= argc) return absl::InvalidArgumentError("option " + a + " needs a value");
      args.options[Canonical(a)] = argv[++i];
    } else if (FlagOptions().count(a)) {
      args.flags.insert(Canonical(a));
    } else {
      return absl::InvalidArgumentError("unknown option " + a);
    }
  }
  return args;
}

absl::StatusOr<query::OutputFormat> QueryFormat(const Args& args) {
  const std::string f = args.Get("--format", "table");
  if (f == "table") return query::OutputFormat::kTable;
  if (f == "json") return query::OutputFormat::kJson;
  if (f == "dot") return query::OutputFormat::kDot;
  return absl::InvalidArgumentError("unknown format '" + f + "' (table, json or dot)");
}

absl::StatusOr<int> LimitOption(const Args& args, int fallback) {
  const std::string* v = args.Find("--limit");
  if (v == nullptr) return fallback;
  int n = 0;
  if (!absl::SimpleAtoi(*v, &n) || n < 1) {
    return absl::InvalidArgumentError("--limit needs a positive integer, not '" + *v + "'");
  }
  return n;
}

std::string DbPath(const Args& args) {
  const std::string* db = args.Find("--db");
  return db != nullptr ? *db : DefaultDbPath();
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStoreAt(const std::string& path,
                                                            bool read_only) {
  std::error_code ec;
  if (read_only && !std::filesystem::exists(path, ec)) {
    return absl::FailedPreconditionError("no store at " + path +
                                         " (run `kg ingest` first, or pass --db)");
  }
  storage::StoreOptions options;
  options.read_only = read_only;
  options.create_if_missing = !read_only;
  return storage::Store::Open(path, options);
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const Args& args, bool read_only) {
  return OpenStoreAt(DbPath(args), read_only);
}

}  // namespace kg::cli
