#include "query/dot.h"

#include <cstdint>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/format.h"

namespace kg::query {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i.
// Invalid bytes come back as U+FFFD.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += len;
  return cp;
}

// Graphviz node/edge styling per entity type.
const char* ShapeFor(EntityType type) {
  switch (type) {
    case PERSON:
      return "ellipse";
    case ORG:
    case GROUP:
      return "box";
    case GPE:
    case LOC:
      return "house";
    case PROGRAM:
    case WORK:
      return "note";
    case TOPIC:
      return "hexagon";
    default:
      return "ellipse";
  }
}

class DotWriter {
 public:
  void Node(const ResultNode& n, bool highlight) {
    auto [it, inserted] = nodes_.try_emplace(n.id, n);
    if (highlight) highlighted_.insert(n.id);
    (void)it;
    (void)inserted;
  }
  void Edge(const Hop& h) {
    Node(h.from, false);
    Node(h.to, false);
    auto key = std::make_tuple(h.from.id, h.predicate, h.to.id);
    if (!seen_.insert(key).second) return;
    edges_.push_back(h);
  }
  std::string Finish(std::string_view title) const {
    std::string out = "digraph kg {\n";
    absl::StrAppend(&out, "  label=", DotQuote(title), ";\n  labelloc=t;\n");
    absl::StrAppend(&out, "  node [fontname=\"Helvetica\", fontsize=11];\n");
    absl::StrAppend(&out, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (const auto& [id, n] : nodes_) {
      std::string label = n.name;
      std::string type = TypeName(n.type);
      absl::StrAppend(&out, "  n", id, " [label=", DotQuote(label), ", shape=", ShapeFor(n.type));
      if (!type.empty()) absl::StrAppend(&out, ", tooltip=", DotQuote(type));
      if (highlighted_.count(id)) absl::StrAppend(&out, ", style=bold, penwidth=2");
      absl::StrAppend(&out, "];\n");
    }
    for (const Hop& h : edges_) {
      absl::StrAppend(&out, "  n", h.from.id, " -> n", h.to.id, " [label=", DotQuote(h.predicate));
      if (h.flags & CO_MENTION) absl::StrAppend(&out, ", style=dashed");
      absl::StrAppend(&out, ", tooltip=", DotQuote(absl::StrFormat("confidence %.2f, support %u", h.confidence, h.support)));
      absl::StrAppend(&out, "];\n");
    }
    out += "}\n";
    return out;
  }

 private:
  std::map<uint64_t, ResultNode> nodes_;
  std::set<uint64_t> highlighted_;
  std::set<std::tuple<uint64_t, std::string, uint64_t>> seen_;
  std::vector<Hop> edges_;
};

}  // namespace

std::string DotQuote(std::string_view text) {
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = NextCodePoint(text, i);
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (cp < 0x20 || cp == 0x7F) {
          out += ' ';
        } else if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else {
          absl::StrAppend(&out, "&#", cp, ";");
        }
    }
  }
  out += "\"";
  return out;
}

std::string FormatDot(const QueryResult& r) {
  DotWriter w;
  switch (r.query.kind) {
    case QueryKind::kPath:
    case QueryKind::kConnect:
      for (const ResultPath& p : r.paths) {
        for (size_t i = 0; i < p.nodes.size(); ++i) {
          w.Node(p.nodes[i], i == 0 || i + 1 == p.nodes.size());
        }
        for (const Hop& h : p.hops) w.Edge(h);
      }
      break;
    case QueryKind::kNeighbors:
      for (const NeighbourNode& n : r.nodes) w.Node(n.node, n.distance == 0);
      for (const Hop& h : r.edges) w.Edge(h);
      break;
    case QueryKind::kEntity:
      w.Node(r.entity.node, true);
      break;
    case QueryKind::kMatch:
      for (const auto& row : r.match.facts) {
        for (const Hop& h : row) w.Edge(h);
      }
      break;
    case QueryKind::kTop:
      for (const RankedEntity& e : r.ranking) w.Node(e.node, false);
      break;
  }
  return w.Finish(ToString(r.query));
}

}  // namespace kg::query
