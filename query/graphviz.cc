#include "query/graphviz.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/result.h"
#include "utf8proc.h"

namespace kg::query {
namespace {

struct TypeStyle {
  const char* label;
  const char* shape;
  const char* fill;
  const char* extra;  // additional node attributes
};

// Shapes and colours (ColorBrewer pastels) are chosen so that types stay
// distinguishable in grey-scale prints too: the shape alone tells them apart.
TypeStyle StyleFor(EntityType type) {
  switch (type) {
    case PERSON:
      return {"person", "ellipse", "#a6cee3", ""};
    case ORG:
      return {"organisation", "box", "#b2df8a", ", style=\"rounded,filled\""};
    case GPE:
      return {"country / place", "hexagon", "#fdbf6f", ""};
    case LOC:
      return {"region", "house", "#ffff99", ""};
    case GROUP:
      return {"group", "egg", "#cab2d6", ""};
    case PROGRAM:
      return {"programme / law", "component", "#fb9a99", ""};
    case EVENT:
      return {"event", "diamond", "#fccde5", ""};
    case WORK:
      return {"report / work", "note", "#d9d9d9", ""};
    case TOPIC:
      return {"topic", "octagon", "#ccebc5", ""};
    case DATE:
      return {"date", "cds", "#ffffb3", ""};
    case MONEY:
      return {"money", "box", "#f0f0f0", ""};
    case QUANTITY:
      return {"quantity", "box", "#f0f0f0", ""};
    case PERCENT:
      return {"percent", "box", "#f0f0f0", ""};
    case ROLE:
      return {"role", "trapezium", "#bebada", ""};
    case MISC:
      return {"other", "ellipse", "#eeeeee", ""};
    case RESOURCE:
      return {"resource", "box3d", "#dddddd", ""};
    default:
      return {"unknown", "ellipse", "#ffffff", ""};
  }
}

// Appends the UTF-8 encoding of `cp`.
void AppendCodepoint(utf8proc_int32_t cp, std::string* out) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Cuts `text` to at most `max_bytes` bytes at a code point boundary, adding
// an ellipsis when something was cut.
std::string Truncate(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(absl::string_view(text.data(), cut), "\xE2\x80\xA6");
}

// Breaks a long name at spaces into lines of about `width` bytes.
std::string Wrap(std::string_view text, size_t width) {
  if (text.size() <= width) return std::string(text);
  std::string out;
  size_t line = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t sp = text.find(' ', i);
    std::string_view word = text.substr(i, sp == std::string_view::npos ? sp : sp - i);
    if (line > 0 && line + 1 + word.size() > width) {
      out.push_back('\n');
      line = 0;
    } else if (line > 0) {
      out.push_back(' ');
      ++line;
    }
    out.append(word);
    line += word.size();
    if (sp == std::string_view::npos) break;
    i = sp + 1;
  }
  return out;
}

std::string Quote(std::string_view text) { return absl::StrCat("\"", DotEscape(text), "\""); }

double PenWidth(uint32_t support) {
  return std::min(6.0, 1.0 + 1.5 * std::log2(std::max<uint32_t>(support, 1)));
}

}  // namespace

std::string DotEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {  // invalid byte: show U+FFFD and resynchronise
      AppendCodepoint(0xFFFD, &out);
      ++p;
      --left;
      continue;
    }
    p += n;
    left -= n;
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        // Graphviz expands \N, \G, \E... in tooltips even after an escaped
        // backslash; a zero-width space keeps the letter literal.
        if (left > 0 && absl::ascii_isalpha(static_cast<unsigned char>(*p))) out += "\xE2\x80\x8B";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
      case '\r':
        out.push_back(' ');
        break;
      default:
        // Other C0/C1 controls have no glyph and upset XML output.
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) break;
        AppendCodepoint(cp, &out);
    }
  }
  return out;
}

std::string ToGraphviz(const DrawGraph& graph, const GraphvizOptions& options) {
  const int n = static_cast<int>(graph.nodes.size());
  // Which nodes are drawn: endpoints first, then the others in order.
  std::vector<bool> keep(n, false);
  int kept = 0;
  const int limit = options.limit > 0 ? options.limit : n;
  for (int i = 0; i < n && kept < limit; ++i) {
    if (graph.nodes[i].endpoint) keep[i] = true, ++kept;
  }
  for (int i = 0; i < n && kept < limit; ++i) {
    if (!keep[i]) keep[i] = true, ++kept;
  }
  auto valid = [&](int i) { return i >= 0 && i < n; };

  std::string out = "digraph kg {\n";
  absl::StrAppend(&out, "  graph [charset=\"UTF-8\", fontname=\"Helvetica\", fontsize=11",
                  options.left_to_right ? ", rankdir=LR" : "", ", nodesep=0.35, ranksep=0.6");
  const std::string& caption = options.title.empty() ? graph.caption : options.title;
  if (!caption.empty()) {
    absl::StrAppend(&out, ", labelloc=b, label=", Quote(Wrap(caption, 100)));
  }
  out += "];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=11, style=filled, color=\"#555555\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\", fontcolor=\"#333333\"];\n";

  std::set<EntityType> types;
  for (int i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    const DrawNode& node = graph.nodes[i];
    types.insert(node.type);
    TypeStyle style = StyleFor(node.type);
    std::string tooltip = absl::StrCat(node.name, " (", style.label, ")");
    if (!node.note.empty()) absl::StrAppend(&tooltip, "\n", node.note);
    absl::StrAppend(&out, "  n", i, " [label=", Quote(Wrap(node.name, 24)), ", shape=", style.shape,
                    ", fillcolor=\"", style.fill, "\"", style.extra, ", tooltip=", Quote(tooltip));
    if (node.endpoint) out += ", penwidth=2.5, peripheries=2, fontname=\"Helvetica-Bold\"";
    out += "];\n";
  }

  int dropped_edges = 0;
  for (const DrawEdge& edge : graph.edges) {
    if (!valid(edge.from) || !valid(edge.to)) continue;
    if (!keep[edge.from] || !keep[edge.to]) {
      ++dropped_edges;
      continue;
    }
    const bool co_mention = (edge.flags & CO_MENTION) != 0;
    std::string tooltip = absl::StrCat(graph.nodes[edge.from].name, " \xE2\x80\x94 ",
                                       edge.predicate, " \xE2\x86\x92 ", graph.nodes[edge.to].name);
    absl::StrAppend(&tooltip, "\nsupport ", edge.support);
    if (edge.confidence > 0)
      absl::StrAppend(&tooltip, absl::StrFormat(", confidence %.2f", edge.confidence));
    int shown = 0;
    for (const std::string& sentence : edge.evidence) {
      if (shown == options.max_tooltip_sentences) {
        absl::StrAppend(&tooltip, "\n(", edge.evidence.size() - shown, " more)");
        break;
      }
      absl::StrAppend(&tooltip, "\n\xE2\x80\xA2 ", Truncate(sentence, 320));
      ++shown;
    }
    absl::StrAppend(&out, "  n", edge.from, " -> n", edge.to, " [label=", Quote(edge.predicate),
                    absl::StrFormat(", penwidth=%.1f", PenWidth(edge.support)),
                    ", tooltip=", Quote(tooltip), ", labeltooltip=", Quote(tooltip));
    if (co_mention) out += ", style=dashed, dir=none, color=\"#999999\"";
    out += "];\n";
  }

  if (kept < n) {
    absl::StrAppend(&out, "  more [shape=note, style=filled, fillcolor=\"#fff7bc\", label=",
                    Quote(absl::StrCat(n - kept, " more entities and ", dropped_edges,
                                       " more relations not shown\n(raise --limit to see them)")),
                    "];\n");
  }

  if (options.legend && !types.empty()) {
    out +=
        "  subgraph cluster_legend {\n"
        "    label=\"legend\"; fontsize=10; style=dashed; color=\"#aaaaaa\";\n"
        "    node [fontsize=9, height=0.3];\n";
    int k = 0;
    std::string chain;
    for (EntityType type : types) {
      TypeStyle style = StyleFor(type);
      absl::StrAppend(&out, "    legend", k, " [label=", Quote(style.label),
                      ", shape=", style.shape, ", fillcolor=\"", style.fill, "\"", style.extra,
                      "];\n");
      absl::StrAppend(&chain, chain.empty() ? "    " : " -> ", "legend", k);
      ++k;
    }
    out +=
        "    legend_a [shape=point, width=0.05]; legend_b [shape=point, width=0.05];\n"
        "    legend_c [shape=point, width=0.05]; legend_d [shape=point, width=0.05];\n"
        "    legend_a -> legend_b [label=\"relation\", fontsize=8];\n"
        "    legend_c -> legend_d [label=\"co-mention\", fontsize=8, style=dashed, dir=none, "
        "color=\"#999999\"];\n";
    if (k > 1) absl::StrAppend(&out, chain, " [style=invis];\n");
    out += "  }\n";
  }
  out += "}\n";
  return out;
}

}  // namespace kg::query

// ---------------------------------------------------------------------------
// QueryResult -> DrawGraph

namespace kg::query {
namespace {

class DrawBuilder {
 public:
  int Node(const ResultNode& n) {
    auto [it, added] = index_.try_emplace(n.id, static_cast<int>(graph_.nodes.size()));
    if (added) {
      DrawNode d;
      d.name = n.name;
      d.type = n.type;
      graph_.nodes.push_back(std::move(d));
    }
    return it->second;
  }
  void Endpoint(const ResultNode& n) { graph_.nodes[Node(n)].endpoint = true; }
  void Note(const ResultNode& n, const std::string& note) {
    std::string& s = graph_.nodes[Node(n)].note;
    if (!s.empty()) s += "\n";
    s += note;
  }
  void Edge(const Hop& hop) {
    int from = Node(hop.from);
    int to = Node(hop.to);
    auto key = std::make_tuple(from, hop.predicate, to);
    if (!edges_.insert(key).second) return;
    DrawEdge e;
    e.from = from;
    e.to = to;
    e.predicate = hop.predicate;
    e.support = std::max<uint32_t>(hop.support, 1);
    e.flags = hop.flags;
    e.confidence = hop.confidence;
    for (const Evidence& ev : hop.evidence) {
      std::string doc = ev.doc_id();
      size_t slash = doc.find_last_of('/');
      if (slash != std::string::npos) doc = doc.substr(slash + 1);
      e.evidence.push_back(absl::StrCat(doc, " #", ev.sentence(),
                                        ev.date().empty() ? "" : absl::StrCat(" (", ev.date(), ")"),
                                        ": ", ev.text()));
    }
    if (hop.evidence_total > hop.evidence.size()) {
      e.evidence.push_back(absl::StrCat("(", hop.evidence_total - hop.evidence.size(),
                                        " more sentences in the store)"));
    }
    graph_.edges.push_back(std::move(e));
  }
  DrawGraph Take() { return std::move(graph_); }
  DrawGraph& graph() { return graph_; }

 private:
  DrawGraph graph_;
  std::map<uint64_t, int> index_;
  std::set<std::tuple<int, std::string, int>> edges_;
};

}  // namespace

DrawGraph ToDrawGraph(const QueryResult& r) {
  DrawBuilder b;
  // Endpoints first, so trimming never drops them.
  for (const ResultPath& p : r.paths) {
    if (p.nodes.empty()) continue;
    b.Endpoint(p.nodes.front());
    b.Endpoint(p.nodes.back());
  }
  for (const NeighbourNode& n : r.nodes) {
    if (n.distance == 0) b.Endpoint(n.node);
  }
  if (r.query.kind == QueryKind::kEntity && !r.entity.node.name.empty()) {
    b.Endpoint(r.entity.node);
    std::string note =
        absl::StrCat(r.entity.mentions, " mentions in ", r.entity.documents, " documents");
    if (!r.entity.aliases.empty()) {
      absl::StrAppend(&note, "\naliases: ");
      for (size_t i = 0; i < r.entity.aliases.size(); ++i) {
        absl::StrAppend(&note, i ? ", " : "", r.entity.aliases[i]);
      }
    }
    b.Note(r.entity.node, note);
  }
  for (const Connector& c : r.connectors) {
    b.Note(c.node, absl::StrFormat("connector: score %.3g, on %d paths", c.score, c.paths));
  }
  for (const ResultPath& p : r.paths) {
    for (const ResultNode& n : p.nodes) b.Node(n);
  }
  for (const ResultPath& p : r.paths) {
    for (const Hop& h : p.hops) b.Edge(h);
  }
  for (const NeighbourNode& n : r.nodes) {
    b.Node(n.node);
    if (n.distance > 0) b.Note(n.node, absl::StrCat("distance ", n.distance));
  }
  for (const Hop& h : r.edges) b.Edge(h);
  for (const std::vector<Hop>& row : r.match.facts) {
    for (const Hop& h : row) b.Edge(h);
  }
  for (const RankedEntity& e : r.ranking) {
    b.Node(e.node);
    b.Note(e.node, absl::StrFormat("score %.4g, degree %u", e.score, e.degree));
  }
  DrawGraph g = b.Take();
  g.caption = ToString(r.query);
  if (r.truncated) g.caption += "  (answer truncated by a limit)";
  return g;
}

std::string ToGraphviz(const QueryResult& result, const GraphvizOptions& options) {
  return ToGraphviz(ToDrawGraph(result), options);
}

}  // namespace kg::query
