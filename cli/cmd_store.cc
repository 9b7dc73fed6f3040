// kg forget / stats / check: commands on the store itself.

#include <ostream>
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "cli/stats.h"
#include "cli/terminal.h"

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
      err << style.Red("kg:") << " " << arg << ": " << s.message() << "\n";
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

int RunExport(const Args& args, std::ostream& /*out*/, std::ostream& err) {
  // storage/export.h is not there yet; the command is listed so that its
  // flags and help are settled.
  return Fail(args, err, absl::UnimplementedError("export is not available in this build yet"));
}

}  // namespace kg::cli
