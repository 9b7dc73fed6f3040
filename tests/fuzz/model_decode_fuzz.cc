// Fuzzes the decoding and validation of the language model (the ModelSet in
// models/en.kgm, after its gzip layer): the input is a serialised ModelSet.
// Analyzer::FromModelSet must refuse a malformed model with an error, never
// crash; an accepted model must analyse a sentence without crashing and
// produce a well-formed analysis (heads inside the sentence, tokens in order).

#include <cstdint>
#include <string>

#include "core/analyzer.h"
#include "proto/model.pb.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kg::ModelSet models;
  if (!models.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto analyzer = kg::core::Analyzer::FromModelSet(models);
  if (!analyzer.ok()) {
    FUZZ_CHECK(!analyzer.status().message().empty(), "a refusal without a message");
    return 0;
  }
  static const std::string kText =
      "Secretary Blinken met officials of Mexico in Washington on March 18, 2021. "
      "The United States funded the Merida Initiative with $4 billion.";
  kg::core::Analysis a = (*analyzer)->Analyze(kText);
  for (const kg::core::Sentence& s : a.sentences) {
    const int n = static_cast<int>(s.tokens.size());
    for (const kg::core::Token& t : s.tokens) {
      FUZZ_CHECK(t.head >= -1 && t.head < n, "head outside the sentence");
      FUZZ_CHECK(t.begin < t.end && t.end <= kText.size(), "token outside the text");
    }
  }
  return 0;
}
