// kg ingest PATH...

#include <ostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "core/extractor.h"

namespace kg::cli {

int RunIngest(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) return UsageError(args, err, "ingest needs at least one PATH");
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/false);
  if (!store.ok()) return Fail(args, err, store.status());
  core::ExtractorOptions xopts;
  if (const std::string* model = args.Find("--model")) xopts.model_path = *model;
  absl::StatusOr<std::vector<core::BlockedMerge>> blocked = StoredUnmerges(**store);
  if (!blocked.ok()) return Fail(args, err, blocked.status());
  xopts.blocked_merges = *blocked;
  absl::StatusOr<std::unique_ptr<core::Extractor>> extractor = core::Extractor::Create(xopts);
  if (!extractor.ok()) return Fail(args, err, extractor.status());
  std::vector<std::string> paths(args.positional.begin() + 1, args.positional.end());
  IngestSummary s = IngestFiles(paths, **extractor, **store, err,
                                core::ResolutionFingerprint(xopts.blocked_merges));
  out << "ingested " << s.ingested << " document(s), " << s.unchanged << " unchanged, " << s.failed
      << " failed; " << s.facts << " facts, " << s.entities << " entities written\n";
  return s.failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace kg::cli
