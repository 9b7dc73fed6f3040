#include "core/name_types.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

// 1 PERSON, 2 ORG, 3 LOC, 4 other names, 0 none (values, times, O).
int TypeSlot(std::string_view tag) {
  if (tag.size() < 3) return 0;
  const std::string_view type = tag.substr(2);
  if (type == "PERSON") return 1;
  if (type == "ORG") return 2;
  if (type == "LOC" || type == "GPE") return 3;
  if (type == "MISC" || type == "EVENT") return 4;
  return 0;
}

char ShareBucket(uint32_t part, uint32_t total) {
  const double r = static_cast<double>(part) / total;
  return r < 0.1 ? '0' : r < 0.4 ? '1' : r < 0.75 ? '2' : '3';
}

}  // namespace

void NameTypeTable::Add(const std::vector<std::string>& words,
                        const std::vector<std::string>& tags) {
  for (size_t i = 0; i < words.size() && i < tags.size(); ++i) {
    if (!StartsUpper(words[i])) continue;
    auto& c = counts_[NormalizedWord(words[i])];
    ++c[0];
    const int slot = TypeSlot(tags[i]);
    if (slot > 0) ++c[slot];
  }
}

void NameTypeTable::Finish(int min_count) {
  values_.clear();
  for (const auto& [word, c] : counts_) {
    if (c[0] < static_cast<uint32_t>(min_count)) continue;
    values_[word] =
        absl::StrFormat("P%cO%cL%cM%c%c", ShareBucket(c[1], c[0]), ShareBucket(c[2], c[0]),
                        ShareBucket(c[3], c[0]), ShareBucket(c[4], c[0]),
                        c[0] < 10    ? 'a'
                        : c[0] < 100 ? 'b'
                                     : 'c');
  }
  counts_.clear();
}

const std::string* NameTypeTable::Find(std::string_view normalized) const {
  auto it = values_.find(absl::string_view(normalized.data(), normalized.size()));
  return it == values_.end() ? nullptr : &it->second;
}

void NameTypeTable::ToProto(NerModel* out) const {
  std::vector<std::pair<std::string, std::string>> sorted(values_.begin(), values_.end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [word, value] : sorted) {
    out->add_type_words(word);
    out->add_type_values(value);
  }
}

absl::Status NameTypeTable::FromProto(const NerModel& in) {
  if (in.type_words_size() != in.type_values_size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("recogniser model: %d name-type words for %d values", in.type_words_size(),
                        in.type_values_size()));
  }
  values_.clear();
  values_.reserve(in.type_words_size());
  for (int i = 0; i < in.type_words_size(); ++i) values_[in.type_words(i)] = in.type_values(i);
  return absl::OkStatus();
}

}  // namespace kg::core
