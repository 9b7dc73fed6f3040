#include "core/value_recognizer.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kg::core {
namespace {

template <size_t N>
bool In(std::string_view w, const std::array<std::string_view, N>& list) {
  for (std::string_view x : list) {
    if (x == w) return true;
  }
  return false;
}

// One copy (a std::string argument would be a second).
std::string Lower(std::string_view w) {
  return absl::AsciiStrToLower(absl::string_view(w.data(), w.size()));
}

constexpr std::array<std::string_view, 24> kMonths = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan.", "feb.", "mar.", "apr.",
    "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec."};
constexpr std::array<std::string_view, 7> kWeekdays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
constexpr std::array<std::string_view, 10> kScales = {
    "hundred", "thousand", "million", "billion", "trillion", "bn", "mn", "m", "k", "dozen"};
constexpr std::array<std::string_view, 12> kCurrencySymbols = {
    "$", "€", "£", "¥", "US$", "USD", "MXN", "EUR", "GBP", "C$", "A$", "R$"};
constexpr std::array<std::string_view, 12> kCurrencyWords = {
    "dollars", "dollar", "pesos", "peso", "euros", "euro", "pounds", "yuan",
    "cents", "yen", "rupees", "francs"};
constexpr std::array<std::string_view, 26> kUnits = {
    "kilometers", "kilometres", "km", "miles", "mile", "meters", "metres", "feet",
    "tons", "tonnes", "ton", "kilograms", "kg", "grams", "pounds", "lbs",
    "acres", "hectares", "liters", "litres", "gallons", "barrels", "square", "cubic",
    "degrees", "kilos"};
constexpr std::array<std::string_view, 12> kNumberWords = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "dozens", "hundreds"};
template <size_t N>
constexpr size_t Longest(const std::array<std::string_view, N>& list) {
  size_t longest = 0;
  for (std::string_view x : list) longest = std::max(longest, x.size());
  return longest;
}
// Longer tokens are not lower-cased to be compared with these lists.
constexpr size_t kLongestDateWord = std::max(Longest(kMonths), Longest(kWeekdays));
constexpr size_t kLongestNumberWord = Longest(kNumberWords);

constexpr std::array<std::string_view, 10> kYearCues = {
    "in", "since", "by", "until", "from", "of", "during", "before", "after", "through"};

bool IsDigits(std::string_view w) {
  if (w.empty()) return false;
  for (char c : w) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "4", "1,100", "3.5", "1.2"
bool IsNumber(std::string_view w) {
  if (w.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(w[0]))) return false;
  for (char c : w) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != ',' && c != '.') return false;
  }
  return true;
}

bool IsNumberLike(std::string_view w) {
  return IsNumber(w) || (w.size() <= kLongestNumberWord && In(Lower(w), kNumberWords));
}

bool IsYear(std::string_view w) {
  if (w.size() != 4 || !IsDigits(w)) return false;
  int y = std::stoi(std::string(w));
  return y >= 1800 && y <= 2099;
}

bool IsDay(std::string_view w) {
  std::string_view d = w;
  for (std::string_view suf : {"st", "nd", "rd", "th"}) {
    if (d.size() > suf.size() && d.substr(d.size() - suf.size()) == suf) {
      d = d.substr(0, d.size() - suf.size());
      break;
    }
  }
  if (d.empty() || d.size() > 2 || !IsDigits(d)) return false;
  int v = std::stoi(std::string(d));
  return v >= 1 && v <= 31;
}

// "03/18/21", "3/18/2021"
bool IsSlashDate(std::string_view w) {
  int slashes = 0;
  for (char c : w) {
    if (c == '/') {
      ++slashes;
    } else if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return slashes == 2 && w.size() >= 6;
}

bool IsDecade(std::string_view w) {  // "1990s"
  return w.size() == 5 && w.back() == 's' && IsDigits(w.substr(0, 4)) && w[3] == '0';
}

class Matcher {
 public:
  explicit Matcher(std::vector<Token>& t) : t_(t) {}

  bool Free(size_t i) const { return i < t_.size() && (t_[i].ner.empty() || t_[i].ner == "O"); }
  std::string_view W(size_t i) const { return i < t_.size() ? std::string_view(t_[i].text) : ""; }
  std::string L(size_t i) const { return Lower(W(i)); }

  void Label(size_t b, size_t e, const char* type) {
    for (size_t i = b; i < e; ++i) {
      if (!Free(i)) return;
    }
    for (size_t i = b; i < e; ++i) t_[i].ner = absl::StrCat(i == b ? "B-" : "I-", type);
  }

  // Length of a number with optional scale words at i, 0 if none.
  size_t Number(size_t i) const {
    if (!IsNumberLike(W(i))) return 0;
    size_t j = i + 1;
    while (j < t_.size() && In(L(j), kScales)) ++j;
    return j - i;
  }

  // Length of a date starting at i, 0 if none.
  size_t Date(size_t i) const {
    std::string l = W(i).size() <= kLongestDateWord ? L(i) : std::string();
    if (IsSlashDate(W(i)) || IsDecade(W(i))) return 1;
    if (In(l, kWeekdays)) return 1;
    // 2021-03-18
    if (IsYear(W(i)) && W(i + 1) == "-" && W(i + 2).size() == 2 && IsDigits(W(i + 2)) &&
        W(i + 3) == "-" && W(i + 4).size() == 2 && IsDigits(W(i + 4))) {
      return 5;
    }
    size_t j = i;
    if (IsDay(W(j)) && In(L(j + 1), kMonths)) {  // 1 March [2021]
      j += 2;
      if (IsYear(W(j))) ++j;
      return j - i;
    }
    if (In(l, kMonths)) {
      // "may" alone is a modal verb: require a day or a year after it.
      j = i + 1;
      if (IsDay(W(j))) {
        ++j;
        if (W(j) == "," && IsYear(W(j + 1))) {
          j += 2;
        } else if (IsYear(W(j))) {
          ++j;
        }
        return j - i;
      }
      if (IsYear(W(j))) return 2;
      if (l == "may" || l == "march") return 0;
      return StartsUpper(W(i)) ? 1 : 0;
    }
    return 0;
  }

  static bool StartsUpper(std::string_view w) {
    return !w.empty() && absl::ascii_isupper(static_cast<unsigned char>(w[0]));
  }

  void Run() {
    size_t i = 0;
    while (i < t_.size()) {
      size_t len;
      if ((len = Date(i)) > 0) {
        Label(i, i + len, "DATE");
        i += len;
        continue;
      }
      if (IsYear(W(i)) && i > 0 && In(L(i - 1), kYearCues)) {
        Label(i, i + 1, "DATE");
        ++i;
        continue;
      }
      if (In(W(i), kCurrencySymbols) && (len = Number(i + 1)) > 0) {
        Label(i, i + 1 + len, "MONEY");
        i += 1 + len;
        continue;
      }
      if ((len = Number(i)) > 0) {
        size_t j = i + len;
        std::string next = L(j);
        if (next == "%" || next == "percent") {
          Label(i, j + 1, "PERCENT");
          i = j + 1;
          continue;
        }
        if (next == "per" && L(j + 1) == "cent") {
          Label(i, j + 2, "PERCENT");
          i = j + 2;
          continue;
        }
        if (In(next, kCurrencyWords)) {
          Label(i, j + 1, "MONEY");
          i = j + 1;
          continue;
        }
        if (In(next, kUnits)) {
          Label(i, j + 1, "QUANTITY");
          i = j + 1;
          continue;
        }
      }
      ++i;
    }
  }

 private:
  std::vector<Token>& t_;
};

}  // namespace

void RecognizeValues(std::vector<Token>& tokens) { Matcher(tokens).Run(); }

}  // namespace kg::core
