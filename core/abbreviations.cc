#include "core/abbreviations.h"

#include <array>

#include "absl/strings/ascii.h"

namespace kg::core {
namespace {

// Usually followed by a name, a number or more of the clause.
constexpr std::array<std::string_view, 48> kNonFinal = {
    "Mr",   "Mrs",  "Ms",   "Dr",   "Prof", "Gen",  "Lt",   "Col",  "Maj",   "Capt",
    "Sgt",  "Adm",  "Gov",  "Sen",  "Rep",  "Rev",  "Hon",  "Pres", "St",    "Mt",
    "Ft",   "Jan",  "Feb",  "Mar",  "Apr",  "Jun",  "Jul",  "Aug",  "Sep",   "Sept",
    "Oct",  "Nov",  "Dec",  "No",   "Nos",  "vs",   "approx", "Messrs", "Cpl", "Supt",
    "Insp", "Det",  "Brig", "Cmdr", "Amb",  "Atty", "Rt",   "Fr"};

// Can end a sentence as well as sit inside one.
constexpr std::array<std::string_view, 16> kFinal = {
    "Inc", "Corp", "Co", "Ltd", "Bros", "Jr", "Sr", "etc", "al", "Dept", "Univ", "Assn",
    "Ave", "Blvd", "Rd", "est"};

bool InList(std::string_view w, const auto& list) {
  for (std::string_view a : list) {
    if (a == w) return true;
  }
  return false;
}

// "U.S", "e.g", "a.m": single ASCII letters joined by periods.
bool IsDotted(std::string_view w) {
  if (w.size() < 3) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    bool letter_slot = i % 2 == 0;
    if (letter_slot != (absl::ascii_isalpha(static_cast<unsigned char>(w[i])) != 0)) return false;
    if (!letter_slot && w[i] != '.') return false;
  }
  return w.size() % 2 == 1;
}

bool IsInitial(std::string_view w) {
  return w.size() == 1 && absl::ascii_isupper(static_cast<unsigned char>(w[0]));
}

}  // namespace

bool IsAbbreviation(std::string_view word) {
  return IsInitial(word) || IsDotted(word) || InList(word, kNonFinal) || InList(word, kFinal);
}

bool IsNonFinalAbbreviation(std::string_view word) {
  if (IsInitial(word) || InList(word, kNonFinal)) return true;
  return word == "e.g" || word == "i.e" || word == "E.g" || word == "I.e" || word == "cf";
}

}  // namespace kg::core
