#include "tests/query/fake_store_testutil.h"

#include <algorithm>

#include "absl/status/status.h"
#include "proto/term_key.h"

namespace kg::query::testing {

namespace {

uint64_t Scramble(uint64_t x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t PredicateId(const std::string& p) { return std::hash<std::string>()(p) | 1; }

}  // namespace

uint64_t FakeStore::AddEntity(const std::string& name, EntityType type, const std::vector<std::string>& aliases) {
  uint64_t id = Scramble(++next_);
  Entity e;
  e.set_id(id);
  e.set_name(name);
  e.set_type(type);
  e.set_key(TermKey(name));
  e.set_mentions(1);
  e.set_documents(1);
  for (const std::string& a : aliases) {
    e.add_aliases(a);
    terms_[TermKey(a)] = id;
  }
  terms_[e.key()] = id;
  entities_[id] = e;
  ++version_;
  return id;
}

Evidence FakeStore::MakeEvidence(const std::string& doc, uint32_t sentence, const std::string& text,
                                 const std::string& date) {
  Evidence e;
  e.set_doc_id(doc);
  e.set_sentence(sentence);
  e.set_start(sentence * 100);
  e.set_end(sentence * 100 + text.size());
  e.set_text(text);
  e.set_date(date);
  return e;
}

void FakeStore::AddFact(uint64_t subject, const std::string& predicate, uint64_t object, float confidence,
                        uint32_t flags, const std::vector<Evidence>& evidence) {
  FactKey key{subject, predicate, object};
  auto [it, inserted] = facts_.try_emplace(key);
  Fact& f = it->second;
  if (inserted) {
    f.set_subject(subject);
    f.set_predicate(predicate);
    f.set_predicate_id(PredicateId(predicate));
    f.set_object(object);
  }
  f.set_confidence(std::max(f.confidence(), confidence));
  f.set_flags(f.flags() | flags);
  auto& ev = evidence_[key];
  ev.insert(ev.end(), evidence.begin(), evidence.end());
  f.set_support(std::max<uint32_t>(1, ev.size()));
  ++version_;
}

absl::StatusOr<storage::PutResult> FakeStore::PutDocument(const DocumentFacts& doc) {
  storage::PutResult result;
  documents_[doc.document().id()] = doc.document();
  for (const Entity& e : doc.entities()) {
    if (terms_.count(e.key())) continue;
    std::vector<std::string> aliases(e.aliases().begin(), e.aliases().end());
    AddEntity(e.name(), e.type(), aliases);
    ++result.entities;
  }
  for (const ExtractedFact& f : doc.facts()) {
    auto s = terms_.find(f.subject());
    auto o = terms_.find(f.object());
    if (s == terms_.end() || o == terms_.end()) {
      return absl::InvalidArgumentError("fact names an entity the document does not carry");
    }
    AddFact(s->second, f.predicate(), o->second, f.confidence(), f.flags(), {f.evidence()});
    ++result.facts;
    ++result.evidence;
  }
  result.changed = true;
  return result;
}

absl::Status FakeStore::ForgetDocument(std::string_view) { return absl::UnimplementedError("fake"); }

absl::StatusOr<std::optional<Document>> FakeStore::GetDocument(std::string_view doc_id) {
  auto it = documents_.find(std::string(doc_id));
  if (it == documents_.end()) return std::optional<Document>();
  return std::optional<Document>(it->second);
}

absl::StatusOr<std::optional<Entity>> FakeStore::GetEntity(uint64_t id) {
  auto it = entities_.find(id);
  if (it == entities_.end()) return std::optional<Entity>();
  return std::optional<Entity>(it->second);
}

absl::StatusOr<std::optional<uint64_t>> FakeStore::LookupTerm(std::string_view key) {
  auto it = terms_.find(std::string(key));
  if (it == terms_.end()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(it->second);
}

absl::Status FakeStore::ForEachEntity(const std::function<bool(const Entity&)>& fn) {
  for (const auto& [id, e] : entities_) {
    if (!fn(e)) break;
  }
  return absl::OkStatus();
}

absl::Status FakeStore::ForEachDocument(const std::function<bool(const Document&)>& fn) {
  for (const auto& [id, d] : documents_) {
    if (!fn(d)) break;
  }
  return absl::OkStatus();
}

absl::Status FakeStore::ForEachFact(const std::function<bool(const Fact&)>& fn) {
  ++fact_scans_;
  for (const auto& [k, f] : facts_) {
    if (!fn(f)) break;
  }
  return absl::OkStatus();
}

absl::Status FakeStore::FactsFrom(uint64_t subject, const std::function<bool(const Fact&)>& fn) {
  for (auto it = facts_.lower_bound(FactKey{subject, "", 0}); it != facts_.end() && it->second.subject() == subject;
       ++it) {
    if (!fn(it->second)) break;
  }
  return absl::OkStatus();
}

absl::Status FakeStore::FactsTo(uint64_t object, const std::function<bool(const Fact&)>& fn) {
  for (const auto& [k, f] : facts_) {
    if (f.object() == object && !fn(f)) break;
  }
  return absl::OkStatus();
}

absl::Status FakeStore::ForEachEvidence(const Fact& fact, const std::function<bool(const Evidence&)>& fn) {
  auto it = evidence_.find(FactKey{fact.subject(), fact.predicate(), fact.object()});
  if (it == evidence_.end()) return absl::OkStatus();
  for (const Evidence& e : it->second) {
    if (!fn(e)) break;
  }
  return absl::OkStatus();
}

absl::Status FakeStore::ForEachMerge(std::string_view, const std::function<bool(const Merge&)>&) {
  return absl::OkStatus();
}

absl::StatusOr<storage::StoreStats> FakeStore::Stats() {
  storage::StoreStats s;
  s.entities = entities_.size();
  s.facts = facts_.size();
  s.documents = documents_.size();
  for (const auto& [k, v] : evidence_) s.evidence += v.size();
  return s;
}

}  // namespace kg::query::testing
