// kg-rewrite-model: reads a model file and writes it again as this build
// writes model files (core/model_file.h WriteModelSet), without retraining:
// the layers are copied as they are, the gazetteers gain their compiled
// tables (Gazetteers.compiled), so an older file loads faster.
//
//   kg-rewrite-model [--parser-features N [--parser-rank l1|max]]
//                    [--parser-trim MAX [--parser-trim-share S]] IN.kgm OUT.kgm
//
// The parser options make a smaller or faster parser from the same weights,
// at some cost in accuracy (check with kg-eval-parse; core/README.md has
// the curves): --parser-features N keeps its N strongest features (whole
// rows, ranked by the sum of their |weight|, or with --parser-rank max by
// the largest); --parser-trim MAX cuts rows of 3 to MAX weights to their 2
// largest, so they fit in the look-up table's slot, with --parser-trim-share
// S only rows whose 2 largest carry at least the share S of the row's sum of
// |weight| (core/parser.h KeepStrongestParserFeatures, TrimParserListRows).

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "core/gazetteers.h"
#include "core/model_file.h"
#include "core/parser.h"

namespace {

int Usage() {
  std::cerr << "usage: kg-rewrite-model [--parser-features N [--parser-rank l1|max]] "
               "[--parser-trim MAX [--parser-trim-share S]] IN.kgm OUT.kgm\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  int64_t parser_features = 0;
  kg::core::FeatureRank rank = kg::core::FeatureRank::kL1;
  int trim_max = 0;
  double trim_share = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--parser-features" && i + 1 < argc) {
      if (!absl::SimpleAtoi(argv[++i], &parser_features) || parser_features <= 0) return Usage();
    } else if (arg == "--parser-rank" && i + 1 < argc) {
      const std::string v = argv[++i];
      if (v == "l1") {
        rank = kg::core::FeatureRank::kL1;
      } else if (v == "max") {
        rank = kg::core::FeatureRank::kMax;
      } else {
        return Usage();
      }
    } else if (arg == "--parser-trim" && i + 1 < argc) {
      if (!absl::SimpleAtoi(argv[++i], &trim_max) || trim_max < 3) return Usage();
    } else if (arg == "--parser-trim-share" && i + 1 < argc) {
      if (!absl::SimpleAtod(argv[++i], &trim_share) || !(trim_share >= 0 && trim_share <= 1)) {
        return Usage();
      }
    } else if (arg.rfind("--", 0) == 0) {
      return Usage();
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) return Usage();
  const std::string in = paths[0], out = paths[1];
  auto models = kg::core::ReadModelSet(in);
  if (!models.ok()) {
    std::cerr << "kg-rewrite-model: " << models.status().message() << "\n";
    return 1;
  }
  const bool had = !models->gazetteers().compiled().empty();
  const bool change_parser = parser_features > 0 || trim_max > 0;
  if (change_parser && !models->has_parser()) {
    std::cerr << "kg-rewrite-model: " << in << " has no parser\n";
    return 1;
  }
  int64_t dropped = 0, trimmed = 0;
  if (parser_features > 0) {
    dropped =
        kg::core::KeepStrongestParserFeatures(parser_features, rank, *models->mutable_parser());
  }
  if (trim_max > 0) {
    trimmed = kg::core::TrimParserListRows(trim_max, 2, trim_share, *models->mutable_parser());
  }
  const absl::Status written = kg::core::WriteModelSet(out, *std::move(models));
  if (!written.ok()) {
    std::cerr << "kg-rewrite-model: " << written.message() << "\n";
    return 1;
  }
  auto check = kg::core::ReadModelSet(out);
  if (!check.ok()) {
    std::cerr << "kg-rewrite-model: " << check.status().message() << "\n";
    return 1;
  }
  std::error_code ec;
  std::cout << out << ": " << std::filesystem::file_size(out, ec) << " bytes (was "
            << std::filesystem::file_size(in, ec) << "), compiled gazetteers "
            << check->gazetteers().compiled().size() << " bytes"
            << (had ? " (the input had them already)" : "") << "\n";
  if (change_parser) {
    std::cout << "parser: " << check->parser().weights().features_size() << " features, "
              << check->parser().weights().classes_size() << " weights (" << dropped
              << " features dropped, " << trimmed << " rows trimmed)\n";
  }
  return 0;
}
