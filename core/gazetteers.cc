#include "core/gazetteers.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/huge_pages.h"
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

namespace {

// Every name already in one of g's lists.
std::set<std::string> KnownNames(const Gazetteers& g) {
  std::set<std::string> known;
  for (const auto* list : {&g.countries(), &g.subdivisions(), &g.demonyms(), &g.places(),
                           &g.people(), &g.groups(), &g.cities(), &g.companies()}) {
    known.insert(list->begin(), list->end());
  }
  for (const NameList& list : g.lists()) known.insert(list.names().begin(), list.names().end());
  return known;
}

// Appends the names of `path` (one a line) to `out`, in order, less those in
// `known` and one-word names `caps` says are mostly lower case; adds them
// to `known`. An empty path reads nothing.
absl::Status ReadNameList(const std::string& path,
                          const absl::flat_hash_map<std::string, uint8_t>& caps,
                          std::set<std::string>& known,
                          google::protobuf::RepeatedPtrField<std::string>* out) {
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
}

}  // namespace

absl::Status AddNameLists(const std::string& cities_file, const std::string& companies_file,
                          const absl::flat_hash_map<std::string, uint8_t>& caps, Gazetteers* g) {
  std::set<std::string> known = KnownNames(*g);
  auto read = [&](const std::string& path, google::protobuf::RepeatedPtrField<std::string>* out) {
    return ReadNameList(path, caps, known, out);
  };
  g->clear_compiled();  // compiled from the lists before these
  absl::Status st = read(cities_file, g->mutable_cities());
  if (!st.ok()) return st;
  return read(companies_file, g->mutable_companies());
}

absl::Status AddKindList(uint32_t kind, const std::string& file,
                         const absl::flat_hash_map<std::string, uint8_t>& caps, Gazetteers* g) {
  if (kind < GazetteerMatcher::kFirstListKind || kind > GazetteerMatcher::kLastListKind) {
    return absl::InvalidArgumentError(
        absl::StrCat("name list kind ", kind, " for ", file, ": expected ",
                     static_cast<int>(GazetteerMatcher::kFirstListKind), "..",
                     static_cast<int>(GazetteerMatcher::kLastListKind)));
  }
  std::set<std::string> known = KnownNames(*g);
  NameList* list = nullptr;
  for (NameList& l : *g->mutable_lists()) {
    if (l.kind() == kind) list = &l;
  }
  if (list == nullptr) {
    list = g->add_lists();
    list->set_kind(kind);
  }
  g->clear_compiled();
  return ReadNameList(file, caps, known, list->mutable_names());
}

namespace {

// Entries of one first word while compiling: the later words each followed
// by '\0', longest names first.
struct Entry {
  std::string rest;
  uint16_t num_words;
  GazetteerMatcher::Kind kind;
};
using EntryMap = absl::flat_hash_map<std::string, std::vector<Entry>>;

// The compiled bytes: a header, then the pools of the three tables. Bump
// kLayout whenever the bytes or what they hold change meaning, including a
// change in how Tokenize() or Lowercase() split or fold names: a file
// compiled by another layout is then compiled again from its lists.
constexpr uint32_t kMagic = 0x5a47474b;  // "KGGZ"
constexpr uint32_t kLayout = 2;          // 2: StableHash reads short tails by loads
constexpr int kTables = 3;
// magic, layout, fingerprint (8 bytes), then (records, pool bytes) per table.
constexpr size_t kHeaderSize = 4 + 4 + 8 + kTables * 8;

// A hash that is the same in every build on a little-endian machine (it is
// stored in model files as the lists' fingerprint; absl's hash is seeded
// per process). Elsewhere fingerprints differ and the lists are compiled.
uint64_t StableHash(std::string_view s, uint64_t seed = 0) {
  constexpr uint64_t k1 = 0x9e3779b97f4a7c15ull, k2 = 0xbf58476d1ce4e5b9ull,
                     k3 = 0x94d049bb133111ebull;
  uint64_t h = (seed ^ k1) + s.size() * k3;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * k2;
    h ^= h >> 31;
  }
  // The last 0-7 bytes, read without a variable-length copy (a call in
  // the hot path of every look-up): two overlapping 4-byte loads, or
  // bytes 0, n/2 and n-1; with the length in the seed, both cover every
  // byte.
  const char* p = s.data() + i;
  const size_t n = s.size() - i;
  uint64_t w = 0;
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = a | uint64_t{b} << 32;
  } else if (n > 0) {
    const auto* u = reinterpret_cast<const uint8_t*>(p);
    w = u[0] | uint64_t{u[n / 2]} << 8 | uint64_t{u[n - 1]} << 16;
  }
  h = (h ^ w) * k3;
  h ^= h >> 29;
  h *= k2;
  h ^= h >> 32;
  return h;
}

uint64_t Fingerprint(const Gazetteers& g) {
  uint64_t h = kLayout;
  for (const auto* list : {&g.countries(), &g.subdivisions(), &g.demonyms(), &g.places(),
                           &g.people(), &g.groups(), &g.cities(), &g.companies()}) {
    h = StableHash("\n", h + static_cast<uint64_t>(list->size()));
    for (const std::string& name : *list) h = StableHash(name, h);
  }
  // Folded in only when present, so files without them keep their
  // fingerprint (and their compiled lists stay adoptable).
  for (const NameList& list : g.lists()) {
    h = StableHash("\t",
                   h + list.kind() * 0x100000001ull + static_cast<uint64_t>(list.names_size()));
    for (const std::string& name : list.names()) h = StableHash(name, h);
  }
  return h;
}

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// Decodes a varint at p (advanced past it) that ends before `end`; false if
// it does not.
bool GetVarint(const char*& p, const char* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const uint8_t b = static_cast<uint8_t>(*p++);
    v |= uint64_t{b & 0x7fu} << shift;
    if (b < 0x80) return true;
  }
  return false;
}

// The same for bytes checked when they were adopted.
uint64_t ReadVarint(const char*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const uint8_t b = static_cast<uint8_t>(*p++);
    v |= uint64_t{b & 0x7fu} << shift;
    if (b < 0x80) return v;
  }
}

// A slot's tag: 7 bits of the key's hash (not those of its home slot),
// never 0 (an empty slot).
uint8_t SlotTag(uint64_t h) { return static_cast<uint8_t>(h >> 56) | 1; }

void PutU32(uint32_t v, std::string& out) { out.append(reinterpret_cast<const char*>(&v), 4); }
uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The records of `map`; in key order when `sorted` (bytes for a file must
// not depend on the hash order, which changes from run to run).
template <typename Map, typename PutPayload>
std::string Pool(const Map& map, PutPayload put, bool sorted_keys) {
  std::vector<const typename Map::value_type*> sorted;
  sorted.reserve(map.size());
  for (const auto& kv : map) sorted.push_back(&kv);
  if (sorted_keys) {
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
  }
  std::string pool;
  for (const auto* kv : sorted) {
    PutVarint(kv->first.size(), pool);
    pool += kv->first;
    put(kv->second, pool);
  }
  return pool;
}

void PutEntries(const std::vector<Entry>& entries, std::string& out) {
  PutVarint(entries.size(), out);
  for (const Entry& e : entries) {
    PutVarint(e.num_words, out);
    out += static_cast<char>(e.kind);
    PutVarint(e.rest.size(), out);
    out += e.rest;
  }
}

// Checks one payload of entries: every entry has a known kind and exactly
// num_words - 1 later words, each ended by '\0'.
bool CheckEntries(const char*& p, const char* end) {
  uint64_t count = 0;
  if (!GetVarint(p, end, count)) return false;
  for (uint64_t k = 0; k < count; ++k) {
    uint64_t num_words = 0, rest = 0;
    if (!GetVarint(p, end, num_words) || num_words == 0 || num_words > UINT16_MAX || p >= end) {
      return false;
    }
    const uint8_t kind = static_cast<uint8_t>(*p++);
    if (kind == GazetteerMatcher::kNone || kind > GazetteerMatcher::kLastListKind) return false;
    if (!GetVarint(p, end, rest) || rest > static_cast<uint64_t>(end - p)) return false;
    const std::string_view words(p, rest);
    if (static_cast<uint64_t>(std::count(words.begin(), words.end(), '\0')) != num_words - 1 ||
        (rest > 0 && words.back() != '\0')) {
      return false;
    }
    p += rest;
  }
  return true;
}

}  // namespace

std::string GazetteerMatcher::Compile(const Gazetteers& g) { return Compile(g, true); }

std::string GazetteerMatcher::Compile(const Gazetteers& g, bool sorted) {
  size_t names = g.countries_size() + g.subdivisions_size() + g.demonyms_size() + g.places_size() +
                 g.people_size() + g.groups_size() + g.cities_size() + g.companies_size();
  for (const NameList& list : g.lists()) names += list.names_size();
  if (names == 0) return std::string();
  EntryMap by_first, by_first_folded;  // lower-cased
  by_first.reserve(names);
  by_first_folded.reserve(names);
  auto add = [&](std::string_view name, Kind kind) {
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
    auto add_to = [](std::vector<Entry>& list, Entry entry) {
      for (const Entry& x : list) {
        // Same first word (same list) and same rest: the same name.
        if (x.num_words == entry.num_words && x.rest == entry.rest) {
          return;  // first kind wins (countries before subdivisions)
        }
      }
      list.push_back(std::move(entry));
    };
    add_to(by_first_folded[Lowercase(tokens[0].text)], std::move(folded));
    add_to(by_first[tokens[0].text], std::move(e));
  };
  for (const auto& n : g.countries()) add(n, kCountry);
  for (const auto& n : g.subdivisions()) add(n, kSubdivision);
  for (const auto& n : g.demonyms()) add(n, kDemonym);
  for (const auto& n : g.places()) add(n, kPlace);
  for (const auto& n : g.people()) add(n, kPerson);
  for (const auto& n : g.groups()) add(n, kGroup);
  for (const auto& n : g.cities()) add(n, kCity);
  for (const auto& n : g.companies()) add(n, kCompany);
  for (const NameList& list : g.lists()) {
    // AddKindList checks the kind; a file's out-of-range kind is dropped.
    if (list.kind() < kFirstListKind || list.kind() > kLastListKind) continue;
    for (const auto& n : list.names()) add(n, static_cast<Kind>(list.kind()));
  }
  for (auto* map : {&by_first, &by_first_folded}) {
    for (auto& [first, entries] : *map) {
      std::stable_sort(entries.begin(), entries.end(),
                       [](const Entry& a, const Entry& b) { return a.num_words > b.num_words; });
    }
  }
  // Given names and surnames: the first and last words of WordNet's
  // many-word person names ("Abraham Lincoln").
  absl::flat_hash_map<std::string, uint8_t> name_parts;
  for (const auto& n : g.people()) {
    std::vector<Token> t = Tokenize(n);
    if (t.size() < 2) continue;
    name_parts[t.front().text] |= kGivenName;
    name_parts[t.back().text] |= kSurname;
  }
  const std::string pools[kTables] = {
      Pool(by_first, PutEntries, sorted), Pool(by_first_folded, PutEntries, sorted),
      Pool(
          name_parts, [](uint8_t bits, std::string& out) { out += static_cast<char>(bits); },
          sorted)};
  const size_t records[kTables] = {by_first.size(), by_first_folded.size(), name_parts.size()};
  std::string out;
  PutU32(kMagic, out);
  PutU32(kLayout, out);
  const uint64_t fingerprint = Fingerprint(g);
  out.append(reinterpret_cast<const char*>(&fingerprint), 8);
  for (int t = 0; t < kTables; ++t) {
    PutU32(static_cast<uint32_t>(records[t]), out);
    PutU32(static_cast<uint32_t>(pools[t].size()), out);
  }
  for (const std::string& pool : pools) out += pool;
  return out;
}

GazetteerMatcher::GazetteerMatcher(const Gazetteers& g) {
  const uint64_t fingerprint = Fingerprint(g);
  if (!g.compiled().empty() && Adopt(g.compiled(), fingerprint)) {
    adopted_ = true;
    return;
  }
  // Unsorted: these bytes are not stored, so their order does not matter.
  const std::string compiled = Compile(g, /*sorted=*/false);
  if (!compiled.empty()) Adopt(compiled, fingerprint);  // cannot fail on our own bytes
}

bool GazetteerMatcher::Adopt(std::string_view bytes, uint64_t fingerprint) {
  if (bytes.size() < kHeaderSize || bytes.size() > UINT32_MAX || GetU32(bytes.data()) != kMagic ||
      GetU32(bytes.data() + 4) != kLayout) {
    return false;
  }
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + 8, 8);
  if (stored != fingerprint) return false;
  size_t records[kTables], pool_sizes[kTables], slots[kTables];
  size_t pool_total = 0, slot_total = 0;
  for (int t = 0; t < kTables; ++t) {
    records[t] = GetU32(bytes.data() + 16 + 8 * t);
    pool_sizes[t] = GetU32(bytes.data() + 20 + 8 * t);
    // A record takes two bytes at least: a damaged count must not size the
    // slots (memory) beyond what the pool can hold.
    if (records[t] > pool_sizes[t] / 2) return false;
    slots[t] = 2;
    while (slots[t] < 2 * records[t]) slots[t] *= 2;  // at most half full
    pool_total += pool_sizes[t];
    slot_total += slots[t];
  }
  if (pool_total != bytes.size() - kHeaderSize) return false;
  // One block: the slots' offsets, their tags, then a copy of the bytes.
  // Large blocks go in huge pages, faulted in at once (a fault costs up to
  // tens of microseconds in this VM; the shipped lists make a 4 MB block).
  const size_t slot_bytes = slot_total * (sizeof(uint32_t) + 1);
  const size_t block_size = slot_bytes + bytes.size();
  constexpr size_t kHugeFrom = size_t{1} << 20;
  std::shared_ptr<char> block;  // becomes block_ once all is checked
  if (block_size >= kHugeFrom) {
    char* p = static_cast<char*>(AllocateHuge(block_size, /*populate=*/true));
    if (p == nullptr) return false;
    block.reset(p, [block_size](char* q) { FreeHuge(q, block_size); });
  } else {
    block.reset(new char[block_size](), std::default_delete<char[]>());
  }
  std::memcpy(block.get() + slot_bytes, bytes.data(), bytes.size());
  Table tables[kTables];
  auto* offsets = reinterpret_cast<uint32_t*>(block.get());
  auto* tags = reinterpret_cast<uint8_t*>(block.get() + slot_total * sizeof(uint32_t));
  const char* pool = block.get() + slot_bytes + kHeaderSize;
  for (int t = 0; t < kTables; ++t) {
    Table& table = tables[t];
    table.pool = pool;
    table.offsets = offsets;
    table.tags = tags;
    table.mask = slots[t] - 1;
    const char* p = pool;
    const char* const end = pool + pool_sizes[t];
    size_t n = 0;
    while (p < end) {
      const uint64_t offset = static_cast<uint64_t>(p - pool);
      uint64_t key_size = 0;
      if (!GetVarint(p, end, key_size) || key_size > static_cast<uint64_t>(end - p)) return false;
      const std::string_view key(p, key_size);
      p += key_size;
      if (t < 2) {
        if (!CheckEntries(p, end)) return false;
      } else if (p++ >= end) {
        return false;
      }
      if (++n > records[t]) return false;
      const uint64_t h = StableHash(key);
      uint64_t i = h & table.mask;
      while (tags[i] != 0) i = (i + 1) & table.mask;
      tags[i] = SlotTag(h);
      offsets[i] = static_cast<uint32_t>(offset);
    }
    if (n != records[t]) return false;
    pool = end;
    offsets += slots[t];
    tags += slots[t];
  }
  exact_ = tables[0];
  folded_ = tables[1];
  parts_ = tables[2];
  block_ = std::move(block);
  return true;
}

const char* GazetteerMatcher::Lookup(const Table& t, std::string_view key) {
  if (t.tags == nullptr) return nullptr;
  return Lookup(t, key, StableHash(key));
}

const char* GazetteerMatcher::Lookup(const Table& t, std::string_view key, uint64_t h) {
  const uint8_t tag = SlotTag(h);
  for (uint64_t i = h & t.mask;; i = (i + 1) & t.mask) {
    const uint8_t s = t.tags[i];
    if (s == 0) return nullptr;
    if (s != tag) continue;
    const char* p = t.pool + t.offsets[i];
    const uint64_t size = ReadVarint(p);
    if (size == key.size() && std::memcmp(p, key.data(), size) == 0) return p + size;
  }
}

const std::vector<uint64_t>& GazetteerMatcher::HashAndPrefetch(
    const Table& t, const std::vector<std::string_view>& words) {
  thread_local std::vector<uint64_t> hashes;
  hashes.resize(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    hashes[i] = StableHash(words[i]);
    __builtin_prefetch(&t.tags[hashes[i] & t.mask]);
    __builtin_prefetch(&t.offsets[hashes[i] & t.mask]);
  }
  return hashes;
}

uint8_t GazetteerMatcher::NameParts(std::string_view word) const {
  const char* p = Lookup(parts_, word);
  return p == nullptr ? 0 : static_cast<uint8_t>(*p);
}

void GazetteerMatcher::NameParts(const std::vector<std::string_view>& words,
                                 std::vector<uint8_t>& out) const {
  out.assign(words.size(), 0);
  if (parts_.tags == nullptr) return;
  const std::vector<uint64_t>& hashes = HashAndPrefetch(parts_, words);
  for (size_t i = 0; i < words.size(); ++i) {
    const char* p = Lookup(parts_, words[i], hashes[i]);
    if (p != nullptr) out[i] = static_cast<uint8_t>(*p);
  }
}

namespace {

// Walks the entries of one looked-up first word.
class Entries {
 public:
  explicit Entries(const char* p) : p_(p), left_(ReadVarint(p_)) {}
  bool Next() {
    if (left_ == 0) return false;
    --left_;
    num_words = ReadVarint(p_);
    kind = static_cast<GazetteerMatcher::Kind>(*p_++);
    const uint64_t size = ReadVarint(p_);
    rest = std::string_view(p_, size);
    p_ += size;
    return true;
  }
  size_t num_words = 0;
  GazetteerMatcher::Kind kind = GazetteerMatcher::kNone;
  std::string_view rest;

 private:
  const char* p_;
  uint64_t left_;
};

// True if words[i + 1 ..] start with the entry's words after the first.
bool RestMatches(const Entries& e, const std::vector<std::string_view>& words, size_t i) {
  size_t pos = 0;
  for (size_t k = 1; k < e.num_words; ++k) {
    const size_t end = e.rest.find('\0', pos);
    if (e.rest.substr(pos, end - pos) != words[i + k]) return false;
    pos = end + 1;
  }
  return true;
}

}  // namespace

std::vector<GazetteerMatcher::Match> GazetteerMatcher::Find(
    const std::vector<std::string_view>& words, bool fold_case) const {
  if (!fold_case) return FindIn(words, exact_);
  std::vector<std::string> lower;
  lower.reserve(words.size());
  for (std::string_view w : words) lower.push_back(Lowercase(w));
  return FindFolded(std::vector<std::string_view>(lower.begin(), lower.end()));
}

std::vector<GazetteerMatcher::Match> GazetteerMatcher::FindFolded(
    const std::vector<std::string_view>& lowered) const {
  return FindIn(lowered, folded_);
}

std::vector<GazetteerMatcher::Match> GazetteerMatcher::FindIn(
    const std::vector<std::string_view>& words, const Table& table) {
  std::vector<Match> out(words.size());
  if (table.tags == nullptr) return out;
  const std::vector<uint64_t>& hashes = HashAndPrefetch(table, words);
  size_t i = 0;
  while (i < words.size()) {
    const char* found = Lookup(table, words[i], hashes[i]);
    size_t len = 0;
    Kind kind = kNone;
    if (found != nullptr) {
      Entries e(found);
      while (e.Next()) {
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
  const char* found = Lookup(exact_, words[0]);
  if (found == nullptr) return false;
  Entries e(found);
  while (e.Next()) {
    if ((e.kind != kCountry && e.kind != kSubdivision) || e.num_words != words.size()) continue;
    if (RestMatches(e, words, 0)) return true;
  }
  return false;
}

}  // namespace kg::core
