// End-to-end tests of kg-rewrite-model: a model file written before the
// gazetteers were stored compiled gains the compiled tables and keeps
// everything else; bad arguments and unreadable files are reported.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/model_file.h"
#include "google/protobuf/io/gzip_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "gtest/gtest.h"
#include "proto/model.pb.h"
#include "tests/tools/load_process_testutil.h"

namespace kg::tools {
namespace {

namespace fs = std::filesystem;
using testing::ProgramResult;
using testing::RunProgram;

class RewriteModelMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kg_rewrite_model_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProgramResult Run(const std::vector<std::string>& args) {
    return RunProgram("kg-rewrite-model", args, dir_.string());
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes `models` as an older kg did: gzipped, with no compiled tables
  // (WriteModelSet would add them).
  static void WriteWithoutCompiled(const std::string& path, const ModelSet& models) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(out) << path;
    google::protobuf::io::OstreamOutputStream raw(&out);
    google::protobuf::io::GzipOutputStream::Options options;
    options.format = google::protobuf::io::GzipOutputStream::GZIP;
    google::protobuf::io::GzipOutputStream gz(&raw, options);
    ASSERT_TRUE(models.SerializeToZeroCopyStream(&gz));
    ASSERT_TRUE(gz.Close());
  }

  static ModelSet SmallModels() {
    ModelSet models;
    models.set_version(core::kModelVersion);
    Gazetteers& g = *models.mutable_gazetteers();
    for (const char* name : {"Mexico", "United States"}) g.add_countries(name);
    g.add_subdivisions("Chihuahua");
    g.add_demonyms("Mexican");
    g.add_cities("Noida");
    g.add_cities("El Paso");
    g.add_companies("Mozilla");
    return models;
  }

  fs::path dir_;
};

TEST_F(RewriteModelMainTest, AddsCompiledListsAndKeepsEverythingElse) {
  const ModelSet before = SmallModels();
  WriteWithoutCompiled(Path("old.kgm"), before);
  ASSERT_TRUE(core::ReadModelSet(Path("old.kgm")).ok());
  ASSERT_TRUE(core::ReadModelSet(Path("old.kgm"))->gazetteers().compiled().empty());

  ProgramResult r = Run({Path("old.kgm"), Path("new.kgm")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("compiled gazetteers"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("had them already"), std::string::npos) << r.out;

  absl::StatusOr<ModelSet> after = core::ReadModelSet(Path("new.kgm"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_FALSE(after->gazetteers().compiled().empty());
  ModelSet without = *after;
  without.mutable_gazetteers()->clear_compiled();
  EXPECT_EQ(without.SerializeAsString(), before.SerializeAsString());

  // A second pass finds the tables present and writes the same bytes.
  ProgramResult again = Run({Path("new.kgm"), Path("again.kgm")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("had them already"), std::string::npos) << again.out;
  absl::StatusOr<ModelSet> twice = core::ReadModelSet(Path("again.kgm"));
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(twice->SerializeAsString(), after->SerializeAsString());
}

TEST_F(RewriteModelMainTest, ReportsUsageAndUnreadableInput) {
  ProgramResult usage = Run({Path("only-one.kgm")});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("usage: kg-rewrite-model"), std::string::npos) << usage.err;

  ProgramResult missing = Run({Path("absent.kgm"), Path("out.kgm")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("absent.kgm"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(Path("out.kgm")));

  std::ofstream(Path("junk.kgm"), std::ios::binary) << "not a model file at all";
  ProgramResult junk = Run({Path("junk.kgm"), Path("out.kgm")});
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_NE(junk.err.find("junk.kgm"), std::string::npos) << junk.err;
  EXPECT_FALSE(fs::exists(Path("out.kgm")));
}

}  // namespace
}  // namespace kg::tools
