#include "core/gum_entities.h"

#include <algorithm>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kg::core {
namespace {

std::string MapGumType(std::string_view t) {
  if (t == "person") return "PERSON";
  if (t == "place") return "LOC";
  if (t == "organization") return "ORG";
  if (t == "event") return "EVENT";
  // Other named things (works, products, ...) are UNER's "other" names.
  // Abstract mentions are left out: many are citations ("Miller & Robertson")
  // that would teach person names as MISC. Times are left to the date rules.
  if (t == "object" || t == "substance" || t == "animal" || t == "plant") {
    return "MISC";
  }
  return "";
}

struct Open {
  int start;
  std::string type;
};

// Typed mentions of the sentence's entity brackets (types mapped; unmapped
// types left out).
std::vector<NerSpan> Mentions(const ConlluSentence& sentence) {
  const int n = static_cast<int>(sentence.tokens.size());
  std::vector<NerSpan> mentions;
  absl::flat_hash_map<std::string, std::vector<Open>> open;  // by entity id
  for (int i = 0; i < n; ++i) {
    const ConlluToken& t = sentence.tokens[i];
    std::string_view v = ConlluMiscValue(t.misc, "Entity");
    size_t p = 0;
    while (p < v.size()) {
      if (v[p] == '(') {
        size_t q = p + 1;
        while (q < v.size() && v[q] != '(' && v[q] != ')') ++q;
        std::string_view spec = v.substr(p + 1, q - p - 1);
        size_t d1 = spec.find('-');
        std::string id(spec.substr(0, d1));
        std::string type;
        if (d1 != std::string_view::npos) {
          size_t d2 = spec.find('-', d1 + 1);
          type = MapGumType(spec.substr(d1 + 1, d2 == std::string_view::npos ? d2 : d2 - d1 - 1));
        }
        if (q < v.size() && v[q] == ')') {
          if (!type.empty()) mentions.push_back({i, i + 1, type});
          p = q + 1;
        } else {
          open[id].push_back({i, type});
          p = q;
        }
      } else if (absl::ascii_isdigit(static_cast<unsigned char>(v[p]))) {
        size_t q = p;
        while (q < v.size() && absl::ascii_isdigit(static_cast<unsigned char>(v[q]))) ++q;
        std::string id(v.substr(p, q - p));
        if (q < v.size() && v[q] == ')') {
          auto it = open.find(id);
          if (it != open.end() && !it->second.empty()) {
            Open o = it->second.back();
            it->second.pop_back();
            if (!o.type.empty()) mentions.push_back({o.start, i + 1, o.type});
          }
          ++q;
        }
        p = q;
      } else {
        ++p;
      }
    }
  }
  return mentions;
}

// BIO tags of the longest spans among overlapping ones.
std::vector<std::string> KeepLongest(std::vector<NerSpan> names, int n) {
  std::stable_sort(names.begin(), names.end(), [](const NerSpan& a, const NerSpan& b) {
    return (a.end - a.begin) > (b.end - b.begin);
  });
  std::vector<NerSpan> kept;
  for (const NerSpan& s : names) {
    bool overlaps = false;
    for (const NerSpan& k : kept) overlaps = overlaps || (s.begin < k.end && k.begin < s.end);
    if (!overlaps) kept.push_back(s);
  }
  return SpansToBio(kept, n);
}

}  // namespace

NerSentence GumMentionEntities(const ConlluSentence& sentence) {
  NerSentence out;
  out.id = sentence.sent_id;
  out.doc_id = sentence.doc_id;
  std::vector<NerSpan> named;
  for (const NerSpan& m : Mentions(sentence)) {
    if (m.type != "PERSON" && m.type != "LOC" && m.type != "ORG") continue;
    for (int i = m.begin; i < m.end; ++i) {
      if (sentence.tokens[i].upos == "PROPN") {
        named.push_back(m);
        break;
      }
    }
  }
  for (const ConlluToken& t : sentence.tokens) out.words.push_back(t.form);
  out.tags = KeepLongest(std::move(named), static_cast<int>(sentence.tokens.size()));
  return out;
}

NerSentence GumNamedEntities(const ConlluSentence& sentence) {
  NerSentence out;
  out.id = sentence.sent_id;
  out.doc_id = sentence.doc_id;
  for (const ConlluToken& t : sentence.tokens) out.words.push_back(t.form);
  const std::vector<NerSpan> mentions = Mentions(sentence);
  // Name spans, as Universal NER marks names: only a mention headed by a
  // proper noun (or with one in apposition to its head) is named, so
  // "computing departments in North America" is not an ORG name. A person's
  // name is that proper noun with its `flat` parts ("U.S. President Joe
  // Biden" -> "Joe Biden": titles are compounds); other names are the run
  // of proper nouns (or NNP words: "United States") around it, joined by
  // "of", "the", "and", "&", "-" ("University of Portsmouth"), never
  // crossing a comma.
  std::vector<NerSpan> names;
  auto head_of = [&](int i) { return sentence.tokens[i].head - 1; };  // -1: root or none
  auto is_flat = [&](int i) { return absl::StartsWith(sentence.tokens[i].deprel, "flat"); };
  auto is_propn = [&](int i) { return sentence.tokens[i].upos == "PROPN"; };
  // A word of a name: a proper noun, or a word GUM tags NNP(S) under another
  // UPOS ("United" in "United States" is VERB NNP).
  auto is_name_word = [&](int i) {
    return is_propn(i) || absl::StartsWith(sentence.tokens[i].xpos, "NNP");
  };
  for (const NerSpan& m : mentions) {
    int top = -1;  // the mention's syntactic head
    for (int i = m.begin; i < m.end && top < 0; ++i) {
      int hd = head_of(i);
      if (hd < m.begin || hd >= m.end) top = i;
    }
    if (top < 0) continue;
    int h = is_propn(top) ? top : -1;
    for (int i = m.begin; i < m.end && h < 0; ++i) {
      if (is_propn(i) && head_of(i) == top &&
          absl::StartsWith(sentence.tokens[i].deprel, "appos")) {
        h = i;
      }
    }
    if (h < 0) continue;
    if (m.type == "PERSON") {
      while (is_flat(h) && head_of(h) >= m.begin && head_of(h) < m.end) h = head_of(h);
      int b = h, e = h + 1;
      bool grown = true;
      while (grown) {
        grown = false;
        for (int i = m.begin; i < m.end; ++i) {
          if ((i == b - 1 || i == e) && is_flat(i) && head_of(i) >= b && head_of(i) < e) {
            b = std::min(b, i);
            e = std::max(e, i + 1);
            grown = true;
          }
          // Hyphen and punctuation inside a flat name ("al-Ani").
          if (i == e && i + 1 < m.end && sentence.tokens[i].upos == "PUNCT" && is_flat(i + 1) &&
              head_of(i + 1) >= b && head_of(i + 1) < e) {
            e = i + 2;
            grown = true;
          }
        }
      }
      names.push_back({b, e, m.type});
      continue;
    }
    auto joiner = [&](int i) {
      const std::string& f = sentence.tokens[i].form;
      return f == "of" || f == "the" || f == "and" || f == "&" || f == "-" || f == "de";
    };
    int b = h, e = h + 1;
    while (b > m.begin && is_name_word(b - 1)) --b;
    while (e < m.end) {
      if (is_name_word(e)) {
        ++e;
        continue;
      }
      int j = e;
      while (j < m.end && j < e + 2 && joiner(j)) ++j;
      if (j > e && j < m.end && is_name_word(j)) {
        e = j + 1;
        continue;
      }
      break;
    }
    names.push_back({b, e, m.type});
  }
  out.tags = KeepLongest(std::move(names), static_cast<int>(sentence.tokens.size()));
  return out;
}

absl::StatusOr<std::vector<ConlluSentence>> ReadConlluDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) return ReadConlluFile(dir);
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(dir, ": no such file or directory"));
  }
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".conllu") files.push_back(e.path().string());
  }
  if (ec) return absl::InternalError(absl::StrCat(dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<ConlluSentence> all;
  for (const std::string& f : files) {
    auto s = ReadConlluFile(f);
    if (!s.ok()) return s.status();
    for (auto& x : *s) {
      if (x.doc_id.empty()) x.doc_id = f;  // one document per file
      all.push_back(std::move(x));
    }
  }
  return all;
}

}  // namespace kg::core
