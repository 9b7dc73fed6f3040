#ifndef KG_CORE_EXTRACTOR_H_
#define KG_CORE_EXTRACTOR_H_

// kg::core::Extractor: text of one document -> DocumentFacts (entities,
// facts with evidence, alias merges). The whole of core/ sits behind this.
//
// Contract:
//  - Extract() is const and thread-safe: loader workers share one Extractor.
//  - Every fact's evidence span [start, end) cuts exactly the evidence text
//    out of `text` (byte offsets into the bytes given).
//  - Invalid input is an error naming the byte offset; the caller names the
//    file. Extract never throws.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/resolver.h"
#include "proto/kg.pb.h"

namespace kg::core {

struct ExtractorOptions {
  // Model file for the tagger/parser/recogniser; empty = models/ default.
  std::string model_path;
  // false: rule-based extraction only, even when a model is available
  // (tests, and comparisons between the two modes).
  bool use_model = true;
  // Merges the user undid (`kg unmerge`); every document honours them, and
  // its Document.resolution is set to ResolutionFingerprint(blocked_merges).
  std::vector<BlockedMerge> blocked_merges;
  // Parse every sentence with mentions, as before the lazy parse (model
  // mode; same facts, slower): for comparisons and the test that shows the
  // facts are the same.
  bool parse_all = false;
};

class Extractor {
 public:
  static absl::StatusOr<std::unique_ptr<Extractor>> Create(const ExtractorOptions& options = {});
  virtual ~Extractor() = default;

  // `doc` carries id, source, date and title (the caller fills the content
  // hash); the returned DocumentFacts.document is `doc` completed with what
  // extraction learnt (title, dateline date, sentence count).
  virtual absl::StatusOr<DocumentFacts> Extract(const Document& doc,
                                                std::string_view text) const = 0;
};

}  // namespace kg::core

#endif  // KG_CORE_EXTRACTOR_H_
