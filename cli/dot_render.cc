#include "cli/dot_render.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace kg::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kInstallHint[] =
    "Graphviz is not installed, so the picture cannot be rendered; install it with "
    "`apt-get install graphviz` (or write the DOT text with -o FILE.dot)";

// A temporary file removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const char* suffix) {
    std::string tmpl = (fs::temp_directory_path() / "kg-dot-XXXXXX").string() + suffix;
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    int fd = mkstemps(buf.data(), static_cast<int>(std::string_view(suffix).size()));
    if (fd >= 0) {
      close(fd);
      path_ = buf.data();
    }
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool DotAvailable() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + "/dot";
    if (access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

absl::StatusOr<std::string> RenderFormat(const std::string& render_option,
                                         const std::string& output_path) {
  if (!render_option.empty()) {
    if (render_option == "svg" || render_option == "png" || render_option == "pdf") {
      return render_option;
    }
    return absl::InvalidArgumentError("unknown --render format '" + render_option +
                                      "' (svg, png or pdf)");
  }
  std::string ext = fs::path(output_path).extension().string();
  if (ext == ".svg" || ext == ".png" || ext == ".pdf") return ext.substr(1);
  return std::string();
}

absl::Status RenderDotToFile(const std::string& dot_text, const std::string& format,
                             const std::string& output_path) {
  if (!DotAvailable()) return absl::UnimplementedError(kInstallHint);
  TempFile input(".dot");
  TempFile errors(".err");
  if (input.path().empty() || errors.path().empty()) {
    return absl::InternalError("cannot create a temporary file in " +
                               fs::temp_directory_path().string());
  }
  {
    std::ofstream f(input.path(), std::ios::binary);
    f << dot_text;
    if (!f) return absl::InternalError("cannot write " + input.path());
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errors.path().c_str(),
                                   O_WRONLY | O_TRUNC, 0);
  std::string type = "-T" + format;
  std::string out = "-o" + output_path;
  std::vector<char*> argv = {const_cast<char*>("dot"), type.data(), out.data(),
                             const_cast<char*>(input.path().c_str()), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::UnimplementedError(kInstallHint);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError("waiting for dot failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string message(absl::StripAsciiWhitespace(Slurp(errors.path())));
    return absl::InternalError("dot failed to render " + format + ": " +
                               (message.empty() ? "no message" : message));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RenderDot(const std::string& dot_text, const std::string& format) {
  TempFile output(("." + format).c_str());
  if (output.path().empty()) return absl::InternalError("cannot create a temporary file");
  absl::Status s = RenderDotToFile(dot_text, format, output.path());
  if (!s.ok()) return s;
  return Slurp(output.path());
}

}  // namespace kg::cli
