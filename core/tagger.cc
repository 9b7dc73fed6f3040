#include "core/tagger.h"

#include <algorithm>
#include <limits>
#include <map>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

constexpr int kMinDictCount = 20;
constexpr double kMinDictShare = 0.97;

// Per-word strings computed once per sentence, with two pads either side.
// Fill() overwrites the strings in place, so a Context reused across
// sentences (Run keeps one per thread) allocates only for longer sentences.
struct Context {
  std::vector<std::string> form, norm, shape;
  std::vector<char> cap;  // bucket '0'..'4', '?' unknown, 0 without a table
  void Fill(const std::vector<std::string_view>& words, const CapitalizationTable& caps) {
    const size_t n = words.size() + 4;
    for (auto* v : {&form, &norm, &shape}) {
      if (v->size() < n) v->resize(n);
      (*v)[0].assign("-S2-");
      (*v)[1].assign("-S1-");
      (*v)[n - 2].assign("-E1-");
      (*v)[n - 1].assign("-E2-");
    }
    cap.assign(n, caps.empty() ? 0 : '-');
    for (size_t i = 0; i < words.size(); ++i) {
      form[i + 2].assign(words[i]);
      NormalizeWordInto(words[i], norm[i + 2]);
      WordShapeInto(words[i], shape[i + 2]);
      if (!caps.empty()) {
        auto it = caps.find(absl::string_view(norm[i + 2].data(), norm[i + 2].size()));
        cap[i + 2] = it == caps.end() ? '?' : static_cast<char>('0' + it->second);
      }
    }
  }
};

// Features of word i (0-based) given the two previous classes' labels.
void Features(const Context& c, size_t i, std::string_view p1, std::string_view p2,
              std::vector<uint64_t>& out) {
  out.clear();
  const size_t k = i + 2;
  const std::string& w = c.norm[k];
  out.push_back(FeatureHash(0, ""));
  out.push_back(FeatureHash(1, w));
  out.push_back(FeatureHash(2, Suffix(w, 3)));
  out.push_back(FeatureHash(3, Suffix(w, 2)));
  out.push_back(FeatureHash(4, Prefix(w, 1)));
  out.push_back(FeatureHash(5, c.shape[k]));
  out.push_back(FeatureHash(6, p1));
  out.push_back(FeatureHash(7, p2));
  out.push_back(FeatureHash(8, p1, p2));
  out.push_back(FeatureHash(9, p1, w));
  out.push_back(FeatureHash(10, c.norm[k - 1]));
  out.push_back(FeatureHash(11, Suffix(c.norm[k - 1], 3)));
  out.push_back(FeatureHash(12, c.norm[k - 2]));
  out.push_back(FeatureHash(13, c.norm[k + 1]));
  out.push_back(FeatureHash(14, Suffix(c.norm[k + 1], 3)));
  out.push_back(FeatureHash(15, c.norm[k + 2]));
  out.push_back(FeatureHash(16, c.shape[k + 1]));
  out.push_back(FeatureHash(17, c.shape[k - 1]));
  out.push_back(FeatureHash(18, c.form[k]));
  out.push_back(FeatureHash(19, Suffix(w, 4)));
  out.push_back(FeatureHash(20, w, c.norm[k + 1]));
  out.push_back(FeatureHash(21, c.norm[k - 1], w));
  out.push_back(FeatureHash(22, Suffix(w, 1)));
  out.push_back(FeatureHash(23, Prefix(w, 3)));
  out.push_back(FeatureHash(24, p1, Suffix(w, 3)));
  out.push_back(FeatureHash(25, i == 0 ? "first" : "rest", c.shape[k]));
  out.push_back(FeatureHash(26, c.norm[k - 1], c.norm[k + 1]));
  out.push_back(FeatureHash(27, Suffix(w, 5)));
  if (c.cap[k] != 0) {
    const std::string_view cap(&c.cap[k], 1), next(&c.cap[k + 1], 1);
    out.push_back(FeatureHash(28, cap));
    out.push_back(FeatureHash(29, cap, c.shape[k]));
    out.push_back(FeatureHash(30, cap, i == 0 ? "first" : "rest"));
    out.push_back(FeatureHash(31, p1, cap));
    out.push_back(FeatureHash(32, cap, next));
  }
}

int Argmax(const std::vector<float>& scores) {
  int best = 0;
  for (int c = 1; c < static_cast<int>(scores.size()); ++c) {
    if (scores[c] > scores[best]) best = c;
  }
  return best;
}

std::string Label(const ConlluToken& t) { return t.upos + " " + t.xpos; }

}  // namespace

absl::StatusOr<TaggerModel> TrainTagger(const std::vector<ConlluSentence>& train,
                                        const TaggerTrainOptions& options) {
  // Classes in first-seen order, and word counts for the tag dictionary.
  std::vector<std::string> labels;
  absl::flat_hash_map<std::string, int> label_index;
  std::map<std::string, std::map<int, int>> counts;  // ordered: deterministic output
  size_t words = 0;
  for (const ConlluSentence& s : train) {
    for (const ConlluToken& t : s.tokens) {
      auto [it, inserted] = label_index.try_emplace(Label(t), static_cast<int>(labels.size()));
      if (inserted) labels.push_back(Label(t));
      ++counts[t.form][it->second];
      ++words;
    }
  }
  if (words == 0) return absl::InvalidArgumentError("tagger training data has no words");
  TaggerModel model;
  absl::flat_hash_map<std::string, int> dict;
  for (const auto& [form, by_label] : counts) {
    int total = 0, best = 0, best_label = 0;
    for (const auto& [label, n] : by_label) {
      total += n;
      if (n > best) best = n, best_label = label;
    }
    if (total >= kMinDictCount && best >= kMinDictShare * total) {
      dict[form] = best_label;
      model.add_dict_words(form);
      model.add_dict_labels(static_cast<uint32_t>(best_label));
    }
  }

  AveragedPerceptron perceptron(static_cast<int>(labels.size()));
  std::vector<size_t> order(train.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  Context ctx;
  std::vector<uint64_t> features;
  std::vector<float> scores(labels.size());
  std::vector<std::string_view> forms;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    size_t right = 0, seen = 0;
    for (size_t si : order) {
      const ConlluSentence& s = train[si];
      forms.clear();
      for (const ConlluToken& t : s.tokens) forms.push_back(t.form);
      ctx.Fill(forms, options.capitalization);
      std::string_view p1 = "-S1-", p2 = "-S2-";
      for (size_t i = 0; i < s.tokens.size(); ++i) {
        int truth = label_index.at(Label(s.tokens[i]));
        int guess;
        auto d = dict.find(s.tokens[i].form);
        if (d != dict.end()) {
          guess = d->second;
        } else {
          Features(ctx, i, p1, p2, features);
          std::fill(scores.begin(), scores.end(), 0.0f);
          perceptron.Score(features, absl::MakeSpan(scores));
          guess = Argmax(scores);
          perceptron.Update(features, truth, guess);
        }
        right += guess == truth;
        ++seen;
        p2 = p1;
        p1 = labels[guess];
      }
    }
    if (options.log) {
      options.log(absl::StrFormat("tagger epoch %d: train accuracy %.2f%%, %d features", epoch + 1,
                                  100.0 * right / std::max<size_t>(seen, 1),
                                  perceptron.num_features()));
    }
  }
  perceptron.Average();
  for (const std::string& l : labels) model.add_labels(l);
  perceptron.ToProto(model.mutable_weights(), options.prune);
  std::vector<std::pair<std::string, uint8_t>> caps(options.capitalization.begin(),
                                                    options.capitalization.end());
  std::sort(caps.begin(), caps.end());
  std::string buckets;
  for (const auto& [word, bucket] : caps) {
    model.add_cap_words(word);
    buckets.push_back(static_cast<char>(bucket));
  }
  model.set_cap_buckets(buckets);
  return model;
}

absl::StatusOr<Tagger> Tagger::FromProto(const TaggerModel& model) {
  Tagger t;
  auto weights = PerceptronScorer::FromProto(model.weights());
  if (!weights.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("tagger model: ", weights.status().message()));
  }
  t.model_ = std::move(*weights);
  if (model.labels_size() != t.model_.num_classes()) {
    return absl::InvalidArgumentError(absl::StrFormat("tagger model: %d labels for %d classes",
                                                      model.labels_size(), t.model_.num_classes()));
  }
  for (const std::string& l : model.labels()) {
    std::vector<std::string> parts = absl::StrSplit(l, absl::MaxSplits(' ', 1));
    t.labels_.push_back(l);
    t.upos_.push_back(parts[0]);
    t.xpos_.push_back(parts.size() > 1 ? parts[1] : "");
  }
  if (model.dict_words_size() != model.dict_labels_size()) {
    return absl::InvalidArgumentError("tagger model: tag dictionary is inconsistent");
  }
  for (int i = 0; i < model.dict_words_size(); ++i) {
    if (model.dict_labels(i) >= t.labels_.size()) {
      return absl::InvalidArgumentError("tagger model: tag dictionary class out of range");
    }
    t.dict_[model.dict_words(i)] = static_cast<int>(model.dict_labels(i));
  }
  if (static_cast<size_t>(model.cap_words_size()) != model.cap_buckets().size()) {
    return absl::InvalidArgumentError("tagger model: capitalisation table is inconsistent");
  }
  t.capitalization_.reserve(model.cap_words_size());
  for (int i = 0; i < model.cap_words_size(); ++i) {
    t.capitalization_[model.cap_words(i)] = static_cast<uint8_t>(model.cap_buckets()[i]);
  }
  return t;
}

std::vector<int> Tagger::Run(const std::vector<std::string_view>& words) const {
  std::vector<int> out(words.size(), 0);
  if (labels_.empty()) return out;
  thread_local Context ctx;
  ctx.Fill(words, capitalization_);
  thread_local std::vector<uint64_t> features;
  thread_local std::vector<float> scores;
  scores.resize(labels_.size());
  std::string_view p1 = "-S1-", p2 = "-S2-";
  for (size_t i = 0; i < words.size(); ++i) {
    auto d = dict_.find(absl::string_view(words[i].data(), words[i].size()));
    int guess;
    if (d != dict_.end()) {
      guess = d->second;
    } else {
      Features(ctx, i, p1, p2, features);
      std::fill(scores.begin(), scores.end(), 0.0f);
      model_.Score(features, absl::MakeSpan(scores));
      guess = Argmax(scores);
    }
    out[i] = guess;
    p2 = p1;
    p1 = labels_[guess];
  }
  return out;
}

void Tagger::Tag(std::vector<Token>& tokens) const {
  std::vector<std::string_view> words;
  words.reserve(tokens.size());
  for (const Token& t : tokens) words.push_back(t.text);
  std::vector<int> classes = Run(words);
  for (size_t i = 0; i < tokens.size() && !labels_.empty(); ++i) {
    tokens[i].upos = upos_[classes[i]];
    tokens[i].xpos = xpos_[classes[i]];
  }
}

void Tagger::Tag(ConlluSentence& sentence) const {
  std::vector<std::string_view> words;
  words.reserve(sentence.tokens.size());
  for (const ConlluToken& t : sentence.tokens) words.push_back(t.form);
  std::vector<int> classes = Run(words);
  for (size_t i = 0; i < sentence.tokens.size() && !labels_.empty(); ++i) {
    sentence.tokens[i].upos = upos_[classes[i]];
    sentence.tokens[i].xpos = xpos_[classes[i]];
  }
}

}  // namespace kg::core
