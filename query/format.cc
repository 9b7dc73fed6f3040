#include "query/format.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace kg::query {

namespace {

using Json = nlohmann::ordered_json;

size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  }
  return w;
}

// Rows of cells printed with each column padded to its widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.size() == 1; }
  std::string Render(std::string_view indent = "") const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
      if (widths.size() < row.size()) widths.resize(row.size(), 0);
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
    std::string out;
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::string line(indent);
      for (size_t i = 0; i < rows_[r].size(); ++i) {
        line += rows_[r][i];
        if (i + 1 < rows_[r].size()) line.append(widths[i] - DisplayWidth(rows_[r][i]) + 2, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
      if (r == 0) {
        std::string rule(indent);
        for (size_t i = 0; i < widths.size(); ++i) {
          rule.append(widths[i], '-');
          if (i + 1 < widths.size()) rule += "  ";
        }
        out += rule + "\n";
      }
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string Conf(float c) { return absl::StrFormat("%.2f", c); }

std::string FlagNames(uint32_t flags) {
  std::vector<std::string> names;
  const auto* d = FactFlag_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    int v = d->value(i)->number();
    if (v != 0 && (flags & v)) names.push_back(absl::AsciiStrToLower(d->value(i)->name()));
  }
  return absl::StrJoin(names, ",");
}

// The predicate as the compact tables show it: a negated fact ("did not
// address") must not read as its positive.
std::string PredicateLabel(const Hop& h) {
  return (h.flags & NEGATED) ? "not " + h.predicate : h.predicate;
}

// "from --predicate--> to  (confidence c, support n[, flags])\n" for the
// explain views, which show every hop with its flags.
std::string HopLine(const Hop& h) {
  std::string flags = FlagNames(h.flags);
  return absl::StrCat(h.from.name, " --", h.predicate, "--> ", h.to.name, "  (confidence ",
                      Conf(h.confidence), ", support ", h.support, flags.empty() ? "" : ", " + flags,
                      ")\n");
}

std::string OneLine(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

void AppendEvidence(const Hop& h, std::string& out, const std::string& indent) {
  for (const Evidence& e : h.evidence) {
    absl::StrAppend(&out, indent, "[", e.doc_id(), " #", e.sentence(), " @", e.start(), "-", e.end(),
                    e.date().empty() ? "" : absl::StrCat(", ", e.date()), "] ", OneLine(e.text()), "\n");
  }
  if (h.evidence_total > h.evidence.size()) {
    absl::StrAppend(&out, indent, "(", h.evidence_total - h.evidence.size(), " more)\n");
  }
  if (h.evidence.empty() && h.evidence_total == 0) {
    absl::StrAppend(&out, indent, (h.flags & IMPORTED) ? "(imported triple, no text evidence)" : "(no evidence)",
                    "\n");
  }
}

std::string HopTable(const ResultPath& p, bool explain) {
  std::string out;
  if (!explain) {
    Table t({"#", "from", "predicate", "to", "conf", "support"});
    for (size_t i = 0; i < p.hops.size(); ++i) {
      const Hop& h = p.hops[i];
      t.Add({absl::StrCat(i + 1), h.from.name, PredicateLabel(h), h.to.name, Conf(h.confidence),
             absl::StrCat(h.support)});
    }
    return t.Render("  ");
  }
  for (size_t i = 0; i < p.hops.size(); ++i) {
    const Hop& h = p.hops[i];
    absl::StrAppend(&out, "  ", i + 1, ". ", HopLine(h));
    AppendEvidence(h, out, "       ");
  }
  return out;
}

std::string PathTitle(const ResultPath& p, size_t index) {
  std::vector<std::string> names;
  for (const ResultNode& n : p.nodes) names.push_back(n.name);
  return absl::StrFormat("path %d (%d hop%s, weight %.2f): %s\n", index + 1, p.hops.size(),
                         p.hops.size() == 1 ? "" : "s", p.weight, absl::StrJoin(names, " - "));
}

Json EvidenceJson(const Evidence& e) {
  Json j;
  j["doc"] = e.doc_id();
  j["sentence"] = e.sentence();
  j["start"] = e.start();
  j["end"] = e.end();
  j["text"] = e.text();
  if (!e.date().empty()) j["date"] = e.date();
  return j;
}

Json HopJson(const Hop& h, bool forward_known = false, bool forward = true) {
  Json j;
  j["from"] = h.from.name;
  j["predicate"] = h.predicate;
  j["to"] = h.to.name;
  j["confidence"] = std::round(h.confidence * 1e4) / 1e4;
  j["support"] = h.support;
  j["flags"] = FlagNames(h.flags);
  if (forward_known) j["direction"] = forward ? "forward" : "backward";
  Json ev = Json::array();
  for (const Evidence& e : h.evidence) ev.push_back(EvidenceJson(e));
  j["evidence"] = ev;
  return j;
}

}  // namespace

std::string TypeName(EntityType type) {
  if (type == ENTITY_TYPE_UNSPECIFIED) return "";
  return absl::AsciiStrToLower(EntityType_Name(type));
}

std::string FormatTable(const QueryResult& r) {
  const Query& q = r.query;
  std::string out;
  if (q.explain) absl::StrAppend(&out, "query: ", ToString(q), "\nplan:  ", r.plan, "\n\n");
  switch (q.kind) {
    case QueryKind::kPath:
    case QueryKind::kConnect: {
      if (q.kind == QueryKind::kConnect) {
        if (r.connectors.empty()) {
          out += "no connectors\n";
        } else {
          Table t({"connector", "type", "score", "paths"});
          for (const Connector& c : r.connectors) {
            t.Add({c.node.name, TypeName(c.node.type), absl::StrFormat("%.3f", c.score), absl::StrCat(c.paths)});
          }
          out += t.Render();
        }
        out += "\n";
      }
      if (r.paths.empty()) {
        absl::StrAppend(&out, "no path between \"", q.names[0].text, "\" and \"", q.names[1].text, "\"\n");
      }
      for (size_t i = 0; i < r.paths.size(); ++i) {
        if (i > 0) out += "\n";
        out += PathTitle(r.paths[i], i);
        out += HopTable(r.paths[i], q.explain);
      }
      break;
    }
    case QueryKind::kNeighbors: {
      Table t({"name", "type", "distance"});
      for (const NeighbourNode& n : r.nodes) t.Add({n.node.name, TypeName(n.node.type), absl::StrCat(n.distance)});
      out += t.Render();
      if (!r.edges.empty()) {
        out += "\n";
        if (q.explain) {
          for (const Hop& h : r.edges) {
            out += HopLine(h);
            AppendEvidence(h, out, "    ");
          }
        } else {
          Table e({"from", "predicate", "to", "conf", "support"});
          for (const Hop& h : r.edges) {
            e.Add({h.from.name, PredicateLabel(h), h.to.name, Conf(h.confidence), absl::StrCat(h.support)});
          }
          out += e.Render();
        }
      }
      if (r.truncated) out += "(limited; raise `limit` for more)\n";
      break;
    }
    case QueryKind::kEntity: {
      const EntityInfo& e = r.entity;
      Table t({"field", "value"});
      t.Add({"name", e.node.name});
      t.Add({"type", TypeName(e.node.type)});
      t.Add({"aliases", absl::StrJoin(e.aliases, "; ")});
      t.Add({"mentions", absl::StrCat(e.mentions)});
      t.Add({"documents", absl::StrCat(e.documents)});
      t.Add({"facts", absl::StrCat(e.degree)});
      for (size_t i = 0; i < e.merges.size(); ++i) {
        const AliasMerge& m = e.merges[i];
        std::string where = absl::StrCat(m.document, " #", m.sentence);
        if (m.documents > 1) absl::StrAppend(&where, " and ", m.documents - 1, " more");
        t.Add({i == 0 ? "merged" : "", absl::StrCat(m.alias, ": ", m.rule, " (", where, ")")});
      }
      if (!e.unmerged.empty()) t.Add({"unmerged", absl::StrJoin(e.unmerged, "; ")});
      out += t.Render();
      if (q.explain) {
        for (const AliasMerge& m : e.merges) {
          absl::StrAppend(&out, "\n", m.alias, " (", m.rule, "): ", m.document, " #", m.sentence,
                          "\n  ", m.text, "\n");
        }
      }
      break;
    }
    case QueryKind::kMatch: {
      if (r.match.rows.empty()) {
        out += "no match\n";
        break;
      }
      std::vector<std::string> header;
      for (const std::string& v : r.match.variables) header.push_back("?" + v);
      Table t(header);
      for (const auto& row : r.match.rows) t.Add(row);
      out += t.Render();
      if (q.explain) {
        for (size_t i = 0; i < r.match.facts.size(); ++i) {
          absl::StrAppend(&out, "\nrow ", i + 1, ":\n");
          for (const Hop& h : r.match.facts[i]) {
            absl::StrAppend(&out, "  ", HopLine(h));
            AppendEvidence(h, out, "    ");
          }
        }
      }
      if (r.truncated) out += "(limited; raise `limit` for more)\n";
      break;
    }
    case QueryKind::kTop: {
      Table t({"#", "name", "type", q.by == Ranking::kPageRank ? "pagerank" : "degree", "facts"});
      for (size_t i = 0; i < r.ranking.size(); ++i) {
        const RankedEntity& e = r.ranking[i];
        t.Add({absl::StrCat(i + 1), e.node.name, TypeName(e.node.type),
               q.by == Ranking::kPageRank ? absl::StrFormat("%.4f", e.score) : absl::StrCat(e.score),
               absl::StrCat(e.degree)});
      }
      out += t.Render();
      break;
    }
  }
  return out;
}

std::string FormatJson(const QueryResult& r) {
  const Query& q = r.query;
  Json j = Json::object();
  switch (q.kind) {
    case QueryKind::kPath:
    case QueryKind::kConnect: {
      Json paths = Json::array();
      for (const ResultPath& p : r.paths) {
        Json jp;
        Json nodes = Json::array();
        for (const ResultNode& n : p.nodes) nodes.push_back(n.name);
        jp["nodes"] = nodes;
        Json hops = Json::array();
        for (size_t i = 0; i < p.hops.size(); ++i) {
          bool forward = p.hops[i].from.id == p.nodes[i].id;
          hops.push_back(HopJson(p.hops[i], true, forward));
        }
        jp["hops"] = hops;
        jp["weight"] = std::round(p.weight * 1e4) / 1e4;
        paths.push_back(jp);
      }
      j["paths"] = paths;
      if (q.kind == QueryKind::kConnect) {
        Json cs = Json::array();
        for (const Connector& c : r.connectors) {
          cs.push_back(Json{{"name", c.node.name},
                            {"type", TypeName(c.node.type)},
                            {"score", std::round(c.score * 1e6) / 1e6},
                            {"paths", c.paths}});
        }
        j["connectors"] = cs;
      }
      break;
    }
    case QueryKind::kNeighbors: {
      Json nodes = Json::array();
      for (const NeighbourNode& n : r.nodes) {
        nodes.push_back(Json{{"name", n.node.name}, {"type", TypeName(n.node.type)}, {"distance", n.distance}});
      }
      j["nodes"] = nodes;
      Json edges = Json::array();
      for (const Hop& h : r.edges) edges.push_back(HopJson(h));
      j["edges"] = edges;
      j["truncated"] = r.truncated;
      break;
    }
    case QueryKind::kEntity: {
      const EntityInfo& e = r.entity;
      j["name"] = e.node.name;
      j["type"] = TypeName(e.node.type);
      j["aliases"] = e.aliases;
      j["mentions"] = e.mentions;
      j["documents"] = e.documents;
      j["facts"] = e.degree;
      Json merges = Json::array();
      for (const AliasMerge& m : e.merges) {
        merges.push_back({{"alias", m.alias},
                          {"rule", m.rule},
                          {"document", m.document},
                          {"sentence", m.sentence},
                          {"text", m.text},
                          {"documents", m.documents}});
      }
      j["merges"] = merges;
      j["unmerged"] = e.unmerged;
      break;
    }
    case QueryKind::kMatch: {
      j["variables"] = r.match.variables;
      // rows[i] binds the variables; facts[i] lists the facts behind it.
      Json rows = Json::array();
      Json facts = Json::array();
      for (size_t i = 0; i < r.match.rows.size(); ++i) {
        Json row = Json::object();
        for (size_t c = 0; c < r.match.variables.size(); ++c) row[r.match.variables[c]] = r.match.rows[i][c];
        rows.push_back(row);
        Json row_facts = Json::array();
        for (const Hop& h : r.match.facts[i]) row_facts.push_back(HopJson(h));
        facts.push_back(row_facts);
      }
      j["rows"] = rows;
      j["facts"] = facts;
      j["truncated"] = r.truncated;
      break;
    }
    case QueryKind::kTop: {
      Json es = Json::array();
      for (const RankedEntity& e : r.ranking) {
        es.push_back(Json{{"name", e.node.name},
                          {"type", TypeName(e.node.type)},
                          {"score", std::round(e.score * 1e6) / 1e6},
                          {"facts", e.degree}});
      }
      j["entities"] = es;
      break;
    }
  }
  if (q.explain) {
    j["query"] = ToString(q);
    j["plan"] = r.plan;
  }
  // Invalid UTF-8 in stored text becomes U+FFFD instead of an exception.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kg::query
