// kg-eval facts GOLD.jsonl --db DIR [--entities ENTITIES.jsonl]
//
// Fact recall against a gold list, read from a store: a gold line
//   {"subject": "...", "object": "...", "predicate_any": ["...", ...],
//    "symmetric": false}
// is found when the store has a typed (not co-mention) fact from the subject
// to the object (either direction when symmetric) whose predicate is one of
// predicate_any, or any co-mention fact when predicate_any names
// "co_mentioned". Names resolve through the store's keys and aliases.
//
// Entity precision against a gold entity list ({"name", "type", "aliases"}):
// the share of the store's entities whose key or an alias matches a gold name
// or alias; type agreement among the matches is reported too.
//
// Exit status: 0 on success, 1 on an I/O or store error, 2 on bad usage.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "proto/term_key.h"
#include "storage/store.h"

namespace {

struct GoldFact {
  std::string subject, object;
  std::vector<std::string> predicates;
  bool symmetric = false;
  int line = 0;
};

struct GoldEntity {
  std::string name;
  std::string type;
};

int Usage() {
  std::cerr << "usage: kg-eval facts GOLD.jsonl --db DIR [--entities ENTITIES.jsonl]\n";
  return 2;
}

bool ReadJsonl(const std::string& path, std::vector<nlohmann::json>* out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "kg-eval facts: cannot open " << path << "\n";
    return false;
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      std::cerr << "kg-eval facts: " << path << ":" << n << ": not a JSON object\n";
      return false;
    }
    j["__line"] = n;
    out->push_back(std::move(j));
  }
  return true;
}

std::string Str(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string gold_path, db, entities_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if (a == "--entities" && i + 1 < argc) {
      entities_path = argv[++i];
    } else if (a == "-h" || a == "--help") {
      return Usage();
    } else if (gold_path.empty() && !a.starts_with("--")) {
      gold_path = a;
    } else {
      std::cerr << "kg-eval facts: unexpected argument " << a << "\n";
      return Usage();
    }
  }
  if (gold_path.empty() || db.empty()) return Usage();

  std::vector<nlohmann::json> lines;
  if (!ReadJsonl(gold_path, &lines)) return 1;
  std::vector<GoldFact> gold;
  for (const nlohmann::json& j : lines) {
    GoldFact g;
    g.line = j["__line"].get<int>();
    g.subject = Str(j, "subject");
    g.object = Str(j, "object");
    if (j.contains("predicate_any") && j["predicate_any"].is_array()) {
      for (const auto& p : j["predicate_any"]) {
        if (p.is_string()) g.predicates.push_back(p.get<std::string>());
      }
    }
    g.symmetric =
        j.contains("symmetric") && j["symmetric"].is_boolean() && j["symmetric"].get<bool>();
    if (g.subject.empty() || g.object.empty() || g.predicates.empty()) {
      std::cerr << "kg-eval facts: " << gold_path << ":" << g.line
                << ": needs subject, object and predicate_any\n";
      return 1;
    }
    gold.push_back(std::move(g));
  }

  kg::storage::StoreOptions options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<kg::storage::Store>> store = kg::storage::Store::Open(db, options);
  if (!store.ok()) {
    std::cerr << "kg-eval facts: " << db << ": " << store.status().message() << "\n";
    return 1;
  }
  kg::storage::Store& s = **store;

  auto lookup = [&](const std::string& name) -> std::optional<uint64_t> {
    absl::StatusOr<std::optional<uint64_t>> id = s.LookupTerm(kg::TermKey(name));
    if (!id.ok()) return std::nullopt;
    return *id;
  };
  auto has_fact = [&](uint64_t from, uint64_t to, const GoldFact& g, std::string* seen) {
    bool found = false;
    absl::Status st = s.FactsFrom(from, [&](const kg::Fact& f) {
      if (f.object() != to) return true;
      if (f.flags() & kg::CO_MENTION) {
        // Only a gold line that names co_mentioned accepts a co-mention.
        if (std::find(g.predicates.begin(), g.predicates.end(), "co_mentioned") !=
            g.predicates.end()) {
          found = true;
          return false;
        }
        if (seen->empty()) *seen = "co_mentioned";
        return true;
      }
      for (const std::string& p : g.predicates) {
        if (f.predicate() == p) {
          found = true;
          return false;
        }
      }
      *seen = f.predicate();
      return true;
    });
    return st.ok() && found;
  };

  int found = 0;
  std::vector<std::string> missed;
  for (const GoldFact& g : gold) {
    std::optional<uint64_t> a = lookup(g.subject), b = lookup(g.object);
    std::string why;
    bool ok = false;
    if (!a) {
      why = "subject not in store";
    } else if (!b) {
      why = "object not in store";
    } else {
      std::string seen;
      ok = has_fact(*a, *b, g, &seen) || (g.symmetric && has_fact(*b, *a, g, &seen));
      if (!ok) {
        std::string rev;
        if (!g.symmetric && has_fact(*b, *a, g, &rev)) {
          why = "only in the reverse direction";
        } else {
          why = seen.empty() ? "no edge" : "edge has predicate " + seen;
        }
      }
    }
    if (ok) {
      ++found;
    } else {
      missed.push_back(
          absl::StrFormat("  line %d: %s -> %s (%s)", g.line, g.subject, g.object, why));
    }
  }
  std::printf("facts: found %d/%zu (%.1f%%)\n", found, gold.size(),
              gold.empty() ? 0.0 : 100.0 * found / gold.size());
  for (const std::string& m : missed) std::printf("%s\n", m.c_str());

  if (!entities_path.empty()) {
    std::vector<nlohmann::json> elines;
    if (!ReadJsonl(entities_path, &elines)) return 1;
    absl::flat_hash_map<std::string, std::string> gold_type;  // key -> type
    for (const nlohmann::json& j : elines) {
      std::string name = Str(j, "name"), type = Str(j, "type");
      if (name.empty()) continue;
      gold_type.emplace(kg::TermKey(name), type);
      if (j.contains("aliases") && j["aliases"].is_array()) {
        for (const auto& a : j["aliases"]) {
          if (a.is_string()) gold_type.emplace(kg::TermKey(a.get<std::string>()), type);
        }
      }
    }
    int total = 0, matched = 0, typed = 0;
    std::vector<std::string> extra;
    absl::Status st = s.ForEachEntity([&](const kg::Entity& e) {
      ++total;
      const std::string* type = nullptr;
      if (auto it = gold_type.find(e.key()); it != gold_type.end()) type = &it->second;
      for (const std::string& a : e.aliases()) {
        if (type != nullptr) break;
        if (auto it = gold_type.find(kg::TermKey(a)); it != gold_type.end()) type = &it->second;
      }
      if (type == nullptr) {
        extra.push_back(e.name() + " (" + kg::EntityType_Name(e.type()) + ")");
        return true;
      }
      ++matched;
      if (*type == kg::EntityType_Name(e.type())) ++typed;
      return true;
    });
    if (!st.ok()) {
      std::cerr << "kg-eval facts: " << db << ": " << st.message() << "\n";
      return 1;
    }
    std::printf("entities: precision %d/%d (%.1f%%), type agreement %d/%d\n", matched, total,
                total == 0 ? 0.0 : 100.0 * matched / total, typed, matched);
    for (const std::string& x : extra) std::printf("  not in gold: %s\n", x.c_str());
  }
  return 0;
}
