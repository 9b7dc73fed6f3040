#include "storage/export.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/status_macros.h"
#include "storage/entity_value.h"
#include "storage/keys.h"
#include "storage/rocks_store.h"

namespace kg::storage {
namespace {

std::string Where(std::string_view source, uint64_t line) {
  return absl::StrCat(std::string(source), ":", line, ": ");
}

// The import loop both formats share: each non-blank line (CR stripped) goes
// to `one` with the offset of its first non-blank byte; an error it returns
// is prefixed with "source:line: ". The triples added to `loader` are
// finished at the end.
absl::StatusOr<ImportResult> ImportLines(
    Store& store, std::istream& in, std::string_view source, const BulkLoaderOptions& bulk,
    const std::function<absl::Status(const std::string& line, size_t first, BulkLoader& loader,
                                     ImportResult& result)>& one) {
  ImportResult result;
  BulkLoader loader(&store, bulk);
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    absl::Status st = one(line, first, loader, result);
    if (!st.ok()) return absl::Status(st.code(), absl::StrCat(Where(source, n), st.message()));
  }
  ASSIGN_OR_RETURN(BulkResult r, loader.Finish());
  result.new_facts = r.new_facts;
  return result;
}

// The spelling an imported entity was loaded under (its contribution with
// doc ""), else the entity's display name.
absl::StatusOr<std::string> ImportedName(Store& store, uint64_t id) {
  if (auto* rs = dynamic_cast<RocksStore*>(&store)) {
    std::string name;
    absl::Status inner;
    RETURN_IF_ERROR(rs->Scan(kContrib, IdKey(id), [&](std::string_view k, std::string_view v) {
      if (k.size() == kIdBytes) {
        Entity e;
        if (DecodeEntityValue(k, v, &e)) name = e.name();
      }
      return false;
    }));
    if (!name.empty()) return name;
  }
  ASSIGN_OR_RETURN(auto e, store.GetEntity(id));
  if (!e) return absl::DataLossError(absl::StrFormat("fact names a missing entity %016x", id));
  return e->name();
}

bool IsIri(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
        c == '\\' || c == '^' || c == '`') {
      return false;
    }
  }
  return true;
}

std::string Encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

absl::StatusOr<std::string> Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return absl::InvalidArgumentError("bad percent-encoding");
    }
    out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

constexpr std::string_view kEntityPrefix = "urn:kg:e:";
constexpr std::string_view kPredicatePrefix = "urn:kg:p:";

std::string Iri(std::string_view name, std::string_view prefix) {
  if (IsIri(name) && name.substr(0, 7) != "urn:kg:") return absl::StrCat("<", std::string(name), ">");
  return absl::StrCat("<", std::string(prefix), Encode(name), ">");
}

std::string Csv(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos && !s.empty()) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Each fact with the display names of its ends, plus the merged entity names.
absl::Status ForEachNamedFact(
    Store& store, bool imported_spelling,
    const std::function<void(const std::string&, const Fact&, const std::string&)>& fn) {
  std::map<uint64_t, std::string> names;
  auto name_of = [&](uint64_t id) -> absl::StatusOr<std::string> {
    auto it = names.find(id);
    if (it != names.end()) return it->second;
    std::string n;
    if (imported_spelling) {
      ASSIGN_OR_RETURN(n, ImportedName(store, id));
    } else {
      ASSIGN_OR_RETURN(auto e, store.GetEntity(id));
      if (!e) return absl::DataLossError(absl::StrFormat("fact names a missing entity %016x", id));
      n = e->name();
    }
    names[id] = n;
    return n;
  };
  absl::Status inner;
  RETURN_IF_ERROR(store.ForEachFact([&](const Fact& f) {
    auto s = name_of(f.subject());
    auto o = s.ok() ? name_of(f.object()) : s;
    if (!s.ok() || !o.ok()) {
      inner = s.ok() ? o.status() : s.status();
      return false;
    }
    fn(*s, f, *o);
    return true;
  }));
  return inner;
}

}  // namespace

absl::Status ExportJsonl(Store& store, std::ostream& out) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(store.ForEachDocument([&](const Document& d) {
    ids.push_back(d.id());
    return true;
  }));
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Unmerges first: they are the user's decisions, and an importer reading
  // the file in order has them before any document that honoured them.
  ASSIGN_OR_RETURN(std::vector<Merge> unmerges, store.Unmerges());
  for (const Merge& u : unmerges) {
    std::string json;
    auto st = google::protobuf::util::MessageToJsonString(u, &json, options);
    if (!st.ok()) return absl::InternalError(absl::StrCat("cannot encode unmerge of ", u.alias()));
    out << "{\"unmerge\":" << json << "}\n";
  }
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto facts, store.GetDocumentFacts(id));
    if (!facts) continue;  // forgotten meanwhile
    std::string json;
    auto st = google::protobuf::util::MessageToJsonString(*facts, &json, options);
    if (!st.ok()) return absl::InternalError(absl::StrCat("cannot encode ", id, " as JSON"));
    out << "{\"document\":" << json << "}\n";
  }
  std::vector<std::string> lines;
  auto add = [&](const std::string& s, const Fact& f, const std::string& o) {
    if (!(f.flags() & IMPORTED)) return;
    nlohmann::json t;
    t["subject"] = s;
    t["predicate"] = f.predicate();
    t["object"] = o;
    nlohmann::json line;
    line["triple"] = t;
    lines.push_back(line.dump());
  };
  RETURN_IF_ERROR(ForEachNamedFact(store, true, add));
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) out << l << "\n";
  if (!out) return absl::InternalError("write error during export");
  return absl::OkStatus();
}

absl::Status ExportNTriples(Store& store, std::ostream& out) {
  std::vector<std::string> lines;
  RETURN_IF_ERROR(ForEachNamedFact(store, false, [&](const std::string& s, const Fact& f,
                                                     const std::string& o) {
    lines.push_back(absl::StrCat(Iri(s, kEntityPrefix), " ", Iri(f.predicate(), kPredicatePrefix),
                                 " ", Iri(o, kEntityPrefix), " ."));
  }));
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  for (const auto& l : lines) out << l << "\n";
  if (!out) return absl::InternalError("write error during export");
  return absl::OkStatus();
}

absl::Status ExportCsv(Store& store, const std::string& nodes_path, const std::string& edges_path) {
  std::ofstream nodes(nodes_path, std::ios::binary), edges(edges_path, std::ios::binary);
  if (!nodes) return absl::InternalError(absl::StrCat("cannot write ", nodes_path));
  if (!edges) return absl::InternalError(absl::StrCat("cannot write ", edges_path));
  nodes << "key,name,type,aliases,mentions,documents\n";
  std::map<uint64_t, std::string> keys;
  RETURN_IF_ERROR(store.ForEachEntity([&](const Entity& e) {
    std::string aliases;
    for (int i = 0; i < e.aliases_size(); ++i) absl::StrAppend(&aliases, i ? "|" : "", e.aliases(i));
    nodes << Csv(e.key()) << "," << Csv(e.name()) << "," << EntityType_Name(e.type()) << ","
          << Csv(aliases) << "," << e.mentions() << "," << e.documents() << "\n";
    keys[e.id()] = e.key();
    return true;
  }));
  edges << "from,to,predicate,confidence,flags,support\n";
  RETURN_IF_ERROR(store.ForEachFact([&](const Fact& f) {
    edges << Csv(keys[f.subject()]) << "," << Csv(keys[f.object()]) << "," << Csv(f.predicate())
          << "," << f.confidence() << "," << f.flags() << "," << f.support() << "\n";
    return true;
  }));
  nodes.close();
  edges.close();
  if (!nodes || !edges) return absl::InternalError("write error during CSV export");
  return absl::OkStatus();
}

absl::StatusOr<ImportResult> ImportJsonl(Store& store, std::istream& in, std::string_view source,
                                         const BulkLoaderOptions& bulk) {
  return ImportLines(store, in, source, bulk, [&](const std::string& line, size_t,
                                                  BulkLoader& loader, ImportResult& result) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return absl::InvalidArgumentError("not a JSON object");
    if (j.contains("unmerge")) {
      Merge unmerge;
      auto st = google::protobuf::util::JsonStringToMessage(j["unmerge"].dump(), &unmerge);
      if (!st.ok()) return absl::InvalidArgumentError("bad unmerge: " + std::string(st.message()));
      RETURN_IF_ERROR(store.AddUnmerge(unmerge));
      ++result.unmerges;
    } else if (j.contains("document")) {
      DocumentFacts doc;
      auto st = google::protobuf::util::JsonStringToMessage(j["document"].dump(), &doc);
      if (!st.ok()) return absl::InvalidArgumentError("bad document: " + std::string(st.message()));
      RETURN_IF_ERROR(store.PutDocument(doc).status());
      ++result.documents;
    } else if (j.contains("triple")) {
      const auto& t = j["triple"];
      if (!t.is_object() || !t.value("subject", nlohmann::json()).is_string() ||
          !t.value("predicate", nlohmann::json()).is_string() ||
          !t.value("object", nlohmann::json()).is_string()) {
        return absl::InvalidArgumentError("a triple needs string subject, predicate, object");
      }
      RETURN_IF_ERROR(loader.Add(t["subject"].get<std::string>(), t["predicate"].get<std::string>(),
                                 t["object"].get<std::string>()));
      ++result.triples;
    } else {
      return absl::InvalidArgumentError(
          "expected an \"unmerge\", \"document\" or \"triple\" object");
    }
    return absl::OkStatus();
  });
}

namespace {

// One N-Triples term at `pos`: <iri>, "literal"(@lang|^^<type>)?, or _:blank.
absl::StatusOr<std::string> NtTerm(std::string_view line, size_t& pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  if (pos >= line.size()) return absl::InvalidArgumentError("missing term");
  if (line[pos] == '<') {
    size_t end = line.find('>', pos);
    if (end == std::string_view::npos) return absl::InvalidArgumentError("unterminated IRI");
    std::string_view iri = line.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    for (auto prefix : {kEntityPrefix, kPredicatePrefix}) {
      if (iri.substr(0, prefix.size()) == prefix) return Decode(iri.substr(prefix.size()));
    }
    return std::string(iri);
  }
  if (line[pos] == '"') {
    std::string value;
    size_t i = pos + 1;
    for (; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        char e = line[++i];
        value.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
      } else {
        value.push_back(line[i]);
      }
    }
    if (i >= line.size()) return absl::InvalidArgumentError("unterminated literal");
    pos = i + 1;
    if (pos < line.size() && line[pos] == '@') {
      while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
    } else if (line.substr(pos, 2) == "^^") {
      size_t end = line.find('>', pos);
      if (end == std::string_view::npos) return absl::InvalidArgumentError("unterminated datatype");
      pos = end + 1;
    }
    return value;
  }
  if (line.substr(pos, 2) == "_:") {
    size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
    return std::string(line.substr(start, pos - start));
  }
  return absl::InvalidArgumentError(absl::StrCat("unexpected '", std::string(1, line[pos]), "'"));
}

}  // namespace

absl::StatusOr<ImportResult> ImportNTriples(Store& store, std::istream& in,
                                            std::string_view source,
                                            const BulkLoaderOptions& bulk) {
  return ImportLines(store, in, source, bulk, [&](const std::string& line, size_t first,
                                                  BulkLoader& loader, ImportResult& result) {
    if (line[first] == '#') return absl::OkStatus();
    size_t pos = first;
    std::string terms[3];
    for (auto& t : terms) {
      auto term = NtTerm(line, pos);
      if (!term.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", pos + 1, ": ", term.status().message()));
      }
      t = std::move(*term);
    }
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    if (pos >= line.size() || line[pos] != '.') {
      return absl::InvalidArgumentError(absl::StrCat("column ", pos + 1, ": expected '.'"));
    }
    RETURN_IF_ERROR(loader.Add(terms[0], terms[1], terms[2]));
    ++result.triples;
    return absl::OkStatus();
  });
}

}  // namespace kg::storage
