#include "tools/load_files.h"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace kg::tools {
namespace {

namespace fs = std::filesystem;

bool IsHidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

bool HasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// Adds one path (file or directory) to `out`.
void AddPath(const std::string& path, std::vector<InputFile>* out, std::vector<PathError>* errors) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    if (fs::is_symlink(fs::symlink_status(path, ec))) {
      errors->push_back({path, "dangling symbolic link"});
    } else {
      errors->push_back({path, "no such file or directory"});
    }
    return;
  }
  if (fs::is_regular_file(st)) {
    out->push_back({path, static_cast<uint64_t>(fs::file_size(path, ec))});
    return;
  }
  if (!fs::is_directory(st)) {
    errors->push_back({path, "not a regular file (FIFO, socket or device): skipped"});
    return;
  }
  std::vector<InputFile> found;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    errors->push_back({path, absl::StrCat("cannot read directory: ", ec.message())});
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      errors->push_back({it->path().string(), absl::StrCat("cannot read: ", ec.message())});
      ec.clear();
      continue;
    }
    const fs::directory_entry& e = *it;
    if (IsHidden(e.path())) {
      if (e.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    std::error_code sec;
    fs::file_status est = e.status(sec);
    if (fs::is_directory(est)) continue;
    std::string p = e.path().string();
    if (sec || !fs::exists(est)) {
      errors->push_back({p, "dangling symbolic link"});
    } else if (fs::is_regular_file(est)) {
      found.push_back({p, static_cast<uint64_t>(e.file_size(sec))});
    } else {
      errors->push_back({p, "not a regular file (FIFO, socket or device): skipped"});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  out->insert(out->end(), found.begin(), found.end());
}

}  // namespace

std::vector<InputFile> CollectInputFiles(const std::vector<std::string>& args,
                                         std::vector<PathError>* errors) {
  std::vector<InputFile> all;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (HasGlobChars(arg) && !fs::exists(fs::symlink_status(arg, ec))) {
      glob_t g{};
      int rc = glob(arg.c_str(), GLOB_NOSORT, nullptr, &g);
      if (rc == GLOB_NOMATCH) {
        errors->push_back({arg, "pattern matches no file"});
      } else if (rc != 0) {
        errors->push_back({arg, "cannot expand pattern"});
      } else {
        std::vector<std::string> matches(g.gl_pathv, g.gl_pathv + g.gl_pathc);
        std::sort(matches.begin(), matches.end());
        for (const std::string& m : matches) AddPath(m, &all, errors);
      }
      globfree(&g);
      continue;
    }
    AddPath(arg, &all, errors);
  }
  // The same file named twice (a directory and a file in it) is read once.
  absl::flat_hash_set<std::string> seen;
  std::vector<InputFile> unique;
  for (InputFile& f : all) {
    std::error_code ec;
    std::string key = fs::weakly_canonical(f.path, ec).string();
    if (ec) key = f.path;
    if (seen.insert(key).second) unique.push_back(std::move(f));
  }
  return unique;
}

}  // namespace kg::tools
