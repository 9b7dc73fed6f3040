#include "cli/app.h"

#include <cstdlib>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/ingest.h"
#include "core/extractor.h"
#include "proto/status_macros.h"
#include "query/engine.h"
#include "storage/store.h"

namespace kg::cli {
namespace {

constexpr char kUsage[] = R"(usage: kg [--db DIR] COMMAND [ARGS...]

commands:
  ingest PATH...            extract facts from text files (directories recursively)
  query 'QUERY'             answer a query, e.g. 'connect "Merida Initiative" and "arms trafficking"'
  explain 'QUERY'           answer a query with the evidence sentences behind every hop
  entity NAME               canonical name, type, aliases, mentions and documents
  forget DOC                remove a document's evidence (facts it alone supported go too)
  stats                     counts of documents, entities, facts and evidence

options:
  --db DIR                  the store (default: $KG_DB, else ./kg.db)
  --format table|json|dot   output format of query results (default: table)
  --model FILE              language model for ingest (default: models/en.kgm)
  --help                    this text

exit status: 0 ok, 1 some input failed, 2 usage or query error, 3 store unusable
)";

// Parsed command line: options may appear anywhere after the program name.
struct Args {
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
  std::vector<std::string> positional;
};

const std::set<std::string>& ValueOptions() {
  static const std::set<std::string> kSet = {"--db", "--format", "--model", "-o", "--output"};
  return kSet;
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
    std::string value;
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      if (!ValueOptions().count(a)) return absl::InvalidArgumentError("unknown option " + a);
      args.options[a] = value;
    } else if (ValueOptions().count(a)) {
      if (i + 1 >= argc) return absl::InvalidArgumentError("option " + a + " needs a value");
      args.options[a] = argv[++i];
    } else if (a == "--help" || a == "-h" || a == "--version" || a == "--no-color") {
      args.flags.insert(a == "-h" ? "--help" : a);
    } else {
      return absl::InvalidArgumentError("unknown option " + a);
    }
  }
  return args;
}

absl::StatusOr<query::OutputFormat> ParseFormat(const Args& args) {
  auto it = args.options.find("--format");
  if (it == args.options.end() || it->second == "table") return query::OutputFormat::kTable;
  if (it->second == "json") return query::OutputFormat::kJson;
  if (it->second == "dot") return query::OutputFormat::kDot;
  return absl::InvalidArgumentError("unknown format '" + it->second + "' (table, json or dot)");
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const Args& args, bool read_only) {
  auto it = args.options.find("--db");
  std::string path = it != args.options.end() ? it->second : DefaultDbPath();
  storage::StoreOptions options;
  options.read_only = read_only;
  options.create_if_missing = !read_only;
  return storage::Store::Open(path, options);
}

int Fail(std::ostream& err, const absl::Status& status) {
  err << "kg: " << status.message() << "\n";
  return ExitCodeFor(status);
}

int CmdIngest(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) {
    err << "usage: kg [--db DIR] ingest PATH...\n";
    return kExitUsage;
  }
  core::ExtractorOptions xopts;
  if (auto it = args.options.find("--model"); it != args.options.end()) xopts.model_path = it->second;
  absl::StatusOr<std::unique_ptr<core::Extractor>> extractor = core::Extractor::Create(xopts);
  if (!extractor.ok()) return Fail(err, extractor.status());
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/false);
  if (!store.ok()) return Fail(err, store.status());
  std::vector<std::string> paths(args.positional.begin() + 1, args.positional.end());
  IngestSummary s = IngestFiles(paths, **extractor, **store, err);
  out << "ingested " << s.ingested << " document(s), " << s.unchanged << " unchanged, " << s.failed
      << " failed; " << s.facts << " facts, " << s.entities << " entities written\n";
  return s.failed > 0 ? kExitFailed : kExitOk;
}

int RunQueryText(const Args& args, const std::string& text, std::ostream& out,
                 std::ostream& err) {
  absl::StatusOr<query::OutputFormat> format = ParseFormat(args);
  if (!format.ok()) return Fail(err, format.status());
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/true);
  if (!store.ok()) return Fail(err, store.status());
  query::Engine engine(store->get());
  auto result = engine.Run(text);
  if (!result.ok()) return Fail(err, result.status());
  out << engine.Format(**result, *format);
  return kExitOk;
}

// Quotes a name for the query language.
std::string Quoted(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  return q + "\"";
}

int CmdQuery(const Args& args, const std::string& prefix, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) {
    err << "usage: kg [--db DIR] " << args.positional[0] << " 'QUERY' [--format table|json|dot]\n";
    return kExitUsage;
  }
  std::vector<std::string> rest(args.positional.begin() + 1, args.positional.end());
  return RunQueryText(args, prefix + absl::StrJoin(rest, " "), out, err);
}

int CmdEntity(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 2) {
    err << "usage: kg [--db DIR] entity NAME\n";
    return kExitUsage;
  }
  return RunQueryText(args, "entity " + Quoted(args.positional[1]), out, err);
}

int CmdForget(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) {
    err << "usage: kg [--db DIR] forget DOC...\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/false);
  if (!store.ok()) return Fail(err, store.status());
  int status = kExitOk;
  for (size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& arg = args.positional[i];
    // A document is named by its id (the absolute path it was read from) or
    // by any path that resolves to it.
    absl::Status s = (*store)->ForgetDocument(arg);
    if (absl::IsNotFound(s)) s = (*store)->ForgetDocument(DocumentIdForPath(arg));
    if (!s.ok()) {
      err << "kg: " << arg << ": " << s.message() << "\n";
      status = std::max(status, ExitCodeFor(s));
      continue;
    }
    out << "forgot " << arg << "\n";
  }
  return status;
}

int CmdStats(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/true);
  if (!store.ok()) return Fail(err, store.status());
  absl::StatusOr<storage::StoreStats> stats = (*store)->Stats();
  if (!stats.ok()) return Fail(err, stats.status());
  out << "documents  " << stats->documents << "\n"
      << "entities   " << stats->entities << "\n"
      << "facts      " << stats->facts << "\n"
      << "evidence   " << stats->evidence << "\n"
      << "disk bytes " << stats->disk_bytes << "\n";
  return kExitOk;
}

}  // namespace

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
    err << "kg: " << args.status().message() << "\n" << kUsage;
    return kExitUsage;
  }
  if (args->flags.count("--version")) {
    out << "kg 0.1 (store schema " << storage::kSchemaVersion << ")\n";
    return kExitOk;
  }
  if (args->positional.empty() || args->flags.count("--help")) {
    (args->positional.empty() && !args->flags.count("--help") ? err : out) << kUsage;
    return args->flags.count("--help") ? kExitOk : kExitUsage;
  }
  const std::string& cmd = args->positional[0];
  if (cmd == "ingest") return CmdIngest(*args, out, err);
  if (cmd == "query") return CmdQuery(*args, "", out, err);
  if (cmd == "explain") return CmdQuery(*args, "explain ", out, err);
  if (cmd == "entity") return CmdEntity(*args, out, err);
  if (cmd == "forget") return CmdForget(*args, out, err);
  if (cmd == "stats") return CmdStats(*args, out, err);
  err << "kg: unknown command '" << cmd << "'\n" << kUsage;
  return kExitUsage;
}

}  // namespace kg::cli
