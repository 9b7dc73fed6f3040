#include "core/gazetteers.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/tokenizer.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream buf;
  buf << in.rdbuf();
  return std::move(buf).str();
}

absl::StatusOr<nlohmann::json> ReadJson(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": invalid JSON"));
  return j;
}

void AddName(std::set<std::string>& out, const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) return;
  std::string name = it->get<std::string>();
  out.insert(name);
  size_t comma = name.find(", ");
  if (comma != std::string::npos) out.insert(name.substr(0, comma));
}

// WordNet data file lines: offset lexfile pos w_cnt(hex) word lex_id ...
// p_cnt ptr... | gloss.
struct Synset {
  int lexfile = -1;  // lexicographer file: 14 noun.group, 15 noun.location, 18 noun.person
  std::vector<std::string> words;
  std::vector<std::pair<uint64_t, int>> pertainyms;  // (noun offset, target word index)
  std::vector<int> pertainym_sources;                // source word index (1-based)
};

bool ParseSynset(std::string_view line, Synset& s, uint64_t& offset, bool want_pertainyms) {
  if (line.empty() || line[0] == ' ') return false;
  std::string_view head = line.substr(0, line.find(" | "));
  std::vector<absl::string_view> f =
      absl::StrSplit(absl::string_view(head.data(), head.size()), ' ', absl::SkipEmpty());
  if (f.size() < 4 || !absl::SimpleAtoi(f[0], &offset)) return false;
  int w_cnt = 0;
  if (!absl::SimpleHexAtoi(f[3], &w_cnt)) return false;
  if (!absl::SimpleAtoi(f[1], &s.lexfile)) s.lexfile = -1;
  size_t k = 4;
  for (int w = 0; w < w_cnt && k + 1 < f.size(); ++w, k += 2) {
    std::string word(f[k]);
    size_t paren = word.find('(');  // adjective markers: "(a)", "(p)"
    if (paren != std::string::npos) word.resize(paren);
    std::replace(word.begin(), word.end(), '_', ' ');
    s.words.push_back(word);
  }
  if (!want_pertainyms || k >= f.size()) return true;
  int p_cnt = 0;
  if (!absl::SimpleAtoi(f[k], &p_cnt)) return true;
  ++k;
  for (int p = 0; p < p_cnt && k + 3 < f.size(); ++p, k += 4) {
    if (f[k] != "\\" || f[k + 2] != "n") continue;
    uint64_t target = 0;
    int st = 0;
    if (!absl::SimpleAtoi(f[k + 1], &target) || !absl::SimpleHexAtoi(f[k + 3], &st)) continue;
    s.pertainyms.push_back({target, st & 0xff});
    s.pertainym_sources.push_back(st >> 8);
  }
  return true;
}

}  // namespace

absl::StatusOr<Gazetteers> BuildGazetteers(const std::string& iso_dir,
                                           const std::string& wordnet_dir) {
  std::set<std::string> countries, subdivisions, demonyms, places, people, groups;
  {
    std::string path = iso_dir + "/iso_3166-1.json";
    auto j = ReadJson(path);
    if (!j.ok()) return j.status();
    if (!j->contains("3166-1")) return absl::InvalidArgumentError(path + ": no \"3166-1\" list");
    for (const auto& e : (*j)["3166-1"]) {
      AddName(countries, e, "name");
      AddName(countries, e, "official_name");
      AddName(countries, e, "common_name");
    }
  }
  {
    std::string path = iso_dir + "/iso_3166-2.json";
    auto j = ReadJson(path);
    if (!j.ok()) return j.status();
    if (!j->contains("3166-2")) return absl::InvalidArgumentError(path + ": no \"3166-2\" list");
    for (const auto& e : (*j)["3166-2"]) AddName(subdivisions, e, "name");
  }
  {
    auto noun_text = ReadAll(wordnet_dir + "/data.noun");
    if (!noun_text.ok()) return noun_text.status();
    auto adj_text = ReadAll(wordnet_dir + "/data.adj");
    if (!adj_text.ok()) return adj_text.status();
    absl::flat_hash_map<uint64_t, std::vector<std::string>> nouns;
    for (absl::string_view l : absl::StrSplit(*noun_text, '\n')) {
      Synset s;
      uint64_t off;
      if (!ParseSynset(std::string_view(l.data(), l.size()), s, off, false)) continue;
      // Capitalised nouns of the location, person and group files are names
      // of places, people (and peoples) and organisations.
      std::set<std::string>* names = s.lexfile == 15   ? &places
                                     : s.lexfile == 18 ? &people
                                     : s.lexfile == 14 ? &groups
                                                       : nullptr;
      if (names != nullptr) {
        for (const std::string& w : s.words) {
          if (StartsUpper(w)) names->insert(w);
        }
      }
      nouns[off] = std::move(s.words);
    }
    for (absl::string_view l : absl::StrSplit(*adj_text, '\n')) {
      Synset s;
      uint64_t off;
      if (!ParseSynset(std::string_view(l.data(), l.size()), s, off, true)) continue;
      for (size_t p = 0; p < s.pertainyms.size(); ++p) {
        auto it = nouns.find(s.pertainyms[p].first);
        if (it == nouns.end()) continue;
        int tgt = s.pertainyms[p].second;
        int src = s.pertainym_sources[p];
        const std::string* noun = nullptr;
        if (tgt >= 1 && tgt <= static_cast<int>(it->second.size())) noun = &it->second[tgt - 1];
        if (noun == nullptr || !StartsUpper(*noun)) continue;
        for (size_t w = 0; w < s.words.size(); ++w) {
          if (src != 0 && static_cast<int>(w) + 1 != src) continue;
          if (StartsUpper(s.words[w])) demonyms.insert(s.words[w]);
        }
      }
    }
  }
  if (countries.empty() || demonyms.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gazetteers: found ", countries.size(), " countries and ", demonyms.size(),
                     " demonyms in ", iso_dir, " and ", wordnet_dir, "; expected both"));
  }
  Gazetteers g;
  for (const auto& c : countries) g.add_countries(c);
  for (const auto& c : subdivisions) g.add_subdivisions(c);
  for (const auto& c : demonyms) g.add_demonyms(c);
  for (const auto& c : places) g.add_places(c);
  for (const auto& c : people) g.add_people(c);
  for (const auto& c : groups) g.add_groups(c);
  return g;
}

absl::Status AddNameLists(const std::string& cities_file, const std::string& companies_file,
                          const absl::flat_hash_map<std::string, uint8_t>& caps, Gazetteers* g) {
  std::set<std::string> known;
  for (const auto* list : {&g->countries(), &g->subdivisions(), &g->demonyms(), &g->places(),
                           &g->people(), &g->groups(), &g->cities(), &g->companies()}) {
    known.insert(list->begin(), list->end());
  }
  auto read = [&](const std::string& path,
                  google::protobuf::RepeatedPtrField<std::string>* out) -> absl::Status {
    if (path.empty()) return absl::OkStatus();
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot open name list ", path));
    std::set<std::string> names;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      const std::string name(absl::StripAsciiWhitespace(line));
      if (name.empty() || name[0] == '#') continue;
      if (name.find('\t') != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", n, ": a tab inside a name (expected one name a line)"));
      }
      if (known.count(name)) continue;
      if (!caps.empty() && name.find(' ') == std::string::npos) {
        auto it = caps.find(NormalizedWord(name));
        if (it != caps.end() && it->second <= 1) continue;
      }
      names.insert(name);
    }
    for (const std::string& name : names) {
      out->Add(std::string(name));
      known.insert(name);
    }
    return absl::OkStatus();
  };
  absl::Status st = read(cities_file, g->mutable_cities());
  if (!st.ok()) return st;
  return read(companies_file, g->mutable_companies());
}

GazetteerMatcher::GazetteerMatcher(const Gazetteers& g) {
  // Sized once: with the city list (~75 k names) rehashing while names are
  // added cost ~0.05 s of each model load.
  const size_t names = g.countries_size() + g.subdivisions_size() + g.demonyms_size() +
                       g.places_size() + g.people_size() + g.groups_size() + g.cities_size() +
                       g.companies_size();
  by_first_.reserve(names);
  by_first_folded_.reserve(names);
  for (const auto& n : g.countries()) Add(n, kCountry);
  for (const auto& n : g.subdivisions()) Add(n, kSubdivision);
  for (const auto& n : g.demonyms()) Add(n, kDemonym);
  for (const auto& n : g.places()) Add(n, kPlace);
  for (const auto& n : g.people()) Add(n, kPerson);
  for (const auto& n : g.groups()) Add(n, kGroup);
  for (const auto& n : g.cities()) Add(n, kCity);
  for (const auto& n : g.companies()) Add(n, kCompany);
  for (auto* map : {&by_first_, &by_first_folded_}) {
    for (auto& [first, entries] : *map) {
      std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.num_words > b.num_words;
      });
    }
  }
  // Given names and surnames: the first and last words of WordNet's
  // many-word person names ("Abraham Lincoln").
  for (const auto& n : g.people()) {
    std::vector<Token> t = Tokenize(n);
    if (t.size() < 2) continue;
    name_parts_[t.front().text] |= kGivenName;
    name_parts_[t.back().text] |= kSurname;
  }
}

uint8_t GazetteerMatcher::NameParts(std::string_view word) const {
  auto it = name_parts_.find(absl::string_view(word.data(), word.size()));
  return it == name_parts_.end() ? 0 : it->second;
}

void GazetteerMatcher::Add(std::string_view name, Kind kind) {
  const std::vector<Token> tokens = Tokenize(name);
  if (tokens.empty() || tokens.size() > UINT16_MAX) return;
  Entry e{std::string(), static_cast<uint16_t>(tokens.size()), kind};
  Entry folded = e;
  for (size_t k = 1; k < tokens.size(); ++k) {
    e.rest += tokens[k].text;
    e.rest += '\0';
    folded.rest += Lowercase(tokens[k].text);
    folded.rest += '\0';
  }
  auto add = [](std::vector<Entry>& list, Entry entry) {
    for (const Entry& x : list) {
      // Same first word (same list) and same rest: the same name.
      if (x.num_words == entry.num_words && x.rest == entry.rest) {
        return;  // first kind wins (countries before subdivisions)
      }
    }
    list.push_back(std::move(entry));
  };
  add(by_first_folded_[Lowercase(tokens[0].text)], std::move(folded));
  add(by_first_[tokens[0].text], std::move(e));
}

bool GazetteerMatcher::RestMatches(const Entry& e, const std::vector<std::string_view>& words,
                                   size_t i) {
  const std::string_view rest = e.rest;
  size_t pos = 0;
  for (size_t k = 1; k < e.num_words; ++k) {
    const size_t end = rest.find('\0', pos);
    if (rest.substr(pos, end - pos) != words[i + k]) return false;
    pos = end + 1;
  }
  return true;
}

std::vector<GazetteerMatcher::Match> GazetteerMatcher::Find(
    const std::vector<std::string_view>& words, bool fold_case) const {
  if (!fold_case) return FindIn(words, by_first_);
  std::vector<std::string> lower;
  lower.reserve(words.size());
  for (std::string_view w : words) lower.push_back(Lowercase(w));
  return FindFolded(std::vector<std::string_view>(lower.begin(), lower.end()));
}

std::vector<GazetteerMatcher::Match> GazetteerMatcher::FindFolded(
    const std::vector<std::string_view>& lowered) const {
  return FindIn(lowered, by_first_folded_);
}

std::vector<GazetteerMatcher::Match> GazetteerMatcher::FindIn(
    const std::vector<std::string_view>& words, const EntryMap& map) {
  std::vector<Match> out(words.size());
  size_t i = 0;
  while (i < words.size()) {
    auto it = map.find(absl::string_view(words[i].data(), words[i].size()));
    size_t len = 0;
    Kind kind = kNone;
    if (it != map.end()) {
      for (const Entry& e : it->second) {
        if (i + e.num_words > words.size()) continue;
        if (RestMatches(e, words, i)) {
          len = e.num_words;
          kind = e.kind;
          break;
        }
      }
    }
    if (len == 0) {
      ++i;
      continue;
    }
    for (size_t k = 0; k < len; ++k) {
      out[i + k].kind = kind;
      out[i + k].position = len == 1 ? 'U' : k == 0 ? 'B' : k + 1 == len ? 'L' : 'I';
    }
    i += len;
  }
  return out;
}

bool GazetteerMatcher::IsPlace(const std::vector<std::string_view>& words) const {
  if (words.empty()) return false;
  auto it = by_first_.find(absl::string_view(words[0].data(), words[0].size()));
  if (it == by_first_.end()) return false;
  for (const Entry& e : it->second) {
    if ((e.kind != kCountry && e.kind != kSubdivision) || e.num_words != words.size()) continue;
    if (RestMatches(e, words, 0)) return true;
  }
  return false;
}

}  // namespace kg::core
