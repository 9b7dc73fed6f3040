#include "tools/load_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tools/load_testutil.h"

namespace kg::tools {
namespace {

using ::kg::tools::testing::MakeTempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Names(const std::vector<InputFile>& files, const std::string& root) {
  std::vector<std::string> out;
  for (const InputFile& f : files) out.push_back(f.path.substr(root.size() + 1));
  return out;
}

TEST(LoadFilesTest, WalksDirectoriesSortedSkippingHiddenEntries) {
  std::string root = MakeTempDir("walk");
  std::filesystem::create_directories(root + "/b/deeper");
  std::filesystem::create_directories(root + "/.git");
  std::ofstream(root + "/b/deeper/z.txt") << "z";
  std::ofstream(root + "/b/a.txt") << "aa";
  std::ofstream(root + "/c.md") << "ccc";
  std::ofstream(root + "/.hidden.txt") << "h";
  std::ofstream(root + "/.git/config") << "g";
  std::vector<PathError> errors;
  std::vector<InputFile> files = CollectInputFiles({root}, &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_THAT(Names(files, root), ElementsAre("b/a.txt", "b/deeper/z.txt", "c.md"));
  EXPECT_EQ(files[0].size, 2u);
  EXPECT_EQ(files[2].size, 3u);
}

TEST(LoadFilesTest, GlobsDuplicatesAndMissingPaths) {
  std::string root = MakeTempDir("glob");
  for (const char* n : {"wiki_00", "wiki_01", "wiki_10", "other"})
    std::ofstream(root + "/" + n) << n;
  std::vector<PathError> errors;
  std::vector<InputFile> files = CollectInputFiles(
      {root + "/wiki_0?", root + "/wiki_00", root + "/nothing*", root + "/absent.txt"}, &errors);
  EXPECT_THAT(Names(files, root), ElementsAre("wiki_00", "wiki_01"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_THAT(errors[0].message, HasSubstr("matches no file"));
  EXPECT_THAT(errors[1].message, HasSubstr("no such file"));
}

TEST(LoadFilesTest, DanglingLinksAndFifosAreReported) {
  std::string root = MakeTempDir("special");
  std::ofstream(root + "/ok.txt") << "ok";
  std::filesystem::create_symlink(root + "/gone.txt", root + "/link.txt");
  ASSERT_EQ(mkfifo((root + "/pipe").c_str(), 0600), 0);
  std::vector<PathError> errors;
  std::vector<InputFile> files = CollectInputFiles({root}, &errors);
  EXPECT_THAT(Names(files, root), ElementsAre("ok.txt"));
  ASSERT_EQ(errors.size(), 2u);
  std::string all =
      errors[0].path + ": " + errors[0].message + "\n" + errors[1].path + ": " + errors[1].message;
  EXPECT_THAT(all, HasSubstr("link.txt: dangling symbolic link"));
  EXPECT_THAT(all, HasSubstr("pipe: not a regular file"));
}

}  // namespace
}  // namespace kg::tools
