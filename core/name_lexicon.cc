#include "core/name_lexicon.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace kg::core {
namespace {

void JoinInto(const std::vector<std::string_view>& words, size_t begin, size_t end,
              std::string& out) {
  out.clear();
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out.push_back(' ');
    out.append(words[i]);
  }
}

// Debian's abseil has its own string_view: look-ups need it.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

NameLexicon NameLexicon::Build(const std::vector<LabelledSentence>& sentences,
                               const std::vector<std::string>& types,
                               absl::flat_hash_map<std::string, DocumentCounts>* per_document) {
  NameLexicon lex;
  lex.types_ = types;
  const int t = lex.num_types();
  auto type_index = [&](const std::string& type) {
    auto it = std::find(types.begin(), types.end(), type);
    return it == types.end() ? -1 : static_cast<int>(it - types.begin());
  };
  auto count = [&](uint32_t name, int slot, std::string_view doc) {
    ++lex.counts_[name * (t + 1) + slot];
    if (per_document == nullptr) return;
    std::vector<uint32_t>& c = (*per_document)[std::string(doc)][name];
    if (c.empty()) c.assign(t + 1, 0);
    ++c[slot];
  };
  std::vector<std::string_view> words;
  std::string key;
  // Labelled names first (indices in order of first appearance).
  for (const LabelledSentence& s : sentences) {
    words.assign(s.words->begin(), s.words->end());
    for (const NerSpan& span : BioToSpans(*s.tags)) {
      const int type = type_index(span.type);
      if (type < 0 || span.end - span.begin > kMaxWords) continue;
      JoinInto(words, span.begin, span.end, key);
      auto [it, added] = lex.index_.try_emplace(key, static_cast<uint32_t>(lex.names_.size()));
      if (added) {
        lex.names_.push_back(key);
        lex.counts_.resize(lex.counts_.size() + t + 1, 0);
        uint8_t& longest = lex.longest_from_[std::string(words[span.begin])];
        longest = std::max<uint8_t>(longest, static_cast<uint8_t>(span.end - span.begin));
      }
      count(it->second, type, s.doc);
    }
  }
  // Then the same words standing outside every labelled span.
  std::vector<char> inside;
  for (const LabelledSentence& s : sentences) {
    words.assign(s.words->begin(), s.words->end());
    inside.assign(words.size(), 0);
    for (const NerSpan& span : BioToSpans(*s.tags)) {
      for (int i = span.begin; i < span.end; ++i) inside[i] = 1;
    }
    for (size_t i = 0; i < words.size(); ++i) {
      auto longest = lex.longest_from_.find(Key(words[i]));
      if (longest == lex.longest_from_.end()) continue;
      for (size_t n = 1; n <= longest->second && i + n <= words.size(); ++n) {
        if (inside[i + n - 1]) break;
        JoinInto(words, i, i + n, key);
        auto it = lex.index_.find(key);
        if (it != lex.index_.end()) count(it->second, t, s.doc);
      }
    }
  }
  return lex;
}

absl::Status NameLexicon::FromProto(const NerModel& model) {
  *this = NameLexicon();
  types_.assign(model.lexicon_types().begin(), model.lexicon_types().end());
  const size_t t = types_.size();
  if (static_cast<size_t>(model.lexicon_counts_size()) != model.lexicon_names_size() * (t + 1)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("recogniser name lexicon: %d counts for %d names of %d types",
                        model.lexicon_counts_size(), model.lexicon_names_size(), t));
  }
  names_.assign(model.lexicon_names().begin(), model.lexicon_names().end());
  counts_.assign(model.lexicon_counts().begin(), model.lexicon_counts().end());
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!index_.try_emplace(names_[i], static_cast<uint32_t>(i)).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("recogniser name lexicon: \"%s\" twice", names_[i]));
    }
    const std::string& name = names_[i];
    const size_t words = std::count(name.begin(), name.end(), ' ') + 1;
    if (name.empty() || words > kMaxWords) {
      return absl::InvalidArgumentError(
          absl::StrFormat("recogniser name lexicon: bad name \"%s\"", name));
    }
    uint8_t& longest = longest_from_[name.substr(0, name.find(' '))];
    longest = std::max<uint8_t>(longest, static_cast<uint8_t>(words));
  }
  return absl::OkStatus();
}

void NameLexicon::ToProto(NerModel* model) const {
  model->clear_lexicon_names();
  model->clear_lexicon_types();
  model->clear_lexicon_counts();
  for (const std::string& type : types_) model->add_lexicon_types(type);
  for (const std::string& name : names_) model->add_lexicon_names(name);
  for (uint32_t c : counts_) model->add_lexicon_counts(c);
}

int NameLexicon::Find(const std::vector<std::string_view>& words, size_t begin, size_t end,
                      std::string& key) const {
  JoinInto(words, begin, end, key);
  auto it = index_.find(key);
  return it == index_.end() ? -1 : static_cast<int>(it->second);
}

void NameLexicon::Annotate(const std::vector<std::string_view>& words, const DocumentCounts* minus,
                           std::vector<std::string>& out, std::vector<std::string>& freq,
                           size_t offset) const {
  const int t = num_types();
  thread_local std::string key;
  thread_local std::vector<uint32_t> c;
  size_t i = 0;
  while (i < words.size()) {
    size_t found = 0;
    auto longest = longest_from_.find(Key(words[i]));
    if (longest != longest_from_.end()) {
      for (size_t n = std::min<size_t>(longest->second, words.size() - i); n >= 1; --n) {
        const int name = Find(words, i, i + n, key);
        if (name < 0) continue;
        c.assign(counts_.begin() + name * (t + 1), counts_.begin() + (name + 1) * (t + 1));
        if (minus != nullptr) {
          auto own = minus->find(static_cast<uint32_t>(name));
          if (own != minus->end()) {
            for (int k = 0; k <= t; ++k) c[k] -= own->second[k];
          }
        }
        uint32_t labelled = 0;
        int top = 0;
        for (int k = 0; k < t; ++k) {
          labelled += c[k];
          if (c[k] > c[top]) top = k;
        }
        if (labelled == 0) continue;
        const double share = static_cast<double>(labelled) / (labelled + c[t]);
        const char bucket = share >= 0.8 ? 'a' : share >= 0.5 ? 'b' : share >= 0.2 ? 'c' : 'd';
        const char count = labelled == 1 ? '1' : labelled < 5 ? '2' : '5';
        for (size_t k = i; k < i + n; ++k) {
          std::string& o = out[offset + k];
          o.assign(1, n == 1 ? 'U' : k == i ? 'B' : k + 1 == i + n ? 'L' : 'I');
          o.push_back(static_cast<char>('0' + top));
          o.push_back(bucket);
          std::string& f = freq[offset + k];
          f.assign(1, static_cast<char>('0' + top));
          f.push_back(count);
        }
        found = n;
        break;
      }
    }
    if (found == 0) {
      out[offset + i].assign("-");
      freq[offset + i].assign("-");
      found = 1;
    }
    i += found;
  }
}

}  // namespace kg::core
