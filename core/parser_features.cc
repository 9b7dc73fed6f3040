#include "core/parser_features.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/averaged_perceptron.h"
#include "core/feature_hash.h"

namespace kg::core {
namespace {

#if defined(__GNUC__)
#define KG_ALWAYS_INLINE __attribute__((always_inline))
#else
#define KG_ALWAYS_INLINE
#endif

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// Forced inline: GCC kept the three out of line (over 200 call sites), so
// every template paid a call and multiplied its constant id at run time.
KG_ALWAYS_INLINE inline uint64_t F(uint64_t t, uint64_t a) {
  return SplitMix64(a ^ (t * kGolden));
}
KG_ALWAYS_INLINE inline uint64_t F(uint64_t t, uint64_t a, uint64_t b) {
  return SplitMix64(F(t, a) + b);
}
KG_ALWAYS_INLINE inline uint64_t F(uint64_t t, uint64_t a, uint64_t b, uint64_t c) {
  return SplitMix64(F(t, a, b) + c);
}

FeatureToken Special(std::string_view tag) {
  FeatureToken t;
  t.word = FeatureHash(1, tag);
  t.lemma = FeatureHash(2, tag);
  t.upos = FeatureHash(3, tag);
  t.xpos = FeatureHash(4, tag);
  t.suffix = FeatureHash(5, tag);
  t.shape = FeatureHash(6, tag);
  return t;
}

const FeatureToken& NoneToken() {
  static const FeatureToken* t = new FeatureToken(Special("<none>"));
  return *t;
}

char ShapeClass(std::string_view form) {
  bool upper = false, lower = false, digit = false, alpha = false, other = false;
  for (unsigned char c : form) {
    if (c >= 'A' && c <= 'Z') {
      upper = alpha = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = alpha = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c >= 0x80) {
      alpha = true;  // non-ASCII letters, mostly
    } else {
      other = true;
    }
  }
  if (form.empty()) return 'e';
  if (digit) return alpha ? 'm' : 'd';
  if (!alpha) return 'p';
  const unsigned char first = form[0];
  if (first >= 'A' && first <= 'Z') return lower ? (other ? 'C' : 'X') : 'A';
  if (upper) return 'i';  // "iPhone"
  return other ? 'h' : 'x';
}

// Distance buckets: 1..5 exactly, then 6-10, then more.
inline uint64_t Bucket(int d) { return d <= 5 ? d : (d <= 10 ? 6 : 7); }

}  // namespace

FeatureToken MakeFeatureToken(std::string_view form, std::string_view lemma, std::string_view upos,
                              std::string_view xpos) {
  std::string w(form);
  for (char& c : w) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= '1' && c <= '9') c = '0';
  }
  FeatureToken t;
  t.word = FeatureHash(1, w);
  t.lemma = FeatureHash(2, lemma);
  t.upos = FeatureHash(3, upos);
  t.xpos = FeatureHash(4, xpos.empty() || xpos == "_" ? upos : xpos);
  t.suffix = FeatureHash(5, w.size() > 3 ? std::string_view(w).substr(w.size() - 3) : w);
  const char shape = ShapeClass(form);
  t.shape = FeatureHash(6, std::string_view(&shape, 1));
  return t;
}

const FeatureToken& RootFeatureToken() {
  static const FeatureToken* t = new FeatureToken(Special("<root>"));
  return *t;
}

namespace {

// Which template ids (1-based, in ForEachParserFeature's order) a feature
// version uses. Version 1: the first 134. Version 2 (core/README.md, "The
// parser's template set"): version 1 without the templates below, which
// cost look-ups and gave little, plus the seven cheap ones after id 134.
constexpr int kNumTemplates = kNumParserTemplates;
constexpr int kNumVersion1Templates = 134;
constexpr int kDroppedInVersion2[] = {
    // s0 + b0 templates, looked up at every state: lexical pairs and triples
    // that repeat what the part-of-speech ones and word pairs say, lemma and
    // suffix pairs, word distances.
    29, 30, 44, 45, 50, 56, 57, 58, 59, 70, 72,
    // s0 group (once per word): lemmas, word+pos/word mixes, word distances
    // and word valency/label sets, the second left child's word.
    6, 37, 38, 46, 51, 76, 78, 81, 84, 107, 128,
    // b0 (and its left children), s0's right side, s1: the same kinds.
    19, 86, 113, 130, 82, 110, 126, 88, 104, 132, 12, 90};

// Version 4 (core/README.md, "A leaner template set"): version 2 without
// the 31 templates below, those whose masking cost the shipped model least
// dev UAS per look-up, then retrained: 76 templates, about 29 % fewer
// look-ups per word.
constexpr int kDroppedInVersion4[] = {
    // s0 + b0 (every scored state): the word pairs (with and without the
    // distance), s0's tag with the distance, s0 and b0 tags with b0's left
    // child's.
    28, 33, 62, 71, 74,
    // s0 (once per word): s1-s0 pairs and triples, the s1-s0 distance ones
    // of s1's tag and s0's, s0's left valency, label set and children.
    36, 39, 40, 41, 42, 55, 63, 65, 77, 79, 85, 93, 118, 129,
    // s0's right side: valency, label set, second child, the triples.
    83, 111, 112, 119, 123, 127,
    // s1's right side; b2's word, b0's tag with b1's word.
    89, 105, 106, 125, 25, 136};

struct TemplateMask {
  uint64_t bits[3] = {0, 0, 0};
  bool Has(uint64_t t) const { return (bits[t >> 6] >> (t & 63)) & 1; }
  void Set(int t, bool on) {
    if (on) {
      bits[t >> 6] |= uint64_t{1} << (t & 63);
    } else {
      bits[t >> 6] &= ~(uint64_t{1} << (t & 63));
    }
  }
};

TemplateMask MakeMask(uint32_t version) {
  TemplateMask m;
  for (int t = 1; t <= kNumVersion1Templates; ++t) m.Set(t, true);
  if (version >= 2) {
    for (int t : kDroppedInVersion2) m.Set(t, false);
    for (int t = kNumVersion1Templates + 1; t <= kNumTemplates; ++t) m.Set(t, true);
  }
  if (version == kLeanParserVersion) {
    for (int t : kDroppedInVersion4) m.Set(t, false);
  }
  return m;
}

// SetParserTemplateOverride's masks, one per version; read only while
// `override_on` (set before any extraction, never during one).
TemplateMask override_masks[kMaxParserFeatureVersion + 1];
bool override_on = false;

const TemplateMask& ActiveTemplates(uint32_t version) {
  static const TemplateMask* v1 = new TemplateMask(MakeMask(1));
  static const TemplateMask* v2 = new TemplateMask(MakeMask(2));
  static const TemplateMask* v4 = new TemplateMask(MakeMask(kLeanParserVersion));
  if (override_on) [[unlikely]] {
    return override_masks[std::min(version, kMaxParserFeatureVersion)];
  }
  return version == kLeanParserVersion ? *v4 : (version >= 2 ? *v2 : *v1);
}

// The extraction itself, shared by both entry points: `emit(group, t, hash)`
// receives each template's id and a callable giving its key; the key is
// only computed when the emitter asks for it.
template <typename Emit>
void ForEachParserFeature(const ArcHybridState& st, const std::vector<FeatureToken>& words,
                          const TemplateMask& active, Emit&& emit) {
  const FeatureToken& none = NoneToken();
  auto tok = [&](int i) -> const FeatureToken& { return i < 0 ? none : words[i]; };
  auto lab = [&](int i) -> uint64_t { return i < 0 ? 0 : static_cast<uint64_t>(st.label(i) + 1); };

  const int s0 = st.Stack(0), s1 = st.Stack(1), s2 = st.Stack(2);
  const int b0 = st.Buffer(0), b1 = st.Buffer(1), b2 = st.Buffer(2), b3 = st.Buffer(3);
  const FeatureToken &S0 = tok(s0), &S1 = tok(s1), &S2 = tok(s2);
  const FeatureToken &B0 = tok(b0), &B1 = tok(b1), &B2 = tok(b2), &B3 = tok(b3);

  const int s0l = s0 >= 0 ? st.LeftChild(s0, 0) : -1;
  const int s0l2 = s0 >= 0 ? st.LeftChild(s0, 1) : -1;
  const int s0r = s0 >= 0 ? st.RightChild(s0, 0) : -1;
  const int s0r2 = s0 >= 0 ? st.RightChild(s0, 1) : -1;
  const int s1l = s1 >= 0 ? st.LeftChild(s1, 0) : -1;
  const int s1r = s1 >= 0 ? st.RightChild(s1, 0) : -1;
  const int s1r2 = s1 >= 0 ? st.RightChild(s1, 1) : -1;
  const int b0l = b0 >= 0 ? st.LeftChild(b0, 0) : -1;
  const int b0l2 = b0 >= 0 ? st.LeftChild(b0, 1) : -1;
  const FeatureToken &S0L = tok(s0l), &S0L2 = tok(s0l2), &S0R = tok(s0r), &S0R2 = tok(s0r2);
  const FeatureToken &S1L = tok(s1l), &S1R = tok(s1r), &S1R2 = tok(s1r2);
  const FeatureToken &B0L = tok(b0l), &B0L2 = tok(b0l2);

  // Distances: s0 to b0 (0 when b0 is the root or either is absent), s1 to s0.
  const uint64_t d = (s0 >= 0 && b0 >= 0 && b0 < st.n()) ? Bucket(b0 - s0) : 0;
  const uint64_t d10 = (s0 >= 0 && s1 >= 0) ? Bucket(s0 - s1) : 0;
  const uint64_t s0vl = s0 >= 0 ? st.NumLeft(s0) : 9, s0vr = s0 >= 0 ? st.NumRight(s0) : 9;
  const uint64_t s1vl = s1 >= 0 ? st.NumLeft(s1) : 9, s1vr = s1 >= 0 ? st.NumRight(s1) : 9;
  const uint64_t b0vl = b0 >= 0 ? st.NumLeft(b0) : 9;
  const uint64_t s0sl = s0 >= 0 ? st.LeftLabels(s0) : 1, s0sr = s0 >= 0 ? st.RightLabels(s0) : 1;
  const uint64_t s1sl = s1 >= 0 ? st.LeftLabels(s1) : 1, s1sr = s1 >= 0 ? st.RightLabels(s1) : 1;
  const uint64_t b0sl = b0 >= 0 ? st.LeftLabels(b0) : 1;

  // Word+tag pairs, hashed once when some wanted template uses them.
  const bool want_s0 = emit.wants(kPfMixed) || emit.wants(kPfStack0);
  const bool want_s1 = emit.wants(kPfStack0) || emit.wants(kPfStack1);
  const bool want_b0 = emit.wants(kPfMixed) || emit.wants(kPfBuffer);
  const uint64_t s0wp = want_s0 ? F(0, S0.word, S0.xpos) : 0;
  const uint64_t s1wp = want_s1 ? F(0, S1.word, S1.xpos) : 0;
  const uint64_t b0wp = want_b0 ? F(0, B0.word, B0.xpos) : 0;
  const uint64_t b1wp = emit.wants(kPfBuffer) ? F(0, B1.word, B1.xpos) : 0;

  // Each template names the group of state parts its key depends on
  // (ParserFeatureGroup); the template id counts up in this order.
  // The helpers are forced inline: GCC otherwise calls them out of line
  // (141 call sites), so `t` lives in memory and every template pays a call,
  // a reload of its id and of the mask word; inlined, `t` is a constant at
  // each site and an unwanted group's templates reduce to one bit test.
  uint64_t t = 0;
  auto add1 = [&](ParserFeatureGroup g, uint64_t a) KG_ALWAYS_INLINE {
    ++t;
    if (emit.wants(g) && active.Has(t)) emit(g, F(t, a));
  };
  auto add2 = [&](ParserFeatureGroup g, uint64_t a, uint64_t b) KG_ALWAYS_INLINE {
    ++t;
    if (emit.wants(g) && active.Has(t)) emit(g, F(t, a, b));
  };
  auto add3 = [&](ParserFeatureGroup g, uint64_t a, uint64_t b, uint64_t c) KG_ALWAYS_INLINE {
    ++t;
    if (emit.wants(g) && active.Has(t)) emit(g, F(t, a, b, c));
  };
  constexpr ParserFeatureGroup B = kPfBuffer, BL = kPfBufferLeft, S0g = kPfStack0,
                               S0R_ = kPfStack0Right, S1g = kPfStack1, S1R_ = kPfStack1Right,
                               S2g = kPfStack2, M = kPfMixed;

  add1(B, 0);  // bias (constant: any group would do)
  // Single positions.
  add1(S0g, S0.word), add1(S0g, S0.xpos), add1(S0g, s0wp), add1(S0g, S0.upos);
  add1(S0g, S0.lemma), add1(S0g, S0.suffix), add1(S0g, S0.shape);
  add1(S1g, S1.word), add1(S1g, S1.xpos), add1(S1g, s1wp), add1(S1g, S1.lemma);
  add1(S2g, S2.word), add1(S2g, S2.xpos);
  add1(B, B0.word), add1(B, B0.xpos), add1(B, b0wp), add1(B, B0.upos), add1(B, B0.lemma);
  add1(B, B0.suffix), add1(B, B0.shape);
  add1(B, B1.word), add1(B, B1.xpos), add1(B, b1wp);
  add1(B, B2.word), add1(B, B2.xpos);
  add1(B, B3.xpos);
  // Pairs.
  add2(M, s0wp, b0wp), add2(M, s0wp, B0.word), add2(M, S0.word, b0wp), add2(M, s0wp, B0.xpos);
  add2(M, S0.xpos, b0wp), add2(M, S0.word, B0.word), add2(M, S0.xpos, B0.xpos);
  add2(B, B0.xpos, B1.xpos);
  add2(S0g, s1wp, s0wp), add2(S0g, s1wp, S0.word), add2(S0g, S1.word, s0wp);
  add2(S0g, s1wp, S0.xpos), add2(S0g, S1.xpos, s0wp), add2(S0g, S1.word, S0.word);
  add2(S0g, S1.xpos, S0.xpos);
  add2(M, S1.xpos, B0.xpos), add2(M, S1.word, B0.word), add2(M, S0.lemma, B0.lemma);
  add2(S0g, S1.lemma, S0.lemma), add2(M, S0.upos, B0.upos), add2(S0g, S1.upos, S0.upos);
  add2(B, B0.word, B1.word), add2(M, S0.suffix, B0.xpos), add2(S0g, S1.xpos, S0.suffix);
  // Triples.
  add3(B, B0.xpos, B1.xpos, B2.xpos), add3(M, S0.xpos, B0.xpos, B1.xpos);
  add3(M, S1.xpos, S0.xpos, B0.xpos), add3(S0g, S2.xpos, S1.xpos, S0.xpos);
  add3(M, S1.xpos, S0.xpos, B1.xpos), add3(M, S0.word, B0.xpos, B1.xpos);
  add3(M, S1.word, S0.xpos, B0.xpos), add3(M, S1.xpos, S0.word, B0.xpos);
  add3(M, S0.xpos, S0L.xpos, B0.xpos), add3(M, S0.xpos, S0R.xpos, B0.xpos);
  add3(M, S0.xpos, B0.xpos, B0L.xpos), add3(S0g, S1.xpos, S0.xpos, S0L.xpos);
  add3(S0R_, S1.xpos, S0.xpos, S0R.xpos), add3(S0g, S1.xpos, S1R.xpos, S0.xpos);
  add3(S0g, S1.xpos, S1L.xpos, S0.xpos), add3(S0g, S1.xpos, S0.xpos, lab(s0l));
  add3(S0R_, S1.xpos, S0.xpos, lab(s0r)), add3(M, S0.xpos, B0.xpos, lab(b0l));
  // Distances.
  add2(M, S0.word, d), add2(M, S0.xpos, d), add2(M, B0.word, d), add2(M, B0.xpos, d);
  add3(M, S0.word, B0.word, d), add3(M, S0.xpos, B0.xpos, d);
  add2(S0g, S1.word, d10), add2(S0g, S1.xpos, d10), add2(S0g, S0.word, d10);
  add2(S0g, S0.xpos, d10), add3(S0g, S1.xpos, S0.xpos, d10), add3(S0g, S1.word, S0.word, d10);
  // Valency.
  add2(S0R_, S0.word, s0vr), add2(S0R_, S0.xpos, s0vr), add2(S0g, S0.word, s0vl);
  add2(S0g, S0.xpos, s0vl);
  add2(BL, B0.word, b0vl), add2(BL, B0.xpos, b0vl), add2(S1R_, S1.word, s1vr);
  add2(S1R_, S1.xpos, s1vr);
  add2(S1g, S1.word, s1vl), add2(S1g, S1.xpos, s1vl);
  // Outermost children.
  add1(S0g, S0L.word), add1(S0g, S0L.xpos), add1(S0g, lab(s0l));
  add1(S0R_, S0R.word), add1(S0R_, S0R.xpos), add1(S0R_, lab(s0r));
  add1(BL, B0L.word), add1(BL, B0L.xpos), add1(BL, lab(b0l));
  add1(S1g, S1L.word), add1(S1g, S1L.xpos), add1(S1g, lab(s1l));
  add1(S1R_, S1R.word), add1(S1R_, S1R.xpos), add1(S1R_, lab(s1r));
  add1(S0g, S0L2.word), add1(S0g, S0L2.xpos), add1(S0g, lab(s0l2));
  add1(S0R_, S0R2.word), add1(S0R_, S0R2.xpos), add1(S0R_, lab(s0r2));
  add1(BL, B0L2.word), add1(BL, B0L2.xpos), add1(BL, lab(b0l2));
  add1(S1R_, S1R2.xpos), add1(S1R_, lab(s1r2));
  add3(S0g, S0.xpos, lab(s0l), lab(s0l2)), add3(S0R_, S0.xpos, lab(s0r), lab(s0r2));
  add3(BL, B0.xpos, lab(b0l), lab(b0l2)), add3(S1R_, S1.xpos, lab(s1r), lab(s1r2));
  add3(S0g, S0.xpos, S0L.xpos, S0L2.xpos), add3(S0R_, S0.xpos, S0R.xpos, S0R2.xpos);
  add3(BL, B0.xpos, B0L.xpos, B0L2.xpos), add3(S1R_, S1.xpos, S1R.xpos, S1R2.xpos);
  // Label sets.
  add2(S0R_, S0.word, s0sr), add2(S0R_, S0.xpos, s0sr), add2(S0g, S0.word, s0sl);
  add2(S0g, S0.xpos, s0sl);
  add2(BL, B0.word, b0sl), add2(BL, B0.xpos, b0sl), add2(S1R_, S1.word, s1sr);
  add2(S1R_, S1.xpos, s1sr);
  add2(S1g, S1.xpos, s1sl);
  // Version 2 additions, each computed once per word or child change.
  add2(B, B0.word, B1.xpos), add2(B, B0.xpos, B1.word), add2(B, B1.xpos, B2.xpos);
  add3(B, B0.upos, B1.upos, B2.upos);
  add2(BL, B0.word, lab(b0l)), add2(S0R_, S0.word, lab(s0r)), add2(S0g, S0.word, lab(s0l));
}

}  // namespace

void ExtractParserFeatures(const ArcHybridState& st, const std::vector<FeatureToken>& words,
                           uint32_t version, std::vector<uint64_t>& out) {
  struct All {
    std::vector<uint64_t>* out;
    bool wants(ParserFeatureGroup) const { return true; }
    void operator()(ParserFeatureGroup, uint64_t key) const { out->push_back(key); }
  };
  ForEachParserFeature(st, words, ActiveTemplates(version), All{&out});
}

size_t ExtractParserFeatureGroups(const ArcHybridState& st, const std::vector<FeatureToken>& words,
                                  uint32_t version, uint32_t groups, uint64_t* out,
                                  size_t* group_begin) {
  // Two passes would cost a second extraction; instead each group writes
  // into its own fixed stretch of `out`, compacted afterwards.
  struct Some {
    uint32_t groups;
    uint64_t* cursor[kNumParserFeatureGroups];
    bool wants(ParserFeatureGroup g) const { return (groups >> g) & 1; }
    void operator()(ParserFeatureGroup g, uint64_t key) { *cursor[g]++ = key; }
  };
  Some some{groups, {}};
  for (int g = 0; g < kNumParserFeatureGroups; ++g) some.cursor[g] = out + g * kMaxGroupFeatures;
  ForEachParserFeature(st, words, ActiveTemplates(version), some);
  size_t n = 0;
  for (int g = 0; g < kNumParserFeatureGroups; ++g) {
    group_begin[g] = n;
    const uint64_t* from = out + g * kMaxGroupFeatures;
    const size_t count = static_cast<size_t>(some.cursor[g] - from);
    if (from != out + n) std::copy(from, from + count, out + n);
    n += count;
  }
  group_begin[kNumParserFeatureGroups] = n;
  return n;
}

bool ParseTemplateIds(std::string_view text, std::vector<int>& ids) {
  const absl::string_view list(text.data(), text.size());  // Debian's abseil has its own
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    int id;
    if (!absl::SimpleAtoi(part, &id) || id < 1 || id > kNumParserTemplates) return false;
    ids.push_back(id);
  }
  return true;
}

void SetParserTemplateOverride(const std::vector<int>& skip, const std::vector<int>& add) {
  override_on = !skip.empty() || !add.empty();
  for (uint32_t v = kMinParserFeatureVersion; v <= kMaxParserFeatureVersion; ++v) {
    TemplateMask& m = override_masks[v];
    m = MakeMask(v);
    for (int t : skip) {
      if (t >= 1 && t <= kNumTemplates) m.Set(t, false);
    }
    for (int t : add) {
      if (t >= 1 && t <= kNumTemplates) m.Set(t, true);
    }
  }
}

std::vector<int> ParserTemplates(uint32_t version) {
  std::vector<int> ids;
  const TemplateMask& m = ActiveTemplates(version);
  for (int t = 1; t <= kNumTemplates; ++t) {
    if (m.Has(t)) ids.push_back(t);
  }
  return ids;
}

ParserFeatureGroup ParserTemplateGroup(int id) {
  // Every template emits one key, in id order, when all are on.
  static const std::vector<ParserFeatureGroup>* groups = [] {
    TemplateMask all;
    for (int t = 1; t <= kNumTemplates; ++t) all.Set(t, true);
    struct Record {
      std::vector<ParserFeatureGroup>* out;
      bool wants(ParserFeatureGroup) const { return true; }
      void operator()(ParserFeatureGroup g, uint64_t) const { out->push_back(g); }
    };
    auto* out = new std::vector<ParserFeatureGroup>;
    ArcHybridState st(1);
    ForEachParserFeature(st, {RootFeatureToken(), RootFeatureToken()}, all, Record{out});
    return out;
  }();
  return id >= 1 && id <= static_cast<int>(groups->size()) ? (*groups)[id - 1] : kPfMixed;
}

void ExtractLabelFeatures(const ArcHybridState& st, const std::vector<FeatureToken>& words,
                          int dep, int head, uint64_t* out) {
  const FeatureToken& none = NoneToken();
  const int n = st.n();
  auto tok = [&](int i) -> const FeatureToken& { return i < 0 || i > n ? none : words[i]; };
  auto lab = [&](int i) -> uint64_t { return i < 0 ? 0 : static_cast<uint64_t>(st.label(i) + 1); };
  const FeatureToken &D = tok(dep), &H = tok(head);
  const bool left = dep < head;  // a LEFT arc: the dependent precedes its head
  const uint64_t dir = left ? 1 : 2;
  const uint64_t dist = Bucket(left ? head - dep : dep - head);
  // The dependent's children are final (it leaves the stack); of the
  // head's, those on the dependent's side so far (the nearest sibling is
  // the outermost one built, as children arrive from the head outwards).
  const int dl = st.LeftChild(dep, 0), dr = st.RightChild(dep, 0);
  const int sib = left ? st.LeftChild(head, 0) : st.RightChild(head, 0);
  const uint64_t dls = st.LeftLabels(dep), drs = st.RightLabels(dep);
  const uint64_t hside = left ? st.LeftLabels(head) : st.RightLabels(head);
  const uint64_t hleft = st.LeftLabels(head);
  const uint64_t dval = static_cast<uint64_t>(std::min(st.NumLeft(dep), 3)) * 4 +
                        static_cast<uint64_t>(std::min(st.NumRight(dep), 3));
  const FeatureToken &DL = tok(dl), &DR = tok(dr), &SIB = tok(sib);
  const FeatureToken &DM1 = tok(dep - 1), &DP1 = tok(dep + 1);
  const FeatureToken &HM1 = tok(head - 1), &HP1 = tok(head + 1);
  // Template ids from 301, apart from the move templates' 1..141.
  uint64_t t = 300;
  size_t k = 0;
  auto add1 = [&](uint64_t a) KG_ALWAYS_INLINE { out[k++] = F(++t, a); };
  auto add2 = [&](uint64_t a, uint64_t b) KG_ALWAYS_INLINE { out[k++] = F(++t, a, b); };
  auto add3 = [&](uint64_t a, uint64_t b, uint64_t c) KG_ALWAYS_INLINE {
    out[k++] = F(++t, a, b, c);
  };
  add1(dir);
  add2(D.word, dir), add2(D.xpos, dir), add2(D.upos, dir), add2(D.lemma, dir);
  add2(D.suffix, dir), add2(D.shape, dir);
  add2(H.word, dir), add2(H.xpos, dir), add2(H.lemma, dir);
  add3(H.xpos, D.xpos, dir), add3(H.upos, D.upos, dir), add3(H.word, D.xpos, dir);
  add3(H.xpos, D.word, dir), add3(H.lemma, D.lemma, dir), add3(H.xpos, D.lemma, dir);
  add3(H.xpos, D.xpos, dist), add3(D.xpos, dir, dist), add3(D.word, dir, dist);
  // The dependent's children.
  add3(D.xpos, dls, drs), add3(D.xpos, dval, dir);
  add3(D.xpos, lab(dl), lab(dr)), add3(D.xpos, DL.xpos, DR.xpos);
  add3(DL.word, D.xpos, dir), add3(DL.word, H.xpos, D.xpos), add3(H.xpos, lab(dl), dir);
  // The head's children so far.
  add3(H.xpos, lab(sib), D.xpos), add3(SIB.xpos, D.xpos, dir), add3(H.xpos, hside, dir);
  add3(D.xpos, hleft, dir);
  // Neighbours.
  add3(D.xpos, DM1.xpos, DP1.xpos), add3(H.xpos, HM1.xpos, HP1.xpos);
  add3(D.xpos, H.xpos, left ? DP1.xpos : DM1.xpos), add3(D.word, DM1.xpos, dir);
}

}  // namespace kg::core
