// Fuzzes the whole extraction pipeline (kg::core::Extractor) on short texts,
// in rule-based mode and, when a model file is present, in model mode (the
// first input byte chooses). Checks core/extractor.h and proto/kg.proto:
// Extract never crashes; every evidence span cuts exactly its sentence out of
// the input; facts name entities that are in the result, by their TermKey.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/extractor.h"
#include "proto/term_key.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const kg::core::Extractor* Get(bool model) {
  static const kg::core::Extractor* rules = [] {
    kg::core::ExtractorOptions o;
    o.use_model = false;
    auto x = kg::core::Extractor::Create(o);
    FUZZ_CHECK(x.ok(), "rule-based extractor: " + std::string(x.status().message()));
    return x->release();
  }();
  static const kg::core::Extractor* with_model = []() -> const kg::core::Extractor* {
    auto x = kg::core::Extractor::Create({});
    if (!x.ok()) {
      std::fprintf(stderr, "no model mode: %s\n", std::string(x.status().message()).c_str());
      return nullptr;
    }
    return x->release();
  }();
  return model && with_model != nullptr ? with_model : rules;
}

}  // namespace

// Loading the lexicon and the model takes seconds (more on a loaded machine
// under ASan); done here, it is outside libFuzzer's per-input timeout, which
// once fired on the first input during a long local run.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  Get(false);
  Get(true);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  const kg::core::Extractor* extractor = Get(data[0] & 1);
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  kg::Document doc;
  doc.set_id("/fuzz/input.txt");
  doc.set_source("/fuzz/input.txt");
  absl::StatusOr<kg::DocumentFacts> facts = extractor->Extract(doc, text);
  if (!facts.ok()) {
    FUZZ_CHECK(facts.status().code() == absl::StatusCode::kInvalidArgument,
               std::string(facts.status().message()));
    return 0;
  }
  FUZZ_CHECK(facts->document().id() == doc.id(), "document id changed");
  std::set<std::string> keys;
  for (const kg::Entity& e : facts->entities()) {
    FUZZ_CHECK(!e.key().empty(), "entity without a key: " + e.name());
    FUZZ_CHECK(e.key() == kg::TermKey(e.name()), "entity key is not TermKey(name): " + e.name());
    FUZZ_CHECK(kg::fuzz::IsValidUtf8(e.name()), "entity name is not valid UTF-8");
    keys.insert(e.key());
  }
  for (const kg::ExtractedFact& f : facts->facts()) {
    FUZZ_CHECK(keys.count(f.subject()) && keys.count(f.object()),
               "fact names an entity that is not in the result: " + f.subject() + " / " +
                   f.object());
    FUZZ_CHECK(!f.predicate().empty(), "fact without a predicate");
    const kg::Evidence& ev = f.evidence();
    FUZZ_CHECK(ev.start() < ev.end() && ev.end() <= text.size(), "evidence span out of range");
    FUZZ_CHECK(text.substr(ev.start(), ev.end() - ev.start()) == ev.text(),
               "evidence text is not source[start, end)");
    if (ev.mention_end() > 0) {
      FUZZ_CHECK(ev.start() <= ev.mention_start() && ev.mention_start() < ev.mention_end() &&
                     ev.mention_end() <= ev.end(),
                 "mention span outside the sentence");
    }
  }
  return 0;
}
