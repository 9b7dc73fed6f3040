// End-to-end tests of kg-rewrite-model: a model file written before the
// gazetteers were stored compiled gains the compiled tables and keeps
// everything else; bad arguments and unreadable files are reported.

#include <bit>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
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

class RewriteModelMainTest : public testing::ProgramTest {
 protected:
  ProgramResult Run(const std::vector<std::string>& args) const {
    return ProgramTest::Run("kg-rewrite-model", args);
  }

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

TEST_F(RewriteModelMainTest, PrunesAndTrimsTheParser) {
  ModelSet models = SmallModels();
  ParserModel& parser = *models.mutable_parser();
  parser.set_feature_version(2);
  parser.add_labels("root");
  PerceptronModel& w = *parser.mutable_weights();
  w.set_num_classes(3);
  // Feature 7: three weights (sum of |w| 3.5); feature 8: one (0.5).
  const std::vector<std::pair<uint32_t, float>> entries = {
      {0, 2.0f}, {1, 1.0f}, {2, 0.5f}, {1, 0.5f}};
  w.add_features(7);
  w.add_row_sizes(3);
  w.add_features(8);
  w.add_row_sizes(1);
  for (const auto& [cls, weight] : entries) {
    w.add_classes(cls);
    w.add_bf16(std::bit_cast<uint32_t>(weight) >> 16);
  }
  core::WriteModelSet(Path("in.kgm"), models).IgnoreError();
  ASSERT_TRUE(core::ReadModelSet(Path("in.kgm")).ok());

  ProgramResult r =
      Run({"--parser-features", "1", "--parser-trim", "3", Path("in.kgm"), Path("out.kgm")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 features dropped, 1 rows trimmed"), std::string::npos) << r.out;
  absl::StatusOr<ModelSet> out = core::ReadModelSet(Path("out.kgm"));
  ASSERT_TRUE(out.ok()) << out.status();
  const PerceptronModel& kept = out->parser().weights();
  ASSERT_EQ(kept.features_size(), 1);
  EXPECT_EQ(kept.features(0), 7u);
  ASSERT_EQ(kept.row_sizes(0), 2u);
  EXPECT_EQ(kept.classes(0), 0u);
  EXPECT_EQ(kept.classes(1), 1u);
  // Everything but the parser's weights is as it was.
  ModelSet rest = *out;
  rest.mutable_parser()->clear_weights();
  ModelSet before = *core::ReadModelSet(Path("in.kgm"));
  before.mutable_parser()->clear_weights();
  EXPECT_EQ(rest.SerializeAsString(), before.SerializeAsString());

  // Bad values are usage errors; a file without a parser is named.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--parser-features", "0"},
        std::vector<std::string>{"--parser-trim", "2"},
        std::vector<std::string>{"--parser-rank", "l2"},
        std::vector<std::string>{"--parser-trim", "4", "--parser-trim-share", "1.5"}}) {
    std::vector<std::string> args = bad;
    args.push_back(Path("in.kgm"));
    args.push_back(Path("bad.kgm"));
    EXPECT_EQ(Run(args).exit_code, 2) << bad[0];
  }
  core::WriteModelSet(Path("no-parser.kgm"), SmallModels()).IgnoreError();
  ProgramResult none = Run({"--parser-features", "1", Path("no-parser.kgm"), Path("bad.kgm")});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no-parser.kgm"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(Path("bad.kgm")));
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
