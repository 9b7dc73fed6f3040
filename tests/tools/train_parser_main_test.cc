// End-to-end tests of kg-train-parser's flags: the programs are run as
// child processes on the small CoNLL-U fixture, and their output files are
// read back as protos.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "core/model_file.h"
#include "core/parser_features.h"
#include "gtest/gtest.h"
#include "proto/parser_model.pb.h"
#include "tests/tools/load_process_testutil.h"

namespace kg::tools {
namespace {

namespace fs = std::filesystem;
using testing::ProgramResult;

const std::string kConllu = std::string(KG_SOURCE_DIR) + "/tests/data/conllu_small.conllu";

class TrainParserMainTest : public testing::ProgramTest {
 protected:
  ProgramResult Run(const std::vector<std::string>& args) const {
    return ProgramTest::Run("kg-train-parser", args);
  }

  static ParserModel ReadParser(const std::string& path) {
    ParserModel model;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in && model.ParseFromIstream(&in)) << path;
    return model;
  }
};

TEST_F(TrainParserMainTest, SavesEveryEpochAndPrunesAnExistingParser) {
  ProgramResult trained = Run({"--out", Path("p.pb"), "--epochs", "2", "--save-epochs", kConllu});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const ParserModel final_model = ReadParser(Path("p.pb"));
  EXPECT_GT(final_model.labels_size(), 0);
  EXPECT_GT(final_model.weights().classes_size(), 20);
  for (const char* epoch : {"p.pb.e1", "p.pb.e2"}) {
    ASSERT_TRUE(fs::exists(Path(epoch))) << epoch;
    EXPECT_EQ(ReadParser(Path(epoch)).labels_size(), final_model.labels_size()) << epoch;
  }
  EXPECT_FALSE(fs::exists(Path("p.pb.e3")));

  ProgramResult pruned =
      Run({"--from-pb", Path("p.pb"), "--max-weights", "20", "--out", Path("q.pb")});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  const ParserModel small = ReadParser(Path("q.pb"));
  EXPECT_LE(small.weights().classes_size(), 20);
  EXPECT_GT(small.weights().classes_size(), 0);
  EXPECT_EQ(small.labels_size(), final_model.labels_size());
}

TEST_F(TrainParserMainTest, SkippedTemplatesTrainALaterVersion) {
  // Version 2 trained without the templates version 4 drops is version 4:
  // --as-version relabels it, and only when the lists agree.
  const std::vector<int> v2 = core::ParserTemplates(2), v4 = core::ParserTemplates(4);
  std::vector<int> dropped;
  std::set_difference(v2.begin(), v2.end(), v4.begin(), v4.end(), std::back_inserter(dropped));
  const std::string skip = absl::StrJoin(dropped, ",");
  ASSERT_EQ(
      Run({"--out", Path("p2.pb"), "--epochs", "1", "--skip-templates", skip, kConllu}).exit_code,
      0);
  ASSERT_EQ(Run({"--out", Path("p4.pb"), "--epochs", "1", "--features", "4", kConllu}).exit_code,
            0);
  ProgramResult relabelled = Run({"--from-pb", Path("p2.pb"), "--skip-templates", skip,
                                  "--as-version", "4", "--out", Path("r.pb")});
  ASSERT_EQ(relabelled.exit_code, 0) << relabelled.err;
  const ParserModel lean = ReadParser(Path("p4.pb")), relabelled_model = ReadParser(Path("r.pb"));
  EXPECT_EQ(lean.feature_version(), 4u);
  EXPECT_EQ(relabelled_model.feature_version(), 4u);
  EXPECT_EQ(relabelled_model.weights().SerializeAsString(), lean.weights().SerializeAsString());
  // Without the skip list the templates differ: refused.
  ProgramResult refused =
      Run({"--from-pb", Path("p2.pb"), "--as-version", "4", "--out", Path("s.pb")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("does not use the templates"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(Path("s.pb")));
  EXPECT_EQ(Run({"--out", Path("t.pb"), "--as-version", "4", kConllu}).exit_code, 2);
}

TEST_F(TrainParserMainTest, ModelsFromSplicesTheParserIntoAModelSet) {
  const std::string shipped = std::string(KG_SOURCE_DIR) + "/models/en.kgm";
  ASSERT_TRUE(fs::exists(shipped)) << shipped;
  ASSERT_EQ(Run({"--out", Path("p.pb"), "--epochs", "1", kConllu}).exit_code, 0);
  ProgramResult spliced =
      Run({"--from-pb", Path("p.pb"), "--models-from", shipped, "--out", Path("m.kgm")});
  ASSERT_EQ(spliced.exit_code, 0) << spliced.err;
  auto original = core::ReadModelSet(shipped);
  auto result = core::ReadModelSet(Path("m.kgm"));
  ASSERT_TRUE(original.ok()) << original.status();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->parser().SerializeAsString(), ReadParser(Path("p.pb")).SerializeAsString());
  EXPECT_NE(result->parser().SerializeAsString(), original->parser().SerializeAsString());
  EXPECT_EQ(result->tagger().SerializeAsString(), original->tagger().SerializeAsString());
  EXPECT_EQ(result->ner().SerializeAsString(), original->ner().SerializeAsString());
}

TEST_F(TrainParserMainTest, TagCacheForOtherSentencesNamesTheFileAndLine) {
  {
    std::ofstream cache(Path("tags.tsv"));
    cache << "not-a-1\tPRON AUX PART VERB PUNCT\tPRP VBP RB VB .\n";
  }
  ProgramResult r =
      Run({"--out", Path("p.pb"), "--tag-cache", Path("tags.tsv"), "--jackknife", "2", kConllu});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(Path("tags.tsv")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("p.pb")));
}

TEST_F(TrainParserMainTest, InconsistentFlagsAreUsageErrors) {
  // A tag cache needs its fold count, and --from-pb excludes training files.
  EXPECT_EQ(Run({"--out", Path("p.pb"), "--tag-cache", Path("t"), kConllu}).exit_code, 2);
  EXPECT_EQ(Run({"--out", Path("p.pb"), "--from-pb", Path("x.pb"), kConllu}).exit_code, 2);
  EXPECT_EQ(Run({"--out", Path("p.pb")}).exit_code, 2);
  ProgramResult missing = Run({"--out", Path("p.pb"), "--from-pb", Path("x.pb")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("x.pb"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace kg::tools
