// kg forget / stats / check: commands on the store itself.

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "cli/stats.h"
#include "cli/terminal.h"
#include "storage/export.h"

namespace kg::cli {

int RunForget(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) return UsageError(args, err, "forget needs at least one DOC");
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/false);
  if (!store.ok()) return Fail(args, err, store.status());
  int status = kExitOk;
  for (size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& arg = args.positional[i];
    // A document is named by its id (the absolute path it was read from) or
    // by any path that resolves to it.
    absl::Status s = (*store)->ForgetDocument(arg);
    if (absl::IsNotFound(s)) s = (*store)->ForgetDocument(DocumentIdForPath(arg));
    if (!s.ok()) {
      Style style(args.color_err);
      err << style.Red("kg:") << " " << Printable(arg) << ": " << Printable(s.message()) << "\n";
      status = std::max(status, ExitCodeFor(s));
      continue;
    }
    out << "forgot " << arg << "\n";
  }
  return status;
}

int RunStats(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) return UsageError(args, err, "stats takes no operands");
  const std::string format = args.Get("--format", "table");
  if (format != "table" && format != "json") {
    return UsageError(args, err, "unknown format '" + format + "' (table or json)");
  }
  absl::StatusOr<int> limit = LimitOption(args, 20);
  if (!limit.ok()) return UsageError(args, err, std::string(limit.status().message()));
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/true);
  if (!store.ok()) return Fail(args, err, store.status());
  absl::StatusOr<StoreSummary> summary = Summarise(**store, DbPath(args), *limit);
  if (!summary.ok()) return Fail(args, err, summary.status());
  std::string text = format == "json" ? FormatSummaryJson(*summary)
                                      : FormatSummary(*summary, *limit, args.color_out);
  absl::Status written = WriteOutput(args, text, out);
  return written.ok() ? kExitOk : Fail(args, err, written);
}

int RunCheck(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) return UsageError(args, err, "check takes no operands");
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/true);
  if (!store.ok()) return Fail(args, err, store.status());
  absl::StatusOr<storage::CheckReport> report = (*store)->Check();
  if (!report.ok()) return Fail(args, err, report.status());
  Style style(args.color_out);
  out << "checked " << report->documents << " documents, " << report->entities << " entities, "
      << report->facts << " facts, " << report->evidence << " evidence\n";
  if (report->ok()) {
    out << style.Green("ok") << ": no problems found\n";
    return kExitOk;
  }
  for (const std::string& p : report->problems) out << "  " << p << "\n";
  if (report->problem_count > report->problems.size()) {
    out << "  ... " << report->problem_count - report->problems.size() << " more\n";
  }
  out << style.Red("damaged") << ": " << report->problem_count << " problem(s) found\n";
  return kExitStore;
}

int RunExport(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) return UsageError(args, err, "export takes no operands");
  const std::string format = args.Get("--format", "jsonl");
  if (format != "jsonl" && format != "ntriples" && format != "csv") {
    return UsageError(args, err, "unknown format '" + format + "' (jsonl, ntriples or csv)");
  }
  const std::string output = args.Get("-o", "");
  if (format == "csv" && (output.empty() || output == "-")) {
    return UsageError(args, err, "--format csv writes nodes.csv and edges.csv: give -o DIR");
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/true);
  if (!store.ok()) return Fail(args, err, store.status());
  absl::Status s;
  if (format == "csv") {
    std::error_code ec;
    std::filesystem::create_directories(output, ec);
    if (ec) return Fail(args, err, absl::PermissionDeniedError("cannot create " + output));
    s = storage::ExportCsv(**store, output + "/nodes.csv", output + "/edges.csv");
  } else {
    std::ofstream file;
    std::ostream* sink = &out;
    if (!output.empty() && output != "-") {
      file.open(output, std::ios::binary | std::ios::trunc);
      if (!file) return Fail(args, err, absl::PermissionDeniedError("cannot write " + output));
      sink = &file;
    }
    s = format == "jsonl" ? storage::ExportJsonl(**store, *sink)
                          : storage::ExportNTriples(**store, *sink);
    if (s.ok() && !*sink)
      s = absl::DataLossError("write error on " + (output.empty() ? "standard output" : output));
  }
  return s.ok() ? kExitOk : Fail(args, err, s);
}

int RunImport(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) return UsageError(args, err, "import needs at least one FILE");
  const std::string* forced = args.Find("--format");
  if (forced != nullptr && *forced != "jsonl" && *forced != "ntriples") {
    return UsageError(args, err, "unknown format '" + *forced + "' (jsonl or ntriples)");
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/false);
  if (!store.ok()) return Fail(args, err, store.status());
  int status = kExitOk;
  for (size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& path = args.positional[i];
    std::string format = forced != nullptr ? *forced : "";
    if (format.empty()) {
      std::string ext = std::filesystem::path(path).extension().string();
      format = ext == ".nt" || ext == ".ntriples" ? "ntriples" : "jsonl";
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      Fail(args, err, absl::NotFoundError(path + ": cannot read"));
      status = std::max(status, kExitFailed);
      continue;
    }
    absl::StatusOr<storage::ImportResult> r = format == "jsonl"
                                                  ? storage::ImportJsonl(**store, in, path)
                                                  : storage::ImportNTriples(**store, in, path);
    if (!r.ok()) {
      Fail(args, err, r.status());
      status = std::max(status, kExitFailed);
      continue;
    }
    out << "imported " << path << ": " << r->documents << " document(s), " << r->triples
        << " triple(s)";
    if (r->unmerges > 0) out << ", " << r->unmerges << " unmerge(s)";
    out << "\n";
  }
  return status;
}

}  // namespace kg::cli
