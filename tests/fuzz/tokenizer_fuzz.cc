// Fuzzes the tokenizer and the sentence splitter on arbitrary bytes and checks
// the contracts in core/tokenizer.h and core/sentence_splitter.h: every token
// is valid UTF-8 cut exactly from the input, tokens are ordered and disjoint,
// and every sentence spans its first to last token.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<kg::core::Token> tokens = kg::core::Tokenize(text);
  size_t tokens_size = tokens.size();
  uint32_t prev_end = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const kg::core::Token& t = tokens[i];
    FUZZ_CHECK(t.begin < t.end && t.end <= size, "token span out of range");
    FUZZ_CHECK(t.begin >= prev_end, "tokens overlap or go backwards");
    FUZZ_CHECK(t.text == text.substr(t.begin, t.end - t.begin), "token text differs from source");
    FUZZ_CHECK(kg::fuzz::IsValidUtf8(t.text), "token is not valid UTF-8");
    if (i + 1 < tokens.size()) {
      FUZZ_CHECK(t.space_after == (tokens[i + 1].begin != t.end), "space_after is wrong");
    }
    prev_end = t.end;
  }

  std::vector<kg::core::Sentence> sentences = kg::core::SplitSentences(text, std::move(tokens));
  size_t seen = 0;
  uint32_t prev = 0;
  for (const kg::core::Sentence& s : sentences) {
    FUZZ_CHECK(!s.tokens.empty(), "empty sentence");
    FUZZ_CHECK(s.begin == s.tokens.front().begin && s.end == s.tokens.back().end,
               "sentence span is not its first to last token");
    FUZZ_CHECK(s.begin >= prev && s.end <= size, "sentences overlap or leave the text");
    prev = s.end;
    seen += s.tokens.size();
  }
  FUZZ_CHECK(seen == tokens_size, "the splitter lost or invented tokens");
  return 0;
}
