// kg unmerge ALIAS [--from ENTITY]: undo a wrong entity-resolution merge.
//
// The decision is stored (Store::AddUnmerge) so every later extraction
// honours it, and the documents whose merge ledger joined the alias to the
// entity are extracted again from their sources under the new rule. We
// re-extract rather than move facts between entities because the ledger
// records which rule joined the alias, not which facts came from which
// surface form; extraction is deterministic, so re-reading the document is
// the one way to get exactly the facts it would have had without the merge.

#include <algorithm>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "cli/terminal.h"
#include "core/extractor.h"
#include "proto/term_key.h"
#include "query/engine.h"
#include "query/result.h"

namespace kg::cli {
namespace {

// "U.S." and "US" name the same alias.
std::string Undotted(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '.') out.push_back(c);
  }
  return out;
}

bool SameAlias(const std::string& surface, const std::string& wanted_key) {
  return TermKey(surface) == wanted_key || TermKey(Undotted(surface)) == wanted_key;
}

// The entity a name resolves to, or a NotFound status with the engine's
// closest-name suggestions.
absl::StatusOr<Entity> ResolveName(storage::Store& store, const std::string& name) {
  absl::StatusOr<std::optional<uint64_t>> id = store.LookupTerm(TermKey(name));
  if (!id.ok()) return id.status();
  if (id->has_value()) {
    absl::StatusOr<std::optional<Entity>> e = store.GetEntity(**id);
    if (!e.ok()) return e.status();
    if (e->has_value()) return **e;
  }
  // Let the query engine word the error: it lists the closest names.
  query::Engine engine(&store);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  absl::StatusOr<std::shared_ptr<const query::QueryResult>> r = engine.Run("entity " + quoted);
  if (!r.ok()) return r.status();
  return absl::NotFoundError(absl::StrCat("unknown entity \"", name, "\""));
}

}  // namespace

int RunUnmerge(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 2) {
    return UsageError(args, err, "unmerge takes one ALIAS (quote names with spaces)");
  }
  const std::string& alias = args.positional[1];
  const std::string alias_key = TermKey(alias);
  if (alias_key.empty()) return UsageError(args, err, "the alias is empty");
  absl::StatusOr<std::unique_ptr<storage::Store>> opened = OpenStore(args, /*read_only=*/false);
  if (!opened.ok()) return Fail(args, err, opened.status());
  storage::Store& store = **opened;

  const std::string* from = args.Find("--from");
  absl::StatusOr<Entity> entity = ResolveName(store, from != nullptr ? *from : alias);
  if (!entity.ok()) return Fail(args, err, entity.status());

  // The ledger entries that joined this alias to the entity, and where.
  std::vector<Merge> ledger;
  absl::Status scan = store.ForEachMerge(entity->key(), [&](const Merge& m) {
    ledger.push_back(m);
    return true;
  });
  if (!scan.ok()) return Fail(args, err, scan);
  std::set<std::string> docs;
  std::string surface;
  for (const Merge& m : ledger) {
    if (!SameAlias(m.alias(), alias_key)) continue;
    docs.insert(m.evidence().doc_id());
    if (surface.empty()) surface = m.alias();
  }
  if (docs.empty()) {
    std::vector<std::string> known;
    for (const Merge& m : ledger) known.push_back(absl::StrCat("\"", m.alias(), "\" (", m.rule(), ")"));
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    std::string problem =
        entity->key() == alias_key && from == nullptr
            ? absl::StrCat("\"", alias, "\" is the name of entity \"", entity->name(),
                           "\" itself; name the entity it was wrongly merged into with --from")
            : absl::StrCat("no merge of \"", alias, "\" into \"", entity->name(),
                           "\" is recorded");
    if (!known.empty()) absl::StrAppend(&problem, "; its merged aliases: ", absl::StrJoin(known, ", "));
    Style style(args.color_err);
    err << style.Red("kg:") << " " << Printable(problem) << "\n";
    return kExitUsage;
  }

  Merge decision;
  decision.set_alias(surface);
  decision.set_canonical(entity->key());
  decision.set_rule("unmerge");
  if (absl::Status s = store.AddUnmerge(decision); !s.ok()) return Fail(args, err, s);

  absl::StatusOr<std::vector<core::BlockedMerge>> blocked = StoredUnmerges(store);
  if (!blocked.ok()) return Fail(args, err, blocked.status());
  core::ExtractorOptions xopts;
  if (const std::string* model = args.Find("--model")) xopts.model_path = *model;
  xopts.blocked_merges = *blocked;
  absl::StatusOr<std::unique_ptr<core::Extractor>> extractor = core::Extractor::Create(xopts);
  if (!extractor.ok()) return Fail(args, err, extractor.status());
  const std::string fingerprint = core::ResolutionFingerprint(xopts.blocked_merges);

  int status = kExitOk;
  int redone = 0;
  Style style(args.color_err);
  for (const std::string& doc_id : docs) {
    absl::StatusOr<std::optional<Document>> doc = store.GetDocument(doc_id);
    if (!doc.ok()) return Fail(args, err, doc.status());
    if (!doc->has_value()) continue;  // forgotten since; nothing to redo
    const std::string& source = (*doc)->source();
    // Only a document that is a whole file can be re-read here; one of many
    // documents in a file (kg-load's WikiExtractor or JSON lines input) is
    // redone by loading that file again, which the new fingerprint forces.
    if (source.empty() || DocumentIdForPath(source) != doc_id) {
      err << style.Red("kg:") << " " << doc_id << ": part of " << (source.empty() ? "?" : source)
          << "; run kg-load on it again to apply the unmerge there\n";
      status = kExitFailed;
      continue;
    }
    IngestSummary s = IngestFiles({source}, **extractor, store, err, fingerprint);
    if (s.failed > 0) {
      err << style.Red("kg:") << " " << doc_id
          << ": could not be extracted again; it keeps the old merge until it is ingested again\n";
      status = kExitFailed;
      continue;
    }
    ++redone;
  }
  out << "unmerged \"" << surface << "\" from \"" << entity->name() << "\": " << redone
      << " of " << docs.size() << " document(s) extracted again\n";
  if (absl::StatusOr<std::optional<uint64_t>> now = store.LookupTerm(alias_key);
      now.ok() && now->has_value()) {
    if (absl::StatusOr<std::optional<Entity>> e = store.GetEntity(**now); e.ok() && e->has_value()) {
      out << "\"" << alias << "\" now names \"" << (*e)->name() << "\"\n";
    }
  }
  return status;
}

}  // namespace kg::cli
