#include "tests/tools/load_process_testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "storage/store.h"

namespace kg::tools::testing {

pid_t StartProgram(const std::string& program, const std::vector<std::string>& args,
                   const std::string& out_path, const std::string& err_path) {
  std::string exe = std::string(KG_BIN_DIR) + "/" + program;
  std::vector<std::string> argv_s = {exe};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int WaitProgram(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -2;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {
std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

ProgramResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::string& scratch_dir) {
  std::string out = scratch_dir + "/stdout.txt";
  std::string err = scratch_dir + "/stderr.txt";
  ProgramResult r;
  r.exit_code = WaitProgram(StartProgram(program, args, out, err));
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

void ProgramTest::SetUp() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = std::filesystem::temp_directory_path() /
         absl::StrCat("kg_", info->test_suite_name(), "_", ::getpid(), "_", info->name());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

void ProgramTest::TearDown() { std::filesystem::remove_all(dir_); }

ProgramResult ProgramTest::Run(const std::string& program,
                               const std::vector<std::string>& args) const {
  return RunProgram(program, args, dir_.string());
}

std::vector<std::string> StoreSnapshot(const std::string& db_path) {
  std::vector<std::string> lines;
  storage::StoreOptions options;
  options.read_only = true;
  auto store = storage::Store::Open(db_path, options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return lines;
  storage::Store& s = **store;
  EXPECT_TRUE(s.ForEachDocument([&](const Document& d) {
                 lines.push_back(absl::StrCat("doc ", d.id(), " | ", d.source(), " | ",
                                              d.content_hash(), " | ", d.title(), " | ", d.date(),
                                              " | ", d.size(), " | ", d.sentences()));
                 return true;
               }).ok());
  EXPECT_TRUE(s.ForEachEntity([&](const Entity& e) {
                 std::vector<std::string> aliases(e.aliases().begin(), e.aliases().end());
                 std::sort(aliases.begin(), aliases.end());
                 lines.push_back(absl::StrCat(
                     "entity ", e.key(), " | ", e.name(), " | ", static_cast<int>(e.type()), " | ",
                     absl::StrJoin(aliases, ","), " | ", e.mentions(), " | ", e.documents()));
                 return true;
               }).ok());
  std::vector<Fact> facts;
  EXPECT_TRUE(s.ForEachFact([&](const Fact& f) {
                 facts.push_back(f);
                 return true;
               }).ok());
  for (const Fact& f : facts) {
    std::string subject = absl::StrCat(f.subject());
    std::string object = absl::StrCat(f.object());
    if (auto e = s.GetEntity(f.subject()); e.ok() && e->has_value()) subject = (*e)->key();
    if (auto e = s.GetEntity(f.object()); e.ok() && e->has_value()) object = (*e)->key();
    std::string fact = absl::StrCat(subject, " -", f.predicate(), "-> ", object);
    lines.push_back(absl::StrCat("fact ", fact, " | conf ", f.confidence(), " | flags ", f.flags(),
                                 " | support ", f.support()));
    EXPECT_TRUE(s.ForEachEvidence(f, [&](const Evidence& e) {
                   lines.push_back(absl::StrCat("evidence ", fact, " | ", e.doc_id(), " | ",
                                                e.sentence(), " | ", e.start(), "-", e.end(), " | ",
                                                e.text()));
                   return true;
                 }).ok());
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace kg::tools::testing
