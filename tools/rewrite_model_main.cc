// kg-rewrite-model: reads a model file and writes it again as this build
// writes model files (core/model_file.h WriteModelSet), without retraining:
// the layers are copied as they are, the gazetteers gain their compiled
// tables (Gazetteers.compiled), so an older file loads faster.
//
//   kg-rewrite-model models/en.kgm /tmp/en.kgm

#include <filesystem>
#include <iostream>
#include <string>

#include "core/gazetteers.h"
#include "core/model_file.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: kg-rewrite-model IN.kgm OUT.kgm\n";
    return 2;
  }
  const std::string in = argv[1], out = argv[2];
  auto models = kg::core::ReadModelSet(in);
  if (!models.ok()) {
    std::cerr << "kg-rewrite-model: " << models.status().message() << "\n";
    return 1;
  }
  const bool had = !models->gazetteers().compiled().empty();
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
  return 0;
}
