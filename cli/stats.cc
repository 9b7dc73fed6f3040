#include "cli/stats.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/terminal.h"
#include "nlohmann/json.hpp"
#include "proto/status_macros.h"

namespace kg::cli {

absl::StatusOr<StoreSummary> Summarise(storage::Store& store, const std::string& path,
                                       int max_documents) {
  StoreSummary s;
  s.path = path;
  ASSIGN_OR_RETURN(s.totals, store.Stats());
  RETURN_IF_ERROR(store.ForEachEntity([&](const Entity& e) {
    std::string type = EntityType_Name(e.type());
    if (e.type() == ENTITY_TYPE_UNSPECIFIED) type = "unspecified";
    ++s.entities_by_type[absl::AsciiStrToLower(type)];
    return true;
  }));
  RETURN_IF_ERROR(store.ForEachFact([&](const Fact& f) {
    ++s.facts_by_predicate[f.predicate()];
    if (f.flags() & CO_MENTION) ++s.co_mention_facts;
    if (f.flags() & IMPORTED) ++s.imported_facts;
    return true;
  }));
  RETURN_IF_ERROR(store.ForEachDocument([&](const Document& d) {
    if (static_cast<int>(s.documents.size()) >= max_documents) return false;
    s.documents.push_back(d);
    return true;
  }));
  return s;
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  return u == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.1f %s", v, units[u]);
}

std::string FormatSummary(const StoreSummary& s, int limit, bool color) {
  Style style(color);
  std::string out;
  absl::StrAppend(&out, style.Bold("store"), "      ", s.path, " (",
                  HumanBytes(s.totals.disk_bytes), " on disk)\n");
  absl::StrAppend(
      &out,
      absl::StrFormat("documents  %d\nentities   %d\nfacts      %d\nevidence   %d\n",
                      s.totals.documents, s.totals.entities, s.totals.facts, s.totals.evidence));
  if (!s.entities_by_type.empty()) {
    absl::StrAppend(&out, "\n", style.Bold("entities by type"), "\n");
    std::vector<std::pair<uint64_t, std::string>> rows;
    for (const auto& [type, n] : s.entities_by_type) rows.push_back({n, type});
    std::sort(rows.rbegin(), rows.rend());
    for (const auto& [n, type] : rows)
      absl::StrAppend(&out, absl::StrFormat("  %-14s %8d\n", type, n));
  }
  if (!s.facts_by_predicate.empty()) {
    absl::StrAppend(&out, "\n", style.Bold("facts by predicate"));
    absl::StrAppend(&out, absl::StrFormat(" (%d co-mention, %d imported)\n", s.co_mention_facts,
                                          s.imported_facts));
    std::vector<std::pair<uint64_t, std::string>> rows;
    for (const auto& [p, n] : s.facts_by_predicate) rows.push_back({n, p});
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    int shown = 0;
    for (const auto& [n, p] : rows) {
      if (shown++ == limit) {
        absl::StrAppend(&out, "  ... ", rows.size() - limit, " more predicates (--limit)\n");
        break;
      }
      absl::StrAppend(&out, absl::StrFormat("  %-24s %8d\n", p, n));
    }
  }
  if (!s.documents.empty()) {
    absl::StrAppend(&out, "\n", style.Bold("documents"), "\n");
    for (const Document& d : s.documents) {
      std::string title = d.title().empty() ? d.source() : d.title();
      absl::StrAppend(&out, "  ", d.date().empty() ? "----------" : d.date(), "  ", title, "  ",
                      style.Dim(absl::StrCat(d.sentences(), " sentences, ", HumanBytes(d.size()),
                                             ", ", d.id())),
                      "\n");
    }
    if (s.totals.documents > s.documents.size()) {
      absl::StrAppend(&out, "  ... ", s.totals.documents - s.documents.size(),
                      " more documents (--limit)\n");
    }
  }
  return out;
}

std::string FormatSummaryJson(const StoreSummary& s) {
  nlohmann::json j;
  j["store"] = s.path;
  j["disk_bytes"] = s.totals.disk_bytes;
  j["documents"] = s.totals.documents;
  j["entities"] = s.totals.entities;
  j["facts"] = s.totals.facts;
  j["evidence"] = s.totals.evidence;
  j["entities_by_type"] = s.entities_by_type;
  j["facts_by_predicate"] = s.facts_by_predicate;
  j["co_mention_facts"] = s.co_mention_facts;
  j["imported_facts"] = s.imported_facts;
  nlohmann::json docs = nlohmann::json::array();
  for (const Document& d : s.documents) {
    docs.push_back({{"id", d.id()},
                    {"title", d.title()},
                    {"date", d.date()},
                    {"size", d.size()},
                    {"sentences", d.sentences()}});
  }
  j["document_list"] = docs;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kg::cli
