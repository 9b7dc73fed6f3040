#ifndef KG_TOOLS_LOAD_FILES_H_
#define KG_TOOLS_LOAD_FILES_H_

// Expands kg-load's PATH arguments into the list of files to read.

#include <cstdint>
#include <string>
#include <vector>

namespace kg::tools {

struct InputFile {
  std::string path;   // as found (relative paths stay relative)
  uint64_t size = 0;  // bytes, from stat(); sums to the ETA's denominator
};

struct PathError {
  std::string path;
  std::string message;
};

// Each argument is a file, a directory (walked recursively, hidden entries
// skipped) or a glob pattern (glob(3): *, ?, [...]). The result is sorted
// within each argument and free of duplicates. Arguments that match nothing,
// dangling links and non-regular files (FIFOs, devices) go to `errors`.
std::vector<InputFile> CollectInputFiles(const std::vector<std::string>& args,
                                         std::vector<PathError>* errors);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_FILES_H_
