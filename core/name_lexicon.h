#ifndef KG_CORE_NAME_LEXICON_H_
#define KG_CORE_NAME_LEXICON_H_

// kg::core::NameLexicon: the names labelled in the recogniser's training
// data, with how often each was labelled as each type and how often the same
// words stood outside any labelled name ("Energy" alone, "Coalition"
// lower-cased in a sentence is not matched: matching is case-sensitive).
// The recogniser (feature set 4) marks each word with the longest name
// covering it, its type and how reliably it names something.
//
// Training sees every name in the lexicon, so a model trained on its own
// lexicon would trust it blindly; Annotate() therefore takes counts to
// leave out, those of the training sentence's own document (leave one
// document out), so that the model learns how far a name seen in *other*
// documents predicts the label, as it will be at run time on new text.
//
// Contract: Build() and Annotate() are deterministic; Annotate() is const
// and thread-safe; a lexicon read from a proto refuses inconsistent counts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/iob2.h"
#include "proto/model.pb.h"

namespace kg::core {

class NameLexicon {
 public:
  // Names longer than this many words are not kept.
  static constexpr int kMaxWords = 6;

  // A training sentence: its document, words and BIO labels.
  struct LabelledSentence {
    std::string_view doc;
    const std::vector<std::string>* words;
    const std::vector<std::string>* tags;
  };
  // Counts of one document, to subtract (name index -> counts).
  using DocumentCounts = absl::flat_hash_map<uint32_t, std::vector<uint32_t>>;

  NameLexicon() = default;

  // The names labelled in `sentences` (of `types`, in that order; other
  // types ignored) with per-type counts, then how often each name's words
  // occur outside every labelled span. `per_document` (if set) receives
  // each document's own counts, for Annotate().
  static NameLexicon Build(const std::vector<LabelledSentence>& sentences,
                           const std::vector<std::string>& types,
                           absl::flat_hash_map<std::string, DocumentCounts>* per_document);

  absl::Status FromProto(const NerModel& model);
  void ToProto(NerModel* model) const;

  bool empty() const { return names_.empty(); }
  size_t size() const { return names_.size(); }

  // For each word, out[offset + i] = the feature value of the longest name
  // (with labelled counts left after subtracting `minus`, may be null)
  // starting at or covering it, left to right: "<B|I|L|U><type
  // index><share labelled: a >= .8, b >= .5, c >= .2, d below>", or "-".
  // `freq` (same indexing) gets the type with a count bucket ("1", "2" for
  // 2-4, "5" for more) or "-".
  void Annotate(const std::vector<std::string_view>& words, const DocumentCounts* minus,
                std::vector<std::string>& out, std::vector<std::string>& freq, size_t offset) const;

 private:
  int num_types() const { return static_cast<int>(types_.size()); }
  // The index of the name `words[begin, end)`, -1 if none.
  int Find(const std::vector<std::string_view>& words, size_t begin, size_t end,
           std::string& key) const;

  std::vector<std::string> types_;
  std::vector<std::string> names_;
  // (types + 1) per name: per type, then unlabelled occurrences.
  std::vector<uint32_t> counts_;
  absl::flat_hash_map<std::string, uint32_t> index_;
  absl::flat_hash_map<std::string, uint8_t> longest_from_;  // first word -> most words
};

}  // namespace kg::core

#endif  // KG_CORE_NAME_LEXICON_H_
