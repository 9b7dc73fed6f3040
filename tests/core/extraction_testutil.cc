#include "tests/core/extraction_testutil.h"

#include <memory>

#include "core/extractor.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"

namespace kg::core::testing {

DocumentFacts ExtractWith(const Extractor* extractor, std::string_view text) {
  if (extractor == nullptr) return {};
  Document doc;
  doc.set_id("test-doc");
  absl::StatusOr<DocumentFacts> facts = extractor->Extract(doc, text);
  EXPECT_TRUE(facts.ok()) << facts.status();
  return facts.ok() ? *facts : DocumentFacts();
}

// Extractors are built once per process (the model takes a while to load).
const Extractor* SharedExtractor(bool use_model) {
  auto make = [](bool model) -> const Extractor* {
    ExtractorOptions options;
    options.use_model = model;
    absl::StatusOr<std::unique_ptr<Extractor>> e = Extractor::Create(options);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? e->release() : nullptr;
  };
  static const Extractor* rules = make(false);
  if (!use_model) return rules;
  static const Extractor* model = make(true);
  return model;
}

DocumentFacts ExtractRules(std::string_view text) {
  return ExtractWith(SharedExtractor(/*use_model=*/false), text);
}

DocumentFacts ExtractModel(std::string_view text) {
  return ExtractWith(SharedExtractor(/*use_model=*/true), text);
}

const Entity* FindEntity(const DocumentFacts& facts, std::string_view name) {
  std::string key = TermKey(name);
  for (const Entity& e : facts.entities()) {
    if (e.key() == key) return &e;
  }
  return nullptr;
}

const ExtractedFact* FindFact(const DocumentFacts& facts, std::string_view subject,
                              std::string_view predicate, std::string_view object,
                              bool directed) {
  std::string s = TermKey(subject), o = TermKey(object);
  for (const ExtractedFact& f : facts.facts()) {
    if (!predicate.empty() && f.predicate() != predicate) continue;
    if (f.subject() == s && f.object() == o) return &f;
    if (!directed && f.subject() == o && f.object() == s) return &f;
  }
  return nullptr;
}

const Merge* FindMerge(const DocumentFacts& facts, std::string_view alias) {
  for (const Merge& m : facts.merges()) {
    if (m.alias() == alias) return &m;
  }
  return nullptr;
}

std::string Dump(const DocumentFacts& facts) {
  std::string out = "entities:";
  for (const Entity& e : facts.entities()) {
    out += " [" + e.name() + "/" + EntityType_Name(e.type()) + "]";
  }
  out += "\nfacts:\n";
  for (const ExtractedFact& f : facts.facts()) {
    out += "  " + f.subject() + " --" + f.predicate() + "--> " + f.object() +
           " flags=" + std::to_string(f.flags()) + "\n";
  }
  return out;
}

}  // namespace kg::core::testing
