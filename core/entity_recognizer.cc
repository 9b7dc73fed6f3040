#include "core/entity_recognizer.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/cpu_features.h"
#include "core/feature_hash.h"
#include "core/iob2.h"
#include "core/linear_chain_crf.h"
#include "core/name_lexicon.h"
#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

// Padded per-word strings: two pads either side. Fill() overwrites the
// strings in place, so a Context reused across sentences (Recognize keeps one
// per thread) allocates only when a sentence is longer than any before.
struct Context {
  std::vector<std::string> norm, shape, gaz, cap, c0, c1, c2, c3;
  // NerModel.cluster_templates: which templates the word classes feed.
  uint32_t cluster_templates = 0;
  std::vector<std::string_view> form, upos, xpos;  // the caller's words and tags
  // Feature set 1: case-folded gazetteer match, WordNet name parts, position
  // in a run of capitalised words.
  std::vector<std::string> gazf, parts, run;
  // Feature set 4: the training-name lexicon's mark and type-count bucket
  // (empty strings inside the sentence when the model has no lexicon).
  std::vector<std::string> lex, lexf;
  // Feature set 6: the word's value in the corpus name-type table (empty
  // strings inside the sentence when the model has no table).
  std::vector<std::string> types;
  std::vector<GazetteerMatcher::Match> matches, folded;

  void Fill(const std::vector<std::string_view>& words, const std::vector<std::string_view>& up,
            const std::vector<std::string_view>& xp, const GazetteerMatcher* gazetteers,
            const CapitalizationTable& caps, const WordClusters& clusters, uint32_t feature_set,
            const NameTypeTable* name_types = nullptr) {
    const size_t n = words.size() + 4;
    for (auto* v :
         {&norm, &shape, &gaz, &cap, &c0, &c1, &c2, &c3, &gazf, &parts, &run, &lex, &lexf,
          &types}) {
      if (v->size() < n) v->resize(n);
      (*v)[0].assign("-S2-");
      (*v)[1].assign("-S1-");
      (*v)[n - 2].assign("-E1-");
      (*v)[n - 1].assign("-E2-");
    }
    for (auto* v : {&form, &upos, &xpos}) {
      v->assign(n, std::string_view());
      (*v)[0] = "-S2-";
      (*v)[1] = "-S1-";
      (*v)[n - 2] = "-E1-";
      (*v)[n - 1] = "-E2-";
    }
    matches.clear();
    if (gazetteers != nullptr) matches = gazetteers->Find(words);
    // A decimal number (as std::to_string) into `out`.
    auto number = [](std::string& out, unsigned v) {
      char buf[16];
      char* end = buf + sizeof(buf);
      char* p = end;
      do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
      } while (v != 0);
      out.assign(p, end - p);
    };
    // A gazetteer match as "<kind><position>", "-" for none.
    auto match = [&](std::string& out, const GazetteerMatcher::Match& m) {
      if (m.kind == GazetteerMatcher::kNone) {
        out.assign("-");
        return;
      }
      number(out, static_cast<unsigned>(static_cast<int>(m.kind)));
      out.push_back(static_cast<char>(m.position));
    };
    // The capitalisation table is large and its probes miss the cache: all
    // of the sentence's are started before the first is read.
    for (size_t i = 0; i < words.size(); ++i) {
      NormalizeWordInto(words[i], norm[i + 2]);
      if (!caps.empty()) {
        caps.prefetch(absl::string_view(norm[i + 2].data(), norm[i + 2].size()));
      }
    }
    for (size_t i = 0; i < words.size(); ++i) {
      form[i + 2] = words[i];
      lex[i + 2].clear();
      lexf[i + 2].clear();
      if (name_types == nullptr || name_types->empty()) {
        types[i + 2].clear();
      } else {
        const std::string* v = name_types->Find(norm[i + 2]);
        types[i + 2].assign(v == nullptr ? std::string_view("?") : std::string_view(*v));
      }
      if (caps.empty()) {
        cap[i + 2].clear();
      } else {
        auto it = caps.find(absl::string_view(norm[i + 2].data(), norm[i + 2].size()));
        cap[i + 2].assign(1, it == caps.end() ? '?' : static_cast<char>('0' + it->second));
      }
      if (!clusters.empty()) {
        const uint16_t* ids = clusters.FindWord(words[i], norm[i + 2]);
        const int g = clusters.num_granularities();
        auto id = [&](std::string& out, int level) {
          if (ids == nullptr) {
            out.assign("?");
          } else {
            number(out, ids[std::min(level, g - 1)]);
          }
        };
        id(c0[i + 2], 0);
        id(c1[i + 2], 1);
        id(c2[i + 2], 2);
        id(c3[i + 2], 3);
      } else {
        c0[i + 2].clear();
        c1[i + 2].clear();
        c2[i + 2].clear();
        c3[i + 2].clear();
      }
      WordShapeInto(words[i], shape[i + 2]);
      if (i < up.size()) upos[i + 2] = up[i];
      if (i < xp.size()) xpos[i + 2] = xp[i];
      if (!matches.empty()) {
        match(gaz[i + 2], matches[i]);
      } else {
        gaz[i + 2].assign("-");
      }
    }
    if (feature_set < 1) return;
    folded.clear();
    if (gazetteers != nullptr) {
      // The normalised word is the lower-cased one unless it starts with a
      // digit; only those are lower-cased again.
      thread_local std::vector<std::string> digit_lower;
      thread_local std::vector<std::string_view> lowered;
      digit_lower.resize(std::max(digit_lower.size(), words.size()));
      lowered.resize(words.size());
      for (size_t i = 0; i < words.size(); ++i) {
        const std::string_view w = words[i];
        if (!w.empty() && w[0] >= '0' && w[0] <= '9') {
          LowercaseInto(w, digit_lower[i]);
          lowered[i] = digit_lower[i];
        } else {
          lowered[i] = norm[i + 2];
        }
      }
      folded = gazetteers->FindFolded(lowered);
    }
    thread_local std::vector<uint8_t> name_parts;
    if (gazetteers != nullptr) gazetteers->NameParts(words, name_parts);
    for (size_t i = 0; i < words.size(); ++i) {
      if (!folded.empty()) {
        match(gazf[i + 2], folded[i]);
      } else {
        gazf[i + 2].assign("-");
      }
      if (gazetteers == nullptr) {
        parts[i + 2].assign("0");
      } else {
        number(parts[i + 2], name_parts[i]);
      }
    }
    // Runs of capitalised words: position (B/I/L/U) and length up to 4.
    size_t i = 0;
    while (i < words.size()) {
      if (!StartsUpper(words[i])) {
        run[i + 2].assign("-");
        ++i;
        continue;
      }
      size_t j = i + 1;
      while (j < words.size() && StartsUpper(words[j])) ++j;
      const size_t len = j - i;
      for (size_t k = i; k < j; ++k) {
        const char pos = len == 1 ? 'U' : k == i ? 'B' : k + 1 == j ? 'L' : 'I';
        std::string& r = run[k + 2];
        r.assign(1, pos);
        r.push_back(static_cast<char>('0' + std::min<size_t>(len, 4)));
        if (i == 0) r.push_back('s');
      }
      i = j;
    }
  }
};

// FeatureHash (core/averaged_perceptron.h) inline: the template id is a
// constant at every call site, so its seed folds away; the recogniser hashes
// ~85 features a word, and a call each (recomputing the seed) was a tenth of
// its time. The values are FeatureHash's (the model's keys).
[[gnu::always_inline]] inline uint64_t Hash(uint64_t t, std::string_view v) {
  return SplitMix64(Fnv1a(FeatureSeed(t), v));
}
[[gnu::always_inline]] inline uint64_t Hash(uint64_t t, std::string_view a, std::string_view b) {
  return SplitMix64(Fnv1a(FeatureSeparator(Fnv1a(FeatureSeed(t), a)), b));
}
// Hash(t, a + " " + b, c), the templates hashed over a joined pair, without
// building the joined string.
[[gnu::always_inline]] inline uint64_t Hash(uint64_t t, std::string_view a, std::string_view b,
                                            std::string_view c) {
  return SplitMix64(Fnv1a(FeatureSeparator(Fnv1a(Fnv1a(Fnv1a(FeatureSeed(t), a), " "), b)), c));
}

// Templates 100-117, the word and its window, first in every feature set
// (in this order: sums of the weights follow it).
inline constexpr size_t kWindowFeatures = 18;
uint64_t* WindowFeatures(const Context& c, size_t k, uint64_t* f) {
  const std::string& w = c.norm[k];
  *f++ = Hash(100, "");
  *f++ = Hash(101, w);
  *f++ = Hash(102, c.form[k]);
  *f++ = Hash(103, c.shape[k]);
  *f++ = Hash(104, Suffix(w, 3));
  *f++ = Hash(105, Prefix(w, 3));
  *f++ = Hash(106, c.upos[k]);
  *f++ = Hash(107, c.xpos[k]);
  *f++ = Hash(108, c.norm[k - 1]);
  *f++ = Hash(109, c.norm[k + 1]);
  *f++ = Hash(110, c.norm[k - 2]);
  *f++ = Hash(111, c.norm[k + 2]);
  *f++ = Hash(112, c.upos[k - 1]);
  *f++ = Hash(113, c.upos[k + 1]);
  *f++ = Hash(114, c.upos[k - 1], c.upos[k]);
  *f++ = Hash(115, c.upos[k], c.upos[k + 1]);
  *f++ = Hash(116, c.shape[k - 1]);
  *f++ = Hash(117, c.shape[k + 1]);
  return f;
}

void Features(const Context& c, size_t i, std::string_view p1, std::string_view p2,
              uint32_t feature_set, std::vector<uint64_t>& out) {
  out.clear();
  const size_t k = i + 2;
  const std::string& w = c.norm[k];
  out.resize(kWindowFeatures);
  WindowFeatures(c, k, out.data());
  out.push_back(Hash(118, p1));
  out.push_back(Hash(119, p2, p1));
  out.push_back(Hash(120, p1, c.shape[k]));
  out.push_back(Hash(121, p1, c.upos[k]));
  out.push_back(Hash(122, c.gaz[k]));
  out.push_back(Hash(123, c.gaz[k - 1]));
  out.push_back(Hash(124, c.gaz[k + 1]));
  out.push_back(Hash(125, i == 0 ? "first" : "rest", c.shape[k]));
  out.push_back(Hash(126, w, c.norm[k + 1]));
  out.push_back(Hash(127, c.norm[k - 1], w));
  out.push_back(Hash(128, c.xpos[k - 1], c.xpos[k], c.xpos[k + 1]));
  out.push_back(Hash(129, p1, w));
  out.push_back(Hash(130, Suffix(w, 2)));
  out.push_back(Hash(131, c.gaz[k], c.upos[k]));
  out.push_back(Hash(132, c.form[k - 1]));
  out.push_back(Hash(133, c.form[k + 1]));
  out.push_back(Hash(134, c.shape[k - 1], c.shape[k]));
  out.push_back(Hash(135, c.shape[k], c.shape[k + 1]));
  if (!c.cap[k].empty()) {
    out.push_back(Hash(136, c.cap[k]));
    out.push_back(Hash(137, c.cap[k], c.shape[k]));
    out.push_back(Hash(138, c.cap[k - 1], c.cap[k + 1]));
    out.push_back(Hash(139, p1, c.cap[k]));
  }
  if (!c.c0[k].empty()) {
    out.push_back(Hash(140, c.c0[k]));
    out.push_back(Hash(141, c.c1[k]));
    out.push_back(Hash(142, c.c2[k]));
    out.push_back(Hash(143, c.c1[k - 1]));
    out.push_back(Hash(144, c.c1[k + 1]));
    out.push_back(Hash(145, p1, c.c2[k]));
    out.push_back(Hash(146, c.shape[k], c.c1[k]));
    out.push_back(Hash(147, c.c0[k - 2]));
    out.push_back(Hash(148, c.c0[k + 2]));
  }
  if (feature_set < 1) return;
  out.push_back(Hash(150, c.gazf[k]));
  out.push_back(Hash(151, c.gazf[k - 1]));
  out.push_back(Hash(152, c.gazf[k + 1]));
  out.push_back(Hash(153, c.parts[k]));
  out.push_back(Hash(154, c.parts[k - 1]));
  out.push_back(Hash(155, c.parts[k + 1]));
  out.push_back(Hash(156, c.run[k]));
  out.push_back(Hash(157, p1, c.run[k]));
  out.push_back(Hash(158, c.shape[k - 1], c.shape[k], c.shape[k + 1]));
  out.push_back(Hash(159, p1, c.shape[k + 1]));
  out.push_back(Hash(160, p2, p1, c.shape[k]));
  out.push_back(Hash(161, c.norm[k - 2], c.norm[k - 1]));
  out.push_back(Hash(162, c.norm[k - 1], c.shape[k]));
  out.push_back(Hash(163, Suffix(w, 4)));
  out.push_back(Hash(164, Suffix(w, 1)));
  out.push_back(Hash(165, Prefix(w, 2)));
  out.push_back(Hash(166, w, c.upos[k]));
  out.push_back(Hash(167, c.norm[k + 1], c.shape[k]));
  if (!c.cap[k].empty()) {
    out.push_back(Hash(170, c.cap[k - 1], c.cap[k]));
    out.push_back(Hash(171, c.cap[k], c.cap[k + 1]));
  }
}

// Viterbi's vector step (ViterbiStepAvx512) runs where the CPU has AVX-512.
bool HaveAvx512Viterbi() { return CpuSupports(kAvx512F); }

// Label structure: prefix 'O','B','I','L','U' and the type.
struct LabelInfo {
  char prefix;
  std::string type;
};

LabelInfo Info(std::string_view label) {
  if (label.size() < 3) return {'O', ""};
  return {label[0], std::string(label.substr(2))};
}

// May `next` follow `prev` (-1: sentence start)? `last`: next ends the sentence.
bool Allowed(const std::vector<LabelInfo>& info, int prev, int next, bool last) {
  const LabelInfo& n = info[next];
  if (last && (n.prefix == 'B' || n.prefix == 'I')) return false;
  bool open = prev >= 0 && (info[prev].prefix == 'B' || info[prev].prefix == 'I');
  if (open) return (n.prefix == 'I' || n.prefix == 'L') && n.type == info[prev].type;
  return n.prefix == 'O' || n.prefix == 'B' || n.prefix == 'U';
}

std::vector<std::string> BioToBilou(const std::vector<std::string>& bio) {
  std::vector<std::string> out(bio.size(), "O");
  for (const NerSpan& s : BioToSpans(bio)) {
    if (s.end - s.begin == 1) {
      out[s.begin] = "U-" + s.type;
      continue;
    }
    for (int i = s.begin; i < s.end; ++i) {
      char p = i == s.begin ? 'B' : i + 1 == s.end ? 'L' : 'I';
      out[i] = absl::StrCat(std::string(1, p), "-", s.type);
    }
  }
  return out;
}

// The label that closes an open span at its current word: B-x -> U-x,
// I-x -> L-x (-1 for other labels).
std::vector<int> Closers(const std::vector<LabelInfo>& info) {
  std::vector<int> closer(info.size(), -1);
  for (size_t c = 0; c < info.size(); ++c) {
    const char want = info[c].prefix == 'B' ? 'U' : info[c].prefix == 'I' ? 'L' : 0;
    if (want == 0) continue;
    for (size_t d = 0; d < info.size(); ++d) {
      if (info[d].prefix == want && info[d].type == info[c].type) closer[c] = static_cast<int>(d);
    }
  }
  return closer;
}

// Greedy decoding with the transition constraints; when training, `trainee`
// (the same model) is updated toward `gold` on each word. When a span is
// open but the word scores best as outside it (O, or a new B/U), the span is
// closed at the previous word (B -> U, I -> L) instead of being forced to
// swallow this one: a greedy BILOU tagger otherwise runs names on into the
// next words ("Michael J. McDermott mjmcdermott@hotmail.com").
// `closer` empty: no early closing (models trained before the rule).
// `Model`: AveragedPerceptron while training, PerceptronScorer after.
template <typename Model>
std::vector<int> Decode(const Context& ctx, size_t n, const std::vector<std::string>& labels,
                        const std::vector<LabelInfo>& info, const std::vector<int>& closer,
                        const Model& model, uint32_t feature_set, AveragedPerceptron* trainee,
                        const std::vector<int>* gold, std::vector<uint64_t>& features,
                        std::vector<float>& scores, float weight = 1.0f) {
  std::vector<int> out(n, 0);
  int prev = -1, prev2 = -1;
  for (size_t i = 0; i < n; ++i) {
    std::string_view p1 = prev >= 0 ? std::string_view(labels[prev]) : "-S-";
    std::string_view p2 = prev2 >= 0 ? std::string_view(labels[prev2]) : "-S-";
    Features(ctx, i, p1, p2, feature_set, features);
    std::fill(scores.begin(), scores.end(), 0.0f);
    model.Score(features, absl::MakeSpan(scores));
    const bool last = i + 1 == n;
    int best = -1;
    for (int c = 0; c < static_cast<int>(labels.size()); ++c) {
      if (!Allowed(info, prev, c, last)) continue;
      if (best < 0 || scores[c] > scores[best]) best = c;
    }
    if (prev >= 0 && !closer.empty() && closer[prev] >= 0) {
      int outside = -1;  // best label that starts outside any span
      for (int c = 0; c < static_cast<int>(labels.size()); ++c) {
        if (!Allowed(info, -1, c, last)) continue;
        if (outside < 0 || scores[c] > scores[outside]) outside = c;
      }
      if (outside >= 0 && (best < 0 || scores[outside] > scores[best])) {
        out[i - 1] = closer[prev];
        prev = closer[prev];
        best = outside;
      }
    }
    if (best < 0) best = 0;
    if (trainee != nullptr) trainee->Update(features, (*gold)[i], best, weight);
    out[i] = best;
    prev2 = prev;
    prev = best;
  }
  return out;
}

// Feature set 2 splits the templates of set 1 into those of the word alone
// and those joined with the previous label (the second-previous label is
// gone: decoding is first-order Viterbi).
// At most: the window, 13, capitalisation 5, word classes 16, 15, lexicon 5
// and name types 5.
inline constexpr size_t kMaxObservationFeatures = kWindowFeatures + 13 + 5 + 16 + 15 + 5 + 5;
void ObservationFeatures(const Context& c, size_t i, std::vector<uint64_t>& out) {
  out.resize(kMaxObservationFeatures);
  const size_t k = i + 2;
  const std::string& w = c.norm[k];
  uint64_t* f = WindowFeatures(c, k, out.data());
  *f++ = Hash(122, c.gaz[k]);
  *f++ = Hash(123, c.gaz[k - 1]);
  *f++ = Hash(124, c.gaz[k + 1]);
  *f++ = Hash(125, i == 0 ? "first" : "rest", c.shape[k]);
  *f++ = Hash(126, w, c.norm[k + 1]);
  *f++ = Hash(127, c.norm[k - 1], w);
  *f++ = Hash(128, c.xpos[k - 1], c.xpos[k], c.xpos[k + 1]);
  *f++ = Hash(130, Suffix(w, 2));
  *f++ = Hash(131, c.gaz[k], c.upos[k]);
  *f++ = Hash(132, c.form[k - 1]);
  *f++ = Hash(133, c.form[k + 1]);
  *f++ = Hash(134, c.shape[k - 1], c.shape[k]);
  *f++ = Hash(135, c.shape[k], c.shape[k + 1]);
  if (!c.cap[k].empty()) {
    *f++ = Hash(136, c.cap[k]);
    *f++ = Hash(137, c.cap[k], c.shape[k]);
    *f++ = Hash(138, c.cap[k - 1], c.cap[k + 1]);
    *f++ = Hash(170, c.cap[k - 1], c.cap[k]);
    *f++ = Hash(171, c.cap[k], c.cap[k + 1]);
  }
  if (!c.c0[k].empty() && c.cluster_templates == 1) {
    // Word classes at every level for the word, its neighbours at the
    // middle levels, class bigrams, and classes with shape, capitalisation
    // and the neighbouring words.
    *f++ = Hash(400, c.c0[k]);
    *f++ = Hash(401, c.c1[k]);
    *f++ = Hash(402, c.c2[k]);
    *f++ = Hash(403, c.c3[k]);
    *f++ = Hash(404, c.c1[k - 1]);
    *f++ = Hash(405, c.c2[k - 1]);
    *f++ = Hash(406, c.c1[k + 1]);
    *f++ = Hash(407, c.c2[k + 1]);
    *f++ = Hash(408, c.c0[k - 2]);
    *f++ = Hash(409, c.c0[k + 2]);
    *f++ = Hash(410, c.shape[k], c.c2[k]);
    *f++ = Hash(411, c.c1[k - 1], c.c1[k]);
    *f++ = Hash(412, c.c1[k], c.c1[k + 1]);
    *f++ = Hash(413, c.cap[k], c.c1[k]);
    *f++ = Hash(414, c.norm[k - 1], c.c2[k]);
    *f++ = Hash(415, c.c2[k], c.norm[k + 1]);
  } else if (!c.c0[k].empty()) {
    *f++ = Hash(140, c.c0[k]);
    *f++ = Hash(141, c.c1[k]);
    *f++ = Hash(142, c.c2[k]);
    *f++ = Hash(143, c.c1[k - 1]);
    *f++ = Hash(144, c.c1[k + 1]);
    *f++ = Hash(146, c.shape[k], c.c1[k]);
    *f++ = Hash(147, c.c0[k - 2]);
    *f++ = Hash(148, c.c0[k + 2]);
  }
  *f++ = Hash(150, c.gazf[k]);
  *f++ = Hash(151, c.gazf[k - 1]);
  *f++ = Hash(152, c.gazf[k + 1]);
  *f++ = Hash(153, c.parts[k]);
  *f++ = Hash(154, c.parts[k - 1]);
  *f++ = Hash(155, c.parts[k + 1]);
  *f++ = Hash(156, c.run[k]);
  *f++ = Hash(158, c.shape[k - 1], c.shape[k], c.shape[k + 1]);
  *f++ = Hash(161, c.norm[k - 2], c.norm[k - 1]);
  *f++ = Hash(162, c.norm[k - 1], c.shape[k]);
  *f++ = Hash(163, Suffix(w, 4));
  *f++ = Hash(164, Suffix(w, 1));
  *f++ = Hash(165, Prefix(w, 2));
  *f++ = Hash(166, w, c.upos[k]);
  *f++ = Hash(167, c.norm[k + 1], c.shape[k]);
  if (!c.lex[k].empty()) {
    *f++ = Hash(180, c.lex[k]);
    *f++ = Hash(181, c.lex[k - 1]);
    *f++ = Hash(182, c.lex[k + 1]);
    *f++ = Hash(183, c.lexf[k]);
    *f++ = Hash(184, c.lex[k], c.shape[k]);
  }
  if (!c.types[k].empty()) {
    *f++ = Hash(190, c.types[k]);
    *f++ = Hash(191, c.types[k - 1]);
    *f++ = Hash(192, c.types[k + 1]);
    *f++ = Hash(193, c.types[k], c.shape[k]);
    *f++ = Hash(194, c.types[k - 1], c.types[k]);
  }
  out.resize(static_cast<size_t>(f - out.data()));
}

// The templates joined with the previous label `p1` (feature set 2), or,
// without `p1`, the same templates alone (ids + 100; feature set 3), scored
// once per word over (previous, current) label pairs instead of once per
// previous label over labels: the same model family, ~20x fewer look-ups.
void LabelFeatures(const Context& c, size_t i, std::optional<std::string_view> p1,
                   std::vector<uint64_t>& out) {
  out.clear();
  const size_t k = i + 2;
  auto add = [&](uint64_t id, std::string_view x) {
    out.push_back(p1 ? Hash(id, *p1, x) : Hash(id + 100, x));
  };
  out.push_back(p1 ? Hash(118, *p1) : Hash(218, ""));
  add(120, c.shape[k]);
  add(121, c.upos[k]);
  add(129, c.norm[k]);
  if (!c.cap[k].empty()) add(139, c.cap[k]);
  if (!c.c0[k].empty()) {
    if (c.cluster_templates == 1) {
      add(420, c.c1[k]);
    } else {
      add(145, c.c2[k]);
    }
  }
  add(157, c.run[k]);
  add(159, c.shape[k + 1]);
  if (!c.lex[k].empty()) add(185, c.lex[k]);
  if (!c.types[k].empty()) add(195, c.types[k]);
}

}  // namespace

// The BILOU label ids of one entity type.
struct TypeLabels {
  int b = -1, i = -1, l = -1, u = -1;
};

// Which labels may follow which, and (feature set 3) the index of each
// valid (previous, current) pair among the pair classes.
struct NerTransitions {
  int m = 0;
  std::vector<LabelInfo> info;
  // allowed[(p + 1) * m + c] (p = -1: sentence start), ignoring the last word.
  std::vector<char> allowed;
  std::vector<char> may_end;  // label may end a sentence (not B or I)
  std::vector<int> pair;      // same indexing; -1 for invalid pairs
  std::vector<std::string> pair_names;
  // preds[c]: the labels p >= 0 that c may follow, ascending.
  std::vector<std::vector<int>> preds;
  // pred_pairs[c]: the same labels, each with Pair(p, c).
  std::vector<std::vector<std::pair<int, int>>> pred_pairs;
  // Viterbi's step over label pairs in vectors (up to 32 labels, AVX-512):
  // row_masks[2 * p + k] has bit c % 16 for the labels c in [16k, 16k + 16)
  // that may follow p; row_first[p] the pair of the first of them; lanes
  // and end_lanes: every label, the labels that may end a sentence.
  bool simd = false;
  std::vector<uint16_t> row_masks;
  std::vector<int> row_first;
  uint16_t lanes[2] = {0, 0};
  uint16_t end_lanes[2] = {0, 0};

  NerTransitions(const std::vector<std::string>& labels, const std::vector<LabelInfo>& label_info,
                 bool allow_simd = true)
      : info(label_info) {
    m = static_cast<int>(labels.size());
    allowed.assign((m + 1) * m, 0);
    pair.assign((m + 1) * m, -1);
    may_end.assign(m, 0);
    for (int c = 0; c < m; ++c) may_end[c] = info[c].prefix != 'B' && info[c].prefix != 'I';
    for (int p = -1; p < m; ++p) {
      for (int c = 0; c < m; ++c) {
        if (!Allowed(info, p, c, false)) continue;
        allowed[(p + 1) * m + c] = 1;
        pair[(p + 1) * m + c] = static_cast<int>(pair_names.size());
        pair_names.push_back(absl::StrCat(p < 0 ? "-S-" : labels[p], ">", labels[c]));
      }
    }
    preds.assign(m, {});
    pred_pairs.assign(m, {});
    for (int c = 0; c < m; ++c) {
      for (int p = 0; p < m; ++p) {
        if (!allowed[(p + 1) * m + c]) continue;
        preds[c].push_back(p);
        pred_pairs[c].emplace_back(p, Pair(p, c));
      }
    }
    // The vector step's tables: per previous label p, a bit per label it may
    // precede (16 per mask) and the pair of the first (a row's pairs are
    // numbered consecutively, in label order).
    simd = allow_simd && m <= 32 && HaveAvx512Viterbi();
    if (!simd) return;
    row_masks.assign(2 * m, 0);
    row_first.assign(m, 0);
    for (int p = 0; p < m; ++p) {
      bool first = true;
      for (int c = 0; c < m; ++c) {
        if (!allowed[(p + 1) * m + c]) continue;
        row_masks[2 * p + c / 16] |= static_cast<uint16_t>(1u << (c % 16));
        if (first) row_first[p] = Pair(p, c), first = false;
      }
    }
    for (int c = 0; c < m; ++c) {
      lanes[c / 16] |= static_cast<uint16_t>(1u << (c % 16));
      if (may_end[c]) end_lanes[c / 16] |= static_cast<uint16_t>(1u << (c % 16));
    }
  }
  bool Ok(int p, int c, bool last) const {
    return allowed[(p + 1) * m + c] && (!last || may_end[c]);
  }
  int Pair(int p, int c) const { return pair[(p + 1) * m + c]; }
  int num_pairs() const { return static_cast<int>(pair_names.size()); }
};

namespace {

// What training hides from the model (NerTrainOptions min_feature_count,
// feature_dropout): features outside `keep` (never updated, so weight 0),
// and, with `drop` > 0, a share `drop` of the features of each word, chosen
// by hashing the feature with `salt` (per sentence and epoch) and the word,
// so that scoring and updating see the same ones.
struct TrainFilter {
  const absl::flat_hash_set<uint64_t>* keep = nullptr;
  float drop = 0;
  uint64_t salt = 0;

  void Apply(size_t word, std::vector<uint64_t>& features) const {
    const uint64_t limit = static_cast<uint64_t>(drop * 16777216.0f);
    const uint64_t s = salt ^ (word * 0x9e3779b97f4a7c15ULL);
    features.erase(std::remove_if(features.begin(), features.end(),
                                  [&](uint64_t f) {
                                    if (keep != nullptr && !keep->contains(f)) return true;
                                    if (limit == 0) return false;
                                    uint64_t h = (f ^ s) * 0xff51afd7ed558ccdULL;
                                    h ^= h >> 33;
                                    return (h & 0xffffff) < limit;
                                  }),
                   features.end());
  }
};

#if defined(__x86_64__)
#define KG_AVX512_VITERBI __attribute__((target("avx512f")))

// One word of Viterbi over label pairs, 16 labels per vector: for every
// label c, the best of before[p] + o[c] + pair_scores[Pair(p, c)] over the
// labels p that c may follow, as the scalar loop computes it (the same
// additions in the same order; p ascending, replaced only by a strictly
// greater score, so ties keep the first; a previous label at -inf never
// wins). On the last word, labels that may not end a sentence get -inf.
KG_AVX512_VITERBI void ViterbiStepAvx512(const NerTransitions& tr, const float* before,
                                         const float* o, const float* pair_scores, bool last,
                                         float* best, int* back) {
  const int m = tr.m;
  const int chunks = (m + 15) / 16;
  const __m512 none = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 top[2] = {none, none};
  __m512i top_p[2] = {_mm512_set1_epi32(-1), _mm512_set1_epi32(-1)};
  __m512 obs[2];
  for (int k = 0; k < chunks; ++k) obs[k] = _mm512_maskz_loadu_ps(tr.lanes[k], o + 16 * k);
  for (int p = 0; p < m; ++p) {
    const float b = before[p];
    if (b == -std::numeric_limits<float>::infinity()) continue;
    const __m512 bv = _mm512_set1_ps(b);
    const __m512i pv = _mm512_set1_epi32(p);
    const float* ps = pair_scores + tr.row_first[p];
    for (int k = 0; k < chunks; ++k) {
      const __mmask16 allowed = tr.row_masks[2 * p + k];
      if (allowed == 0) continue;
      const __m512 pair = _mm512_maskz_expandloadu_ps(allowed, ps);
      ps += __builtin_popcount(allowed);
      const __m512 v = _mm512_add_ps(_mm512_add_ps(bv, obs[k]), pair);
      const __mmask16 up = _mm512_mask_cmp_ps_mask(allowed, v, top[k], _CMP_GT_OQ);
      top[k] = _mm512_mask_mov_ps(top[k], up, v);
      top_p[k] = _mm512_mask_mov_epi32(top_p[k], up, pv);
    }
  }
  for (int k = 0; k < chunks; ++k) {
    if (last) {
      top[k] = _mm512_mask_mov_ps(none, tr.end_lanes[k], top[k]);
      top_p[k] = _mm512_mask_mov_epi32(_mm512_set1_epi32(-1), tr.end_lanes[k], top_p[k]);
    }
    _mm512_mask_storeu_ps(best + 16 * k, tr.lanes[k], top[k]);
    _mm512_mask_storeu_epi32(back + 16 * k, tr.lanes[k], top_p[k]);
  }
}
#endif

// First-order Viterbi over the valid BILOU sequences (feature sets 2, 3). The
// score of label c at word i after label p is obs(i)[c] + label(i, p)[c]
// (set 2: `model` scores both) or obs(i)[c] + pairs(i)[pair(p, c)] (set 3:
// `pair_model` scores the pairs). When training (`trainee` set), a structured
// perceptron update moves the weights toward `gold` wherever the best path
// differs from it.
template <typename Model>
std::vector<int> Viterbi(const Context& ctx, size_t n, const std::vector<std::string>& labels,
                         const NerTransitions& tr, const Model& model, const Model* pair_model,
                         uint32_t feature_set, AveragedPerceptron* trainee,
                         AveragedPerceptron* pair_trainee, const std::vector<int>* gold,
                         float weight = 1.0f, const std::vector<float>* bias = nullptr,
                         const TrainFilter* filter = nullptr) {
  const int m = static_cast<int>(labels.size());
  const bool pairs = feature_set >= 3;
  const int np = tr.num_pairs();
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  // Buffers kept per thread: their capacity outlives the sentence. The
  // label features have their own, so the observation features' buffer
  // keeps its size from word to word (ObservationFeatures sizes it to its
  // maximum first, which would otherwise zero most of it every time).
  thread_local std::vector<uint64_t> features, label_features;
  // obs[i * m + c]; set 3: lab[i * np + pair]; else lab[(i * (m + 1) + p + 1) * m + c].
  thread_local std::vector<float> obs, lab;
  obs.assign(n * m, 0.0f);
  lab.assign(pairs ? n * np : n * (m + 1) * m, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    ObservationFeatures(ctx, i, features);
    if (filter != nullptr) filter->Apply(i, features);
    model.Score(features, absl::MakeSpan(&obs[i * m], m));
    if (bias != nullptr) {
      for (int c = 0; c < m; ++c) obs[i * m + c] += (*bias)[c];
    }
    if (pairs) {
      LabelFeatures(ctx, i, std::nullopt, label_features);
      if (filter != nullptr) filter->Apply(i, label_features);
      pair_model->Score(label_features, absl::MakeSpan(&lab[i * np], np));
      continue;
    }
    for (int p = -1; p < m; ++p) {
      if (i == 0 ? p >= 0 : p < 0) continue;
      LabelFeatures(ctx, i, p >= 0 ? std::string_view(labels[p]) : "-S-", features);
      model.Score(features, absl::MakeSpan(&lab[(i * (m + 1) + p + 1) * m], m));
    }
  }
  auto transition = [&](size_t i, int p, int c) {
    return pairs ? lab[i * np + tr.Pair(p, c)] : lab[(i * (m + 1) + p + 1) * m + c];
  };
  thread_local std::vector<float> best;
  thread_local std::vector<int> back;
  best.assign(n * m, kNone);
  back.assign(n * m, -1);
  for (size_t i = 0; i < n; ++i) {
    const bool last = i + 1 == n;
#if defined(__x86_64__)
    if (pairs && i > 0 && tr.simd) {
      ViterbiStepAvx512(tr, &best[(i - 1) * m], &obs[i * m], &lab[i * np], last, &best[i * m],
                        &back[i * m]);
      continue;
    }
#endif
    for (int c = 0; c < m; ++c) {
      if (i == 0) {
        if (tr.Ok(-1, c, last)) best[c] = obs[c] + transition(0, -1, c);
        continue;
      }
      if (last && !tr.may_end[c]) continue;
      // Only the allowed predecessors, in ascending order as a full scan;
      // the running maximum in locals (the vectors' stores would otherwise
      // be reloaded at every step, as they might alias the reads).
      const float o = obs[i * m + c];
      const float* before_of = &best[(i - 1) * m];
      const float* pair_scores = pairs ? &lab[i * np] : nullptr;
      float top = kNone;
      int top_p = -1;
      for (const auto [p, pair] : tr.pred_pairs[c]) {
        const float before = before_of[p];
        if (before == kNone) continue;
        const float v =
            before + o + (pairs ? pair_scores[pair] : lab[(i * (m + 1) + p + 1) * m + c]);
        if (v > top) {
          top = v;
          top_p = p;
        }
      }
      best[i * m + c] = top;
      back[i * m + c] = top_p;
    }
  }
  std::vector<int> out(n, 0);
  int c = 0;
  for (int d = 0; d < m; ++d) {
    if (best[(n - 1) * m + d] > best[(n - 1) * m + c]) c = d;
  }
  for (size_t i = n; i-- > 0;) {
    out[i] = c;
    if (i > 0) c = std::max(back[i * m + c], 0);
  }
  if (trainee != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      const int g = (*gold)[i], y = out[i];
      const int gp = i == 0 ? -1 : (*gold)[i - 1], yp = i == 0 ? -1 : out[i - 1];
      ObservationFeatures(ctx, i, features);
      if (filter != nullptr) filter->Apply(i, features);
      trainee->Update(features, g, y, weight);  // advances the clock once per word
      if (pairs) {
        LabelFeatures(ctx, i, std::nullopt, features);
        if (filter != nullptr) filter->Apply(i, features);
        pair_trainee->Update(features, tr.Pair(gp, g), tr.Pair(yp, y), weight);
        continue;
      }
      if (g == y && gp == yp) continue;
      LabelFeatures(ctx, i, gp >= 0 ? std::string_view(labels[gp]) : "-S-", features);
      trainee->Add(features, g, weight);
      LabelFeatures(ctx, i, yp >= 0 ? std::string_view(labels[yp]) : "-S-", features);
      trainee->Add(features, y, -weight);
    }
  }
  return out;
}

// Feature set 5: semi-Markov decoding. A span of type t over words [i, j)
// scores as its BILOU labels do in set 3 (word and label-pair weights) plus
// the weights of features of the whole span (its text, first and last words,
// the words around it, its shapes and tags, an exact gazetteer match), so
// "El Paso Energy" can weigh "energy" ending an ORG against "El Paso" a LOC.
// Span features are scored only for spans of at most kMaxScoredSpan words
// that start and end with a capitalised or PROPN word; other spans score as
// in set 3. Spans longer than kMaxSpanWords are never output.
inline constexpr int kMaxScoredSpan = 6;
inline constexpr int kMaxSpanWords = 24;

// One TypeLabels per entity type (types in `types` order) from `labels`;
// empty if a type lacks one of its four labels.
std::vector<TypeLabels> LabelsOfTypes(const std::vector<std::string>& labels,
                                      const std::vector<std::string>& types) {
  std::vector<TypeLabels> out(types.size());
  for (size_t t = 0; t < types.size(); ++t) {
    for (size_t c = 0; c < labels.size(); ++c) {
      const LabelInfo li = Info(labels[c]);
      if (li.type != types[t]) continue;
      if (li.prefix == 'B') out[t].b = static_cast<int>(c);
      if (li.prefix == 'I') out[t].i = static_cast<int>(c);
      if (li.prefix == 'L') out[t].l = static_cast<int>(c);
      if (li.prefix == 'U') out[t].u = static_cast<int>(c);
    }
    if (out[t].b < 0 || out[t].i < 0 || out[t].l < 0 || out[t].u < 0) return {};
  }
  return out;
}

// May a scored span start or end at padded word k?
bool NameEdge(const Context& c, size_t k) { return c.upos[k] == "PROPN" || StartsUpper(c.form[k]); }

// The gazetteer kind matching exactly padded words [a, z] ("-" if none):
// `gaz` holds "<kind><B|I|L|U>" per word.
std::string_view ExactMatch(const std::vector<std::string>& gaz, size_t a, size_t z) {
  auto pos = [&](size_t k) { return gaz[k].empty() ? '-' : gaz[k].back(); };
  if (a == z) {
    return pos(a) == 'U' ? std::string_view(gaz[a]).substr(0, gaz[a].size() - 1) : "-";
  }
  if (pos(a) != 'B' || pos(z) != 'L') return "-";
  for (size_t k = a + 1; k < z; ++k) {
    if (pos(k) != 'I') return "-";
  }
  return std::string_view(gaz[a]).substr(0, gaz[a].size() - 1);
}

// Features of the span of words [i, j) (templates 300-319).
void SpanFeatures(const Context& c, size_t i, size_t j, std::vector<uint64_t>& out) {
  out.clear();
  const size_t a = i + 2, z = j + 1;  // padded first and last word
  static constexpr std::string_view kLength[] = {"0", "1", "2", "3", "4+"};
  const std::string_view len = kLength[std::min<size_t>(j - i, 4)];
  thread_local std::string text, shapes, tags;
  text.clear();
  shapes.clear();
  tags.clear();
  for (size_t k = a; k <= z; ++k) {
    if (k > a) {
      text.push_back(' ');
      shapes.push_back(' ');
      tags.push_back(' ');
    }
    text.append(c.norm[k]);
    shapes.append(c.shape[k]);
    tags.append(c.upos[k]);
  }
  out.push_back(Hash(300, len));
  out.push_back(Hash(301, text));
  out.push_back(Hash(302, c.norm[a], len));
  out.push_back(Hash(303, c.norm[z], len));
  out.push_back(Hash(304, c.norm[z]));
  out.push_back(Hash(305, c.norm[a - 1]));
  out.push_back(Hash(306, c.norm[z + 1]));
  out.push_back(Hash(307, c.norm[a - 1], c.norm[z]));
  out.push_back(Hash(308, c.norm[z], c.norm[z + 1]));
  out.push_back(Hash(309, shapes));
  out.push_back(Hash(310, tags));
  out.push_back(Hash(311, Suffix(c.norm[z], 3), len));
  out.push_back(Hash(312, c.upos[a - 1], c.upos[z + 1]));
  out.push_back(Hash(313, c.form[a - 1], len));
  out.push_back(Hash(314, ExactMatch(c.gaz, a, z), len));
  out.push_back(Hash(315, ExactMatch(c.gazf, a, z), len));
  out.push_back(Hash(316, c.parts[a], c.parts[z]));
  if (!c.cap[a].empty()) out.push_back(Hash(317, c.cap[a], c.cap[z]));
  for (size_t k = a + 1; k < z; ++k) out.push_back(Hash(318, c.norm[k]));
  out.push_back(Hash(319, i == 0 ? "first" : "rest", len));
}

// Semi-Markov Viterbi (feature set 5): the best sequence of segments, each
// one O word or one span of a type, scored as above; returns its BILOU
// labels. When training (`trainee` set), the word and pair weights get set
// 3's structured update and the span weights +weight on gold spans the
// output missed, -weight on output spans not gold.
template <typename Model>
std::vector<int> SemiMarkov(const Context& ctx, size_t n, const NerTransitions& tr,
                            const std::vector<TypeLabels>& types, const Model& model,
                            const Model& pair_model, const Model& span_model,
                            AveragedPerceptron* trainee, AveragedPerceptron* pair_trainee,
                            AveragedPerceptron* span_trainee, const std::vector<int>* gold,
                            float weight = 1.0f, const std::vector<float>* bias = nullptr) {
  const int m = tr.m;
  const int np = tr.num_pairs();
  const int nt = static_cast<int>(types.size());
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  constexpr int K = kMaxScoredSpan;
  thread_local std::vector<uint64_t> features;
  thread_local std::vector<float> obs, lab, span;
  thread_local std::vector<char> scored;
  obs.assign(n * m, 0.0f);
  lab.assign(n * np, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    ObservationFeatures(ctx, i, features);
    model.Score(features, absl::MakeSpan(&obs[i * m], m));
    if (bias != nullptr) {
      for (int c = 0; c < m; ++c) obs[i * m + c] += (*bias)[c];
    }
    LabelFeatures(ctx, i, std::nullopt, features);
    pair_model.Score(features, absl::MakeSpan(&lab[i * np], np));
  }
  // span[(i * K + len - 1) * nt + t]: span weights of words [i, i + len).
  span.assign(n * K * nt, 0.0f);
  scored.assign(n * K, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!NameEdge(ctx, i + 2)) continue;
    for (size_t len = 1; len <= K && i + len <= n; ++len) {
      if (!NameEdge(ctx, i + len + 1)) continue;
      SpanFeatures(ctx, i, i + len, features);
      span_model.Score(features, absl::MakeSpan(&span[(i * K + len - 1) * nt], nt));
      scored[i * K + len - 1] = 1;
    }
  }
  auto trans = [&](size_t i, int p, int c) { return lab[i * np + tr.Pair(p, c)]; };
  // best[j * m + s]: the best score of words [0, j) whose last label is s (O,
  // L-x or U-x); from[j * m + s]: where that last segment starts, and the
  // label before it (-1: none).
  thread_local std::vector<float> best;
  thread_local std::vector<int> start, before;
  best.assign((n + 1) * m, kNone);
  start.assign((n + 1) * m, -1);
  before.assign((n + 1) * m, -1);
  auto relax = [&](size_t end, int s, float v, size_t from, int p) {
    float& b = best[end * m + s];
    if (v > b) {
      b = v;
      start[end * m + s] = static_cast<int>(from);
      before[end * m + s] = p;
    }
  };
  // The best way into word j with label c (O, B-x or U-x): score and label before.
  auto enter = [&](size_t j, int c, int& arg) {
    if (j == 0) {
      arg = -1;
      return tr.Ok(-1, c, false) ? trans(0, -1, c) : kNone;
    }
    float top = kNone;
    arg = -1;
    for (int p : tr.preds[c]) {
      const float b = best[j * m + p];
      if (b == kNone) continue;
      const float v = b + trans(j, p, c);
      if (v > top) {
        top = v;
        arg = p;
      }
    }
    return top;
  };
  for (size_t j = 0; j < n; ++j) {
    int arg;
    float in = enter(j, 0, arg);
    if (in != kNone) relax(j + 1, 0, in + obs[j * m], j, arg);
    for (int t = 0; t < nt; ++t) {
      const TypeLabels& tl = types[t];
      in = enter(j, tl.u, arg);
      if (in != kNone) {
        const float sp = scored[j * K] ? span[(j * K) * nt + t] : 0.0f;
        relax(j + 1, tl.u, in + obs[j * m + tl.u] + sp, j, arg);
      }
      in = enter(j, tl.b, arg);
      if (in == kNone) continue;
      float chain = in + obs[j * m + tl.b];
      int prev = tl.b;
      for (size_t len = 2; len <= kMaxSpanWords && j + len <= n; ++len) {
        const size_t e = j + len - 1;
        float close = chain + obs[e * m + tl.l] + trans(e, prev, tl.l);
        if (len <= K && scored[j * K + len - 1]) close += span[(j * K + len - 1) * nt + t];
        relax(e + 1, tl.l, close, j, arg);
        chain += obs[e * m + tl.i] + trans(e, prev, tl.i);
        prev = tl.i;
      }
    }
  }
  std::vector<int> out(n, 0);
  int s = 0;
  for (int d = 0; d < m; ++d) {
    if (best[n * m + d] > best[n * m + s]) s = d;
  }
  for (size_t j = n; j > 0 && s >= 0;) {
    const int from = start[j * m + s];
    if (from < 0) break;  // unreachable: every sentence has an all-O path
    const int p = before[j * m + s];
    for (int t = 0; t < nt; ++t) {
      if (s != types[t].l && s != types[t].u) continue;
      for (size_t k = from; k < j; ++k) {
        out[k] = k + 1 == j ? s : k == static_cast<size_t>(from) ? types[t].b : types[t].i;
      }
    }
    j = static_cast<size_t>(from);
    s = p;
  }
  if (trainee != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      const int g = (*gold)[i], y = out[i];
      const int gp = i == 0 ? -1 : (*gold)[i - 1], yp = i == 0 ? -1 : out[i - 1];
      ObservationFeatures(ctx, i, features);
      trainee->Update(features, g, y, weight);
      LabelFeatures(ctx, i, std::nullopt, features);
      pair_trainee->Update(features, tr.Pair(gp, g), tr.Pair(yp, y), weight);
      span_trainee->Update({}, 0, 0, weight);  // the span model's clock
    }
    if (*gold != out) {
      // Spans as (begin, end, type) from BILOU ids.
      auto spans = [&](const std::vector<int>& labels) {
        std::set<std::tuple<size_t, size_t, int>> found;
        for (size_t i = 0; i < labels.size(); ++i) {
          for (int t = 0; t < nt; ++t) {
            if (labels[i] == types[t].u) found.insert({i, i + 1, t});
            if (labels[i] != types[t].b) continue;
            size_t e = i + 1;
            while (e < labels.size() && labels[e] == types[t].i) ++e;
            if (e < labels.size() && labels[e] == types[t].l) found.insert({i, e + 1, t});
          }
        }
        return found;
      };
      const auto g = spans(*gold), y = spans(out);
      auto update = [&](const auto& from, const auto& other, float amount) {
        for (const auto& [b, e, t] : from) {
          if (other.count({b, e, t}) || e - b > K || !scored[b * K + (e - b) - 1]) continue;
          SpanFeatures(ctx, b, e, features);
          span_trainee->Add(features, t, amount);
        }
      };
      update(g, y, weight);
      update(y, g, -weight);
    }
  }
  return out;
}

// Adds `scale` times the (averaged) weights of `from` to `to` (a model in
// training, whose current weights ToProto() writes). Through the model's
// serialised form, so its weights pass through bfloat16 (3 significant
// digits) on the way, as they would when stored.
void AddWeights(const AveragedPerceptron& from, float scale, AveragedPerceptron& to) {
  PerceptronModel proto;
  from.ToProto(&proto);
  int k = 0;
  for (int r = 0; r < proto.features_size(); ++r) {
    const uint64_t feature[1] = {proto.features(r)};
    for (uint32_t j = 0; j < proto.row_sizes(r); ++j, ++k) {
      const uint32_t bits = proto.bf16(k) << 16;
      float w;
      std::memcpy(&w, &bits, sizeof(w));
      to.Add(feature, static_cast<int>(proto.classes(k)), w * scale);
    }
  }
}

// Mean |weight| of a model's stored weights (1 for an empty model).
float MeanMagnitude(const AveragedPerceptron& m) {
  PerceptronModel proto;
  m.ToProto(&proto);
  double sum = 0;
  for (uint32_t b : proto.bf16()) {
    const uint32_t bits = b << 16;
    float w;
    std::memcpy(&w, &bits, sizeof(w));
    sum += std::fabs(w);
  }
  return proto.bf16_size() == 0 || sum == 0 ? 1.0f : static_cast<float>(sum / proto.bf16_size());
}

std::vector<std::string_view> Views(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

// Feature sets 3 and 6 trained as a linear-chain CRF: the features of every
// training word are extracted once and given dense ids, the CRF learns a
// weight for each (feature, label) and (feature, label pair), and the
// weights of at least options.crf_min_weight go into `model` and
// `pair_model` (unaveraged, so ToProto writes them as they are).
void TrainCrf(const std::vector<NerExample>& train, const std::vector<std::vector<int>>& gold,
              const GazetteerMatcher& gazetteers, const NerTrainOptions& options,
              const WordClusters& clusters, const NerTransitions& transitions,
              const absl::flat_hash_set<uint64_t>* keep, Context& ctx,
              AveragedPerceptron& model, AveragedPerceptron& pair_model) {
  const auto start = std::chrono::steady_clock::now();
  absl::flat_hash_map<uint64_t, uint32_t> obs_ids, pair_ids;
  std::vector<uint64_t> obs_hashes, pair_hashes;
  auto ids = [&](const std::vector<uint64_t>& features, absl::flat_hash_map<uint64_t, uint32_t>& map,
                 std::vector<uint64_t>& hashes, std::vector<uint32_t>& out) {
    out.clear();
    for (uint64_t h : features) {
      if (keep != nullptr && !keep->contains(h)) continue;
      auto [it, inserted] = map.try_emplace(h, static_cast<uint32_t>(hashes.size()));
      if (inserted) hashes.push_back(h);
      out.push_back(it->second);
    }
  };
  std::vector<CrfSentence> data(train.size());
  std::vector<uint64_t> features;
  std::vector<uint32_t> obs, pairs;
  for (size_t s = 0; s < train.size(); ++s) {
    const NerExample& e = train[s];
    data[s].weight = e.weight;
    if (e.words.empty()) continue;
    ctx.Fill(Views(e.words), Views(e.upos), Views(e.xpos), &gazetteers, options.capitalization,
             clusters, options.feature_set,
             options.feature_set == 6 ? &options.name_types : nullptr);
    for (size_t i = 0; i < e.words.size(); ++i) {
      ObservationFeatures(ctx, i, features);
      ids(features, obs_ids, obs_hashes, obs);
      LabelFeatures(ctx, i, std::nullopt, features);
      ids(features, pair_ids, pair_hashes, pairs);
      data[s].AddWord(obs, pairs, gold[s][i]);
    }
  }
  CrfLattice lattice;
  lattice.num_labels = transitions.m;
  lattice.num_pairs = transitions.num_pairs();
  lattice.pair = transitions.pair;
  lattice.may_end = transitions.may_end;
  LinearChainCrf crf(std::move(lattice), obs_hashes.size(), pair_hashes.size());
  if (options.log) {
    options.log(absl::StrFormat("recogniser CRF: %d observation and %d label-pair features",
                                obs_hashes.size(), pair_hashes.size()));
  }
  CrfTrainOptions crf_options = options.crf_options;
  crf_options.epochs = options.epochs;
  crf_options.seed = options.seed;
  crf_options.log = options.log;
  crf.Train(data, crf_options);
  size_t stored = 0, total = 0;
  auto store = [&](AveragedPerceptron& to, uint64_t hash, int cls, float w) {
    ++total;
    if (w == 0.0f || std::fabs(w) < options.crf_min_weight) return;
    const uint64_t feature[1] = {hash};
    to.Add(feature, cls, w);
    ++stored;
  };
  for (size_t f = 0; f < obs_hashes.size(); ++f) {
    for (int c = 0; c < crf.num_labels(); ++c) store(model, obs_hashes[f], c, crf.obs_weight(f, c));
  }
  for (size_t f = 0; f < pair_hashes.size(); ++f) {
    for (int k = 0; k < crf.num_pairs(); ++k) {
      store(pair_model, pair_hashes[f], k, crf.pair_weight(f, k));
    }
  }
  if (options.log) {
    options.log(absl::StrFormat(
        "recogniser CRF: %d of %d weights stored (|w| >= %g), %d + %d features, %.1f s", stored,
        total, options.crf_min_weight, model.num_features(), pair_model.num_features(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
  }
}

}  // namespace

absl::StatusOr<NerModel> TrainRecognizer(const std::vector<NerExample>& given,
                                         const GazetteerMatcher& gazetteers,
                                         const NerTrainOptions& options) {
  // Lower-cased copies of a share of the sentences, for web text written
  // without capitals ("taco bell in tampa bay").
  std::vector<NerExample> with_copies;
  if (options.lowercase_copies > 0) {
    with_copies = given;
    std::mt19937_64 pick(options.seed ^ 0x6c6f776572ULL);
    for (const NerExample& e : given) {
      if (static_cast<double>(pick() % 1000000) >= options.lowercase_copies * 1e6) continue;
      NerExample copy = e;
      bool changed = false;
      for (std::string& w : copy.words) {
        std::string lower = Lowercase(w);
        changed = changed || lower != w;
        w = std::move(lower);
      }
      if (!changed) continue;
      copy.weight *= options.lowercase_weight;
      if (options.retag) options.retag(copy);
      with_copies.push_back(std::move(copy));
    }
    if (options.log) {
      options.log(absl::StrFormat("recogniser: %d lower-cased copies of training sentences",
                                  with_copies.size() - given.size()));
    }
  }
  const std::vector<NerExample>& train = options.lowercase_copies > 0 ? with_copies : given;
  std::set<std::string> types;
  for (const NerExample& e : train) {
    for (const NerSpan& s : BioToSpans(e.tags)) types.insert(s.type);
  }
  if (types.empty()) return absl::InvalidArgumentError("recogniser training data has no entities");
  std::vector<std::string> labels = {"O"};
  for (const std::string& t : types) {
    for (const char* p : {"B-", "I-", "L-", "U-"}) labels.push_back(p + t);
  }
  absl::flat_hash_map<std::string, int> index;
  std::vector<LabelInfo> info;
  for (size_t i = 0; i < labels.size(); ++i) {
    index[labels[i]] = static_cast<int>(i);
    info.push_back(Info(labels[i]));
  }
  const std::vector<int> closer = Closers(info);
  const NerTransitions transitions(labels, info);
  if (transitions.num_pairs() > 255) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "recogniser training: %d entity types give %d label pairs, above the scorer's 255",
        types.size(), transitions.num_pairs()));
  }
  std::vector<std::vector<int>> gold(train.size());
  for (size_t s = 0; s < train.size(); ++s) {
    for (const std::string& l : BioToBilou(train[s].tags)) gold[s].push_back(index.at(l));
  }
  std::vector<uint64_t> features;
  std::vector<float> scores(labels.size());
  Context ctx;
  ctx.cluster_templates = options.cluster_templates;
  WordClusters clusters;
  if (!clusters.Load(options.clusters)) {
    return absl::InvalidArgumentError("recogniser training: inconsistent word clusters");
  }
  // Feature set 4: the lexicon of the training names, each sentence seeing
  // it without its own document's counts (a sentence without a document is
  // its own).
  NameLexicon lexicon;
  absl::flat_hash_map<std::string, NameLexicon::DocumentCounts> per_document;
  std::vector<std::string> docs(train.size());
  if (options.feature_set == 4) {
    std::vector<NameLexicon::LabelledSentence> labelled;
    for (size_t s = 0; s < train.size(); ++s) {
      docs[s] = train[s].doc.empty() ? absl::StrCat("\x01sentence ", s) : train[s].doc;
      labelled.push_back({docs[s], &train[s].words, &train[s].tags});
    }
    lexicon = NameLexicon::Build(labelled, std::vector<std::string>(types.begin(), types.end()),
                                 &per_document);
    if (options.log) {
      options.log(absl::StrFormat("recogniser name lexicon: %d names from %d documents",
                                  lexicon.size(), per_document.size()));
    }
  }
  // Features seen on fewer than min_feature_count training words are never
  // updated (sets 3 and 6: one observation and one label-pair vector a word).
  absl::flat_hash_set<uint64_t> keep;
  const bool count_cut = options.min_feature_count > 1 &&
                         (options.feature_set == 3 || options.feature_set == 6);
  if (count_cut) {
    absl::flat_hash_map<uint64_t, uint32_t> counts;
    std::vector<uint64_t> f;
    for (const NerExample& e : train) {
      if (e.words.empty()) continue;
      ctx.Fill(Views(e.words), Views(e.upos), Views(e.xpos), &gazetteers, options.capitalization,
               clusters, options.feature_set,
               options.feature_set == 6 ? &options.name_types : nullptr);
      for (size_t i = 0; i < e.words.size(); ++i) {
        ObservationFeatures(ctx, i, f);
        for (uint64_t h : f) ++counts[h];
        LabelFeatures(ctx, i, std::nullopt, f);
        for (uint64_t h : f) ++counts[h];
      }
    }
    for (const auto& [h, n] : counts) {
      if (n >= static_cast<uint32_t>(options.min_feature_count)) keep.insert(h);
    }
    if (options.log) {
      options.log(absl::StrFormat("recogniser: %d of %d features seen >= %d times", keep.size(),
                                  counts.size(), options.min_feature_count));
    }
  }
  TrainFilter filter;
  filter.keep = count_cut ? &keep : nullptr;
  filter.drop = options.feature_set == 3 || options.feature_set == 6 ? options.feature_dropout : 0;
  const bool use_filter = filter.keep != nullptr || filter.drop > 0;
  // One model per seed; with options.mix > 1 their averaged weights are
  // averaged in turn (parameter mixing), one linear model as fast as each.
  AveragedPerceptron model, pair_model, span_model, mixed, mixed_pairs, mixed_spans;
  const std::vector<std::string> type_names(types.begin(), types.end());
  const std::vector<TypeLabels> type_labels = LabelsOfTypes(labels, type_names);
  const int num_types = static_cast<int>(type_names.size());
  if (options.mix > 1) {
    mixed = AveragedPerceptron(static_cast<int>(labels.size()));
    mixed_pairs = AveragedPerceptron(transitions.num_pairs());
    mixed_spans = AveragedPerceptron(num_types);
  }
  if (options.crf && ((options.feature_set != 3 && options.feature_set != 6) ||
                      options.mix > 1 || options.feature_dropout > 0)) {
    return absl::InvalidArgumentError(
        "recogniser training: the CRF objective needs feature set 3 or 6, no mixing and no "
        "dropout");
  }
  const bool perceptron = !options.crf || options.crf_mix > 0;
  for (int run = 0; perceptron && run < std::max(options.mix, 1); ++run) {
    model = AveragedPerceptron(static_cast<int>(labels.size()));
    pair_model = AveragedPerceptron(transitions.num_pairs());
    span_model = AveragedPerceptron(num_types);
    std::vector<size_t> order(train.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(options.seed + run);
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
      size_t right = 0, seen = 0;
      for (size_t s : order) {
        const NerExample& e = train[s];
        if (e.words.empty()) continue;
        filter.salt = (options.seed + run) * 0x2545f4914f6cdd1dULL ^ (s << 20) ^ epoch;
        ctx.Fill(Views(e.words), Views(e.upos), Views(e.xpos), &gazetteers, options.capitalization,
                 clusters, options.feature_set,
                 options.feature_set == 6 ? &options.name_types : nullptr);
        if (!lexicon.empty()) {
          auto own = per_document.find(docs[s]);
          lexicon.Annotate(Views(e.words), own == per_document.end() ? nullptr : &own->second,
                           ctx.lex, ctx.lexf, 2);
        }
        std::vector<int> out =
            options.feature_set == 5
                ? SemiMarkov(ctx, e.words.size(), transitions, type_labels, model, pair_model,
                             span_model, &model, &pair_model, &span_model, &gold[s], e.weight)
            : options.feature_set >= 2
                ? Viterbi(ctx, e.words.size(), labels, transitions, model, &pair_model,
                          options.feature_set, &model, &pair_model, &gold[s], e.weight,
                          nullptr, use_filter ? &filter : nullptr)
                : Decode(ctx, e.words.size(), labels, info, closer, model, options.feature_set,
                         &model, &gold[s], features, scores, e.weight);
        for (size_t i = 0; i < out.size(); ++i) right += out[i] == gold[s][i];
        seen += out.size();
      }
      if (options.log) {
        options.log(absl::StrFormat(
            "recogniser %sepoch %d: train label accuracy %.2f%%, %d features",
            options.mix > 1 ? absl::StrFormat("model %d, ", run + 1) : "", epoch + 1,
            100.0 * right / std::max<size_t>(seen, 1), model.num_features()));
      }
    }
    model.Average();
    pair_model.Average();
    span_model.Average();
    if (options.mix > 1) {
      AddWeights(model, 1.0f / options.mix, mixed);
      AddWeights(pair_model, 1.0f / options.mix, mixed_pairs);
      AddWeights(span_model, 1.0f / options.mix, mixed_spans);
    }
  }
  if (options.crf) {
    AveragedPerceptron crf(static_cast<int>(labels.size())), crf_pairs(transitions.num_pairs());
    TrainCrf(train, gold, gazetteers, options, clusters, transitions, filter.keep, ctx, crf,
             crf_pairs);
    if (options.crf_mix > 0) {
      // Both models in one: the perceptron's weights plus the CRF's, scaled
      // so that crf_mix 1 gives both the same mean weight magnitude.
      const float scale = options.crf_mix * MeanMagnitude(model) / MeanMagnitude(crf);
      AveragedPerceptron both(static_cast<int>(labels.size())),
          both_pairs(transitions.num_pairs());
      AddWeights(model, 1.0f, both);
      AddWeights(pair_model, 1.0f, both_pairs);
      AddWeights(crf, scale, both);
      AddWeights(crf_pairs, scale, both_pairs);
      if (options.log) {
        options.log(absl::StrFormat("recogniser: perceptron + %g x CRF weights", scale));
      }
      crf = std::move(both);
      crf_pairs = std::move(both_pairs);
    }
    model = std::move(crf);
    pair_model = std::move(crf_pairs);
  }
  if (options.mix > 1) {
    model = std::move(mixed);
    pair_model = std::move(mixed_pairs);
    span_model = std::move(mixed_spans);
  }
  NerModel out;
  for (const std::string& l : labels) out.add_labels(l);
  model.ToProto(out.mutable_weights(), options.prune);
  if (options.feature_set >= 3) {
    pair_model.ToProto(out.mutable_pair_weights(), options.prune);
    for (const std::string& name : transitions.pair_names) {
      out.mutable_pair_weights()->add_labels(name);
    }
  }
  if (options.feature_set == 5) {
    span_model.ToProto(out.mutable_span_weights(), options.prune);
    for (const std::string& t : type_names) out.add_span_types(t);
  }
  std::vector<std::pair<std::string, uint8_t>> caps(options.capitalization.begin(),
                                                    options.capitalization.end());
  std::sort(caps.begin(), caps.end());
  std::string buckets;
  for (const auto& [word, bucket] : caps) {
    out.add_cap_words(word);
    buckets.push_back(static_cast<char>(bucket));
  }
  out.set_cap_buckets(buckets);
  *out.mutable_clusters() = options.clusters;
  lexicon.ToProto(&out);
  if (options.feature_set == 6) options.name_types.ToProto(&out);
  out.set_close_spans_early(true);
  out.set_feature_set(options.feature_set);
  out.set_cluster_templates(options.cluster_templates);
  return out;
}

CapitalizationTable CountCapitalization(const std::vector<std::string>& texts, int min_count) {
  absl::flat_hash_map<std::string, std::pair<uint32_t, uint32_t>> counts;  // (total, capitalised)
  for (const std::string& text : texts) {
    for (const Sentence& s : SplitSentences(text, Tokenize(text))) {
      for (size_t i = 1; i < s.tokens.size(); ++i) {
        const std::string& w = s.tokens[i].text;
        if (w.empty() || !(static_cast<unsigned char>(w[0]) >= 0x80 || absl::ascii_isalpha(w[0]))) {
          continue;
        }
        auto& c = counts[NormalizedWord(w)];
        ++c.first;
        c.second += StartsUpper(w);
      }
    }
  }
  CapitalizationTable table;
  for (const auto& [word, c] : counts) {
    if (c.first < static_cast<uint32_t>(min_count)) continue;
    double r = static_cast<double>(c.second) / c.first;
    table[word] = r < 0.05 ? 0 : r < 0.3 ? 1 : r < 0.7 ? 2 : r < 0.95 ? 3 : 4;
  }
  return table;
}

absl::StatusOr<EntityRecognizer> EntityRecognizer::FromProto(const NerModel& model,
                                                             const GazetteerMatcher* gazetteers,
                                                             bool allow_simd) {
  auto weights = PerceptronScorer::FromProto(model.weights());
  if (!weights.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("recogniser model: ", weights.status().message()));
  }
  EntityRecognizer r;
  r.model_ = std::move(*weights);
  r.labels_.assign(model.labels().begin(), model.labels().end());
  if (static_cast<int>(r.labels_.size()) != r.model_.num_classes() || r.labels_.empty() ||
      r.labels_[0] != "O") {
    return absl::InvalidArgumentError(absl::StrFormat("recogniser model: %d labels for %d classes",
                                                      r.labels_.size(), r.model_.num_classes()));
  }
  r.gazetteers_ = gazetteers;
  if (static_cast<size_t>(model.cap_words_size()) != model.cap_buckets().size()) {
    return absl::InvalidArgumentError("recogniser model: capitalisation table is inconsistent");
  }
  r.capitalization_.reserve(model.cap_words_size());
  for (int i = 0; i < model.cap_words_size(); ++i) {
    r.capitalization_[model.cap_words(i)] = static_cast<uint8_t>(model.cap_buckets()[i]);
  }
  r.close_spans_early_ = model.close_spans_early();
  if (model.feature_set() > kNerFeatureSet) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "recogniser model uses feature set %d; this build knows sets 0 to %d (retrain with "
        "kg-train, or use a newer kg)",
        model.feature_set(), kNerFeatureSet));
  }
  r.feature_set_ = model.feature_set();
  if (model.cluster_templates() > 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "recogniser model uses word-class templates %d; this build knows 0 and 1",
        model.cluster_templates()));
  }
  r.cluster_templates_ = model.cluster_templates();
  std::vector<LabelInfo> info;
  for (const std::string& l : r.labels_) info.push_back(Info(l));
  r.transitions_ = std::make_shared<const NerTransitions>(r.labels_, info, allow_simd);
  if (r.feature_set_ >= 3) {
    auto pairs = PerceptronScorer::FromProto(model.pair_weights());
    if (!pairs.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("recogniser model, label pairs: ", pairs.status().message()));
    }
    if (pairs->num_classes() != r.transitions_->num_pairs()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("recogniser model: %d label-pair classes for %d valid pairs",
                          pairs->num_classes(), r.transitions_->num_pairs()));
    }
    r.pair_model_ = std::move(*pairs);
  }
  if (r.feature_set_ == 5) {
    auto spans = PerceptronScorer::FromProto(model.span_weights());
    if (!spans.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("recogniser model, spans: ", spans.status().message()));
    }
    const std::vector<std::string> types(model.span_types().begin(), model.span_types().end());
    auto type_labels = std::make_shared<std::vector<TypeLabels>>(LabelsOfTypes(r.labels_, types));
    if (type_labels->empty() || spans->num_classes() != static_cast<int>(type_labels->size())) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "recogniser model: %d span classes for %d span types, not all with B/I/L/U labels",
          spans->num_classes(), types.size()));
    }
    r.span_model_ = std::move(*spans);
    r.type_labels_ = std::move(type_labels);
  }
  if (model.label_bias_size() > 0) {
    if (model.label_bias_size() != static_cast<int>(r.labels_.size()) || r.feature_set_ < 2) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "recogniser model: %d label biases for %d labels (feature set %d; biases need set 2 "
          "or newer)",
          model.label_bias_size(), r.labels_.size(), r.feature_set_));
    }
    r.label_bias_.assign(model.label_bias().begin(), model.label_bias().end());
  }
  if (r.feature_set_ == 6) {
    absl::Status types = r.name_types_.FromProto(model);
    if (!types.ok()) return types;
  }
  if (r.feature_set_ == 4) {
    absl::Status lexicon = r.lexicon_.FromProto(model);
    if (!lexicon.ok()) return lexicon;
  }
  if (!r.clusters_.Load(model.clusters())) {
    return absl::InvalidArgumentError("recogniser model: word clusters are inconsistent");
  }
  return r;
}

std::vector<std::string> EntityRecognizer::Recognize(
    const std::vector<std::string_view>& words, const std::vector<std::string_view>& upos,
    const std::vector<std::string_view>& xpos) const {
  std::vector<std::string> bio(words.size(), "O");
  if (words.empty()) return bio;
  const std::vector<LabelInfo>& info = transitions_->info;
  thread_local Context ctx;
  ctx.cluster_templates = cluster_templates_;
  ctx.Fill(words, upos, xpos, gazetteers_, capitalization_, clusters_, feature_set_, &name_types_);
  if (!lexicon_.empty()) lexicon_.Annotate(words, nullptr, ctx.lex, ctx.lexf, 2);
  std::vector<uint64_t> features;
  std::vector<float> scores(labels_.size());
  std::vector<int> out =
      feature_set_ == 5 ? SemiMarkov(ctx, words.size(), *transitions_, *type_labels_, model_,
                                     pair_model_, span_model_, nullptr, nullptr, nullptr, nullptr,
                                     1.0f, label_bias_.empty() ? nullptr : &label_bias_)
      : feature_set_ >= 2
          ? Viterbi(ctx, words.size(), labels_, *transitions_, model_, &pair_model_, feature_set_,
                    nullptr, nullptr, nullptr, 1.0f, label_bias_.empty() ? nullptr : &label_bias_)
          : Decode(ctx, words.size(), labels_, info,
                   close_spans_early_ ? Closers(info) : std::vector<int>(), model_, feature_set_,
                   nullptr, nullptr, features, scores);
  for (size_t i = 0; i < out.size(); ++i) {
    const LabelInfo& li = info[out[i]];
    if (li.prefix == 'O') continue;
    bio[i] = absl::StrCat(li.prefix == 'B' || li.prefix == 'U' ? "B-" : "I-", li.type);
  }
  return bio;
}

}  // namespace kg::core
