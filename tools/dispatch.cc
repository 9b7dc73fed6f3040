#include "tools/dispatch.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace kg::tools {
namespace {

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

void ListSubcommands(const std::string& dir, const std::string& prefix) {
  std::fprintf(stderr, "available:");
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.rfind(prefix + "-", 0) == 0) std::fprintf(stderr, " %s", name.c_str() + prefix.size() + 1);
    }
    closedir(d);
  }
  std::fprintf(stderr, "\n");
}

}  // namespace

int DispatchToSibling(const char* prefix, int argc, char** argv) {
  std::string dir = DirOf(argc > 0 ? argv[0] : ".");
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fprintf(stderr, "usage: %s COMMAND [ARGS...]\n", prefix);
    ListSubcommands(dir, prefix);
    return argc < 2 ? 2 : 0;
  }
  std::string program = dir + "/" + prefix + "-" + argv[1];
  std::vector<char*> args;
  args.push_back(program.data());
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(program.c_str(), args.data());
  std::fprintf(stderr, "%s: unknown command '%s' (%s: %s)\n", prefix, argv[1], program.c_str(),
               std::strerror(errno));
  ListSubcommands(dir, prefix);
  return 2;
}

}  // namespace kg::tools
