#ifndef KG_TESTS_CORE_EXTRACTION_TESTUTIL_H_
#define KG_TESTS_CORE_EXTRACTION_TESTUTIL_H_

// Helpers for extraction tests: run the rule-based Extractor on a text and
// look facts, entities and merges up by name.

#include <string>
#include <string_view>

#include "core/extractor.h"
#include "proto/kg.pb.h"

namespace kg::core::testing {

// Extracts with `extractor` (document id "test-doc"); fails the test on error.
DocumentFacts ExtractWith(const Extractor* extractor, std::string_view text);
// Extracts with the rule-based extractor (no model); fails the test on error.
DocumentFacts ExtractRules(std::string_view text);
// Extracts with the shipped model (loaded once per process).
DocumentFacts ExtractModel(std::string_view text);

const Entity* FindEntity(const DocumentFacts& facts, std::string_view name);
// A fact between the entities named (by TermKey of the names), in either
// direction when `directed` is false; predicate "" matches any.
const ExtractedFact* FindFact(const DocumentFacts& facts, std::string_view subject,
                              std::string_view predicate, std::string_view object,
                              bool directed = true);
const Merge* FindMerge(const DocumentFacts& facts, std::string_view alias);

// "subject --predicate--> object [flags]" lines, for failure messages.
std::string Dump(const DocumentFacts& facts);

}  // namespace kg::core::testing

#endif  // KG_TESTS_CORE_EXTRACTION_TESTUTIL_H_
