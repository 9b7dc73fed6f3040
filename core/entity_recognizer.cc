#include "core/entity_recognizer.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/iob2.h"
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
  std::vector<std::string> norm, shape, gaz, cap, c0, c1, c2;
  std::vector<std::string_view> form, upos, xpos;  // the caller's words and tags
  // Feature set 1: case-folded gazetteer match, WordNet name parts, position
  // in a run of capitalised words.
  std::vector<std::string> gazf, parts, run;
  // Feature set 4: the training-name lexicon's mark and type-count bucket
  // (empty strings inside the sentence when the model has no lexicon).
  std::vector<std::string> lex, lexf;
  std::vector<GazetteerMatcher::Match> matches, folded;

  void Fill(const std::vector<std::string_view>& words, const std::vector<std::string_view>& up,
            const std::vector<std::string_view>& xp, const GazetteerMatcher* gazetteers,
            const CapitalizationTable& caps, const WordClusters& clusters, uint32_t feature_set) {
    const size_t n = words.size() + 4;
    for (auto* v : {&norm, &shape, &gaz, &cap, &c0, &c1, &c2, &gazf, &parts, &run, &lex, &lexf}) {
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
    for (size_t i = 0; i < words.size(); ++i) {
      form[i + 2] = words[i];
      lex[i + 2].clear();
      lexf[i + 2].clear();
      NormalizeWordInto(words[i], norm[i + 2]);
      if (caps.empty()) {
        cap[i + 2].clear();
      } else {
        auto it = caps.find(absl::string_view(norm[i + 2].data(), norm[i + 2].size()));
        cap[i + 2].assign(1, it == caps.end() ? '?' : static_cast<char>('0' + it->second));
      }
      if (!clusters.empty()) {
        const uint16_t* ids = clusters.Find(norm[i + 2]);
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
      } else {
        c0[i + 2].clear();
        c1[i + 2].clear();
        c2[i + 2].clear();
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
    for (size_t i = 0; i < words.size(); ++i) {
      if (!folded.empty()) {
        match(gazf[i + 2], folded[i]);
      } else {
        gazf[i + 2].assign("-");
      }
      if (gazetteers == nullptr) {
        parts[i + 2].assign("0");
      } else {
        number(parts[i + 2], gazetteers->NameParts(words[i]));
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

// `a` + " " + `b` in a per-thread buffer (valid until the next call), for the
// templates hashed over a joined pair.
std::string_view Joined(std::string_view a, std::string_view b) {
  thread_local std::string buffer;
  buffer.assign(a);
  buffer.push_back(' ');
  buffer.append(b);
  return buffer;
}

// Templates 100-117, the word and its window, first in every feature set
// (in this order: sums of the weights follow it).
void WindowFeatures(const Context& c, size_t k, std::vector<uint64_t>& out) {
  const std::string& w = c.norm[k];
  out.push_back(FeatureHash(100, ""));
  out.push_back(FeatureHash(101, w));
  out.push_back(FeatureHash(102, c.form[k]));
  out.push_back(FeatureHash(103, c.shape[k]));
  out.push_back(FeatureHash(104, Suffix(w, 3)));
  out.push_back(FeatureHash(105, Prefix(w, 3)));
  out.push_back(FeatureHash(106, c.upos[k]));
  out.push_back(FeatureHash(107, c.xpos[k]));
  out.push_back(FeatureHash(108, c.norm[k - 1]));
  out.push_back(FeatureHash(109, c.norm[k + 1]));
  out.push_back(FeatureHash(110, c.norm[k - 2]));
  out.push_back(FeatureHash(111, c.norm[k + 2]));
  out.push_back(FeatureHash(112, c.upos[k - 1]));
  out.push_back(FeatureHash(113, c.upos[k + 1]));
  out.push_back(FeatureHash(114, c.upos[k - 1], c.upos[k]));
  out.push_back(FeatureHash(115, c.upos[k], c.upos[k + 1]));
  out.push_back(FeatureHash(116, c.shape[k - 1]));
  out.push_back(FeatureHash(117, c.shape[k + 1]));
}

void Features(const Context& c, size_t i, std::string_view p1, std::string_view p2,
              uint32_t feature_set, std::vector<uint64_t>& out) {
  out.clear();
  const size_t k = i + 2;
  const std::string& w = c.norm[k];
  WindowFeatures(c, k, out);
  out.push_back(FeatureHash(118, p1));
  out.push_back(FeatureHash(119, p2, p1));
  out.push_back(FeatureHash(120, p1, c.shape[k]));
  out.push_back(FeatureHash(121, p1, c.upos[k]));
  out.push_back(FeatureHash(122, c.gaz[k]));
  out.push_back(FeatureHash(123, c.gaz[k - 1]));
  out.push_back(FeatureHash(124, c.gaz[k + 1]));
  out.push_back(FeatureHash(125, i == 0 ? "first" : "rest", c.shape[k]));
  out.push_back(FeatureHash(126, w, c.norm[k + 1]));
  out.push_back(FeatureHash(127, c.norm[k - 1], w));
  out.push_back(FeatureHash(128, Joined(c.xpos[k - 1], c.xpos[k]), c.xpos[k + 1]));
  out.push_back(FeatureHash(129, p1, w));
  out.push_back(FeatureHash(130, Suffix(w, 2)));
  out.push_back(FeatureHash(131, c.gaz[k], c.upos[k]));
  out.push_back(FeatureHash(132, c.form[k - 1]));
  out.push_back(FeatureHash(133, c.form[k + 1]));
  out.push_back(FeatureHash(134, c.shape[k - 1], c.shape[k]));
  out.push_back(FeatureHash(135, c.shape[k], c.shape[k + 1]));
  if (!c.cap[k].empty()) {
    out.push_back(FeatureHash(136, c.cap[k]));
    out.push_back(FeatureHash(137, c.cap[k], c.shape[k]));
    out.push_back(FeatureHash(138, c.cap[k - 1], c.cap[k + 1]));
    out.push_back(FeatureHash(139, p1, c.cap[k]));
  }
  if (!c.c0[k].empty()) {
    out.push_back(FeatureHash(140, c.c0[k]));
    out.push_back(FeatureHash(141, c.c1[k]));
    out.push_back(FeatureHash(142, c.c2[k]));
    out.push_back(FeatureHash(143, c.c1[k - 1]));
    out.push_back(FeatureHash(144, c.c1[k + 1]));
    out.push_back(FeatureHash(145, p1, c.c2[k]));
    out.push_back(FeatureHash(146, c.shape[k], c.c1[k]));
    out.push_back(FeatureHash(147, c.c0[k - 2]));
    out.push_back(FeatureHash(148, c.c0[k + 2]));
  }
  if (feature_set < 1) return;
  out.push_back(FeatureHash(150, c.gazf[k]));
  out.push_back(FeatureHash(151, c.gazf[k - 1]));
  out.push_back(FeatureHash(152, c.gazf[k + 1]));
  out.push_back(FeatureHash(153, c.parts[k]));
  out.push_back(FeatureHash(154, c.parts[k - 1]));
  out.push_back(FeatureHash(155, c.parts[k + 1]));
  out.push_back(FeatureHash(156, c.run[k]));
  out.push_back(FeatureHash(157, p1, c.run[k]));
  out.push_back(FeatureHash(158, Joined(c.shape[k - 1], c.shape[k]), c.shape[k + 1]));
  out.push_back(FeatureHash(159, p1, c.shape[k + 1]));
  out.push_back(FeatureHash(160, Joined(p2, p1), c.shape[k]));
  out.push_back(FeatureHash(161, c.norm[k - 2], c.norm[k - 1]));
  out.push_back(FeatureHash(162, c.norm[k - 1], c.shape[k]));
  out.push_back(FeatureHash(163, Suffix(w, 4)));
  out.push_back(FeatureHash(164, Suffix(w, 1)));
  out.push_back(FeatureHash(165, Prefix(w, 2)));
  out.push_back(FeatureHash(166, w, c.upos[k]));
  out.push_back(FeatureHash(167, c.norm[k + 1], c.shape[k]));
  if (!c.cap[k].empty()) {
    out.push_back(FeatureHash(170, c.cap[k - 1], c.cap[k]));
    out.push_back(FeatureHash(171, c.cap[k], c.cap[k + 1]));
  }
}

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
void ObservationFeatures(const Context& c, size_t i, std::vector<uint64_t>& out) {
  out.clear();
  const size_t k = i + 2;
  const std::string& w = c.norm[k];
  WindowFeatures(c, k, out);
  out.push_back(FeatureHash(122, c.gaz[k]));
  out.push_back(FeatureHash(123, c.gaz[k - 1]));
  out.push_back(FeatureHash(124, c.gaz[k + 1]));
  out.push_back(FeatureHash(125, i == 0 ? "first" : "rest", c.shape[k]));
  out.push_back(FeatureHash(126, w, c.norm[k + 1]));
  out.push_back(FeatureHash(127, c.norm[k - 1], w));
  out.push_back(FeatureHash(128, Joined(c.xpos[k - 1], c.xpos[k]), c.xpos[k + 1]));
  out.push_back(FeatureHash(130, Suffix(w, 2)));
  out.push_back(FeatureHash(131, c.gaz[k], c.upos[k]));
  out.push_back(FeatureHash(132, c.form[k - 1]));
  out.push_back(FeatureHash(133, c.form[k + 1]));
  out.push_back(FeatureHash(134, c.shape[k - 1], c.shape[k]));
  out.push_back(FeatureHash(135, c.shape[k], c.shape[k + 1]));
  if (!c.cap[k].empty()) {
    out.push_back(FeatureHash(136, c.cap[k]));
    out.push_back(FeatureHash(137, c.cap[k], c.shape[k]));
    out.push_back(FeatureHash(138, c.cap[k - 1], c.cap[k + 1]));
    out.push_back(FeatureHash(170, c.cap[k - 1], c.cap[k]));
    out.push_back(FeatureHash(171, c.cap[k], c.cap[k + 1]));
  }
  if (!c.c0[k].empty()) {
    out.push_back(FeatureHash(140, c.c0[k]));
    out.push_back(FeatureHash(141, c.c1[k]));
    out.push_back(FeatureHash(142, c.c2[k]));
    out.push_back(FeatureHash(143, c.c1[k - 1]));
    out.push_back(FeatureHash(144, c.c1[k + 1]));
    out.push_back(FeatureHash(146, c.shape[k], c.c1[k]));
    out.push_back(FeatureHash(147, c.c0[k - 2]));
    out.push_back(FeatureHash(148, c.c0[k + 2]));
  }
  out.push_back(FeatureHash(150, c.gazf[k]));
  out.push_back(FeatureHash(151, c.gazf[k - 1]));
  out.push_back(FeatureHash(152, c.gazf[k + 1]));
  out.push_back(FeatureHash(153, c.parts[k]));
  out.push_back(FeatureHash(154, c.parts[k - 1]));
  out.push_back(FeatureHash(155, c.parts[k + 1]));
  out.push_back(FeatureHash(156, c.run[k]));
  out.push_back(FeatureHash(158, Joined(c.shape[k - 1], c.shape[k]), c.shape[k + 1]));
  out.push_back(FeatureHash(161, c.norm[k - 2], c.norm[k - 1]));
  out.push_back(FeatureHash(162, c.norm[k - 1], c.shape[k]));
  out.push_back(FeatureHash(163, Suffix(w, 4)));
  out.push_back(FeatureHash(164, Suffix(w, 1)));
  out.push_back(FeatureHash(165, Prefix(w, 2)));
  out.push_back(FeatureHash(166, w, c.upos[k]));
  out.push_back(FeatureHash(167, c.norm[k + 1], c.shape[k]));
  if (!c.lex[k].empty()) {
    out.push_back(FeatureHash(180, c.lex[k]));
    out.push_back(FeatureHash(181, c.lex[k - 1]));
    out.push_back(FeatureHash(182, c.lex[k + 1]));
    out.push_back(FeatureHash(183, c.lexf[k]));
    out.push_back(FeatureHash(184, c.lex[k], c.shape[k]));
  }
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
    out.push_back(p1 ? FeatureHash(id, *p1, x) : FeatureHash(id + 100, x));
  };
  out.push_back(p1 ? FeatureHash(118, *p1) : FeatureHash(218, ""));
  add(120, c.shape[k]);
  add(121, c.upos[k]);
  add(129, c.norm[k]);
  if (!c.cap[k].empty()) add(139, c.cap[k]);
  if (!c.c0[k].empty()) add(145, c.c2[k]);
  add(157, c.run[k]);
  add(159, c.shape[k + 1]);
  if (!c.lex[k].empty()) add(185, c.lex[k]);
}

}  // namespace

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

  NerTransitions(const std::vector<std::string>& labels, const std::vector<LabelInfo>& label_info)
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
    for (int c = 0; c < m; ++c) {
      for (int p = 0; p < m; ++p) {
        if (allowed[(p + 1) * m + c]) preds[c].push_back(p);
      }
    }
  }
  bool Ok(int p, int c, bool last) const {
    return allowed[(p + 1) * m + c] && (!last || may_end[c]);
  }
  int Pair(int p, int c) const { return pair[(p + 1) * m + c]; }
  int num_pairs() const { return static_cast<int>(pair_names.size()); }
};

namespace {

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
                         float weight = 1.0f, const std::vector<float>* bias = nullptr) {
  const int m = static_cast<int>(labels.size());
  const bool pairs = feature_set >= 3;
  const int np = tr.num_pairs();
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  // Buffers kept per thread: their capacity outlives the sentence.
  thread_local std::vector<uint64_t> features;
  // obs[i * m + c]; set 3: lab[i * np + pair]; else lab[(i * (m + 1) + p + 1) * m + c].
  thread_local std::vector<float> obs, lab;
  obs.assign(n * m, 0.0f);
  lab.assign(pairs ? n * np : n * (m + 1) * m, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    ObservationFeatures(ctx, i, features);
    model.Score(features, absl::MakeSpan(&obs[i * m], m));
    if (bias != nullptr) {
      for (int c = 0; c < m; ++c) obs[i * m + c] += (*bias)[c];
    }
    if (pairs) {
      LabelFeatures(ctx, i, std::nullopt, features);
      pair_model->Score(features, absl::MakeSpan(&lab[i * np], np));
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
    for (int c = 0; c < m; ++c) {
      if (i == 0) {
        if (tr.Ok(-1, c, last)) best[c] = obs[c] + transition(0, -1, c);
        continue;
      }
      if (last && !tr.may_end[c]) continue;
      // Only the allowed predecessors, in ascending order as a full scan.
      for (int p : tr.preds[c]) {
        const float before = best[(i - 1) * m + p];
        if (before == kNone) continue;
        const float v = before + obs[i * m + c] + transition(i, p, c);
        if (v > best[i * m + c]) {
          best[i * m + c] = v;
          back[i * m + c] = p;
        }
      }
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
      trainee->Update(features, g, y, weight);  // advances the clock once per word
      if (pairs) {
        LabelFeatures(ctx, i, std::nullopt, features);
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

std::vector<std::string_view> Views(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
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
  if (options.feature_set >= 4) {
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
  // One model per seed; with options.mix > 1 their averaged weights are
  // averaged in turn (parameter mixing), one linear model as fast as each.
  AveragedPerceptron model, pair_model, mixed, mixed_pairs;
  if (options.mix > 1) {
    mixed = AveragedPerceptron(static_cast<int>(labels.size()));
    mixed_pairs = AveragedPerceptron(transitions.num_pairs());
  }
  for (int run = 0; run < std::max(options.mix, 1); ++run) {
    model = AveragedPerceptron(static_cast<int>(labels.size()));
    pair_model = AveragedPerceptron(transitions.num_pairs());
    std::vector<size_t> order(train.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(options.seed + run);
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
      size_t right = 0, seen = 0;
      for (size_t s : order) {
        const NerExample& e = train[s];
        if (e.words.empty()) continue;
        ctx.Fill(Views(e.words), Views(e.upos), Views(e.xpos), &gazetteers, options.capitalization,
                 clusters, options.feature_set);
        if (!lexicon.empty()) {
          auto own = per_document.find(docs[s]);
          lexicon.Annotate(Views(e.words), own == per_document.end() ? nullptr : &own->second,
                           ctx.lex, ctx.lexf, 2);
        }
        std::vector<int> out =
            options.feature_set >= 2
                ? Viterbi(ctx, e.words.size(), labels, transitions, model, &pair_model,
                          options.feature_set, &model, &pair_model, &gold[s], e.weight)
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
    if (options.mix > 1) {
      AddWeights(model, 1.0f / options.mix, mixed);
      AddWeights(pair_model, 1.0f / options.mix, mixed_pairs);
    }
  }
  if (options.mix > 1) {
    model = std::move(mixed);
    pair_model = std::move(mixed_pairs);
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
  out.set_close_spans_early(true);
  out.set_feature_set(options.feature_set);
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
                                                             const GazetteerMatcher* gazetteers) {
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
  std::vector<LabelInfo> info;
  for (const std::string& l : r.labels_) info.push_back(Info(l));
  r.transitions_ = std::make_shared<const NerTransitions>(r.labels_, info);
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
  if (model.label_bias_size() > 0) {
    if (model.label_bias_size() != static_cast<int>(r.labels_.size()) || r.feature_set_ < 2) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "recogniser model: %d label biases for %d labels (feature set %d; biases need set 2 "
          "or newer)",
          model.label_bias_size(), r.labels_.size(), r.feature_set_));
    }
    r.label_bias_.assign(model.label_bias().begin(), model.label_bias().end());
  }
  if (r.feature_set_ >= 4) {
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
  ctx.Fill(words, upos, xpos, gazetteers_, capitalization_, clusters_, feature_set_);
  if (!lexicon_.empty()) lexicon_.Annotate(words, nullptr, ctx.lex, ctx.lexf, 2);
  std::vector<uint64_t> features;
  std::vector<float> scores(labels_.size());
  std::vector<int> out =
      feature_set_ >= 2
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
