// End-to-end tests of kg-train's recogniser flags: the program runs as a
// child process on the small CoNLL-U fixture and a tiny IOB2 file written
// here, and the model set it writes is read back.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/model_file.h"
#include "gtest/gtest.h"
#include "proto/model.pb.h"
#include "tests/tools/load_process_testutil.h"

namespace kg::tools {
namespace {

namespace fs = std::filesystem;
using testing::ProgramResult;

const std::string kConllu = std::string(KG_SOURCE_DIR) + "/tests/data/conllu_small.conllu";

class TrainMainTest : public testing::ProgramTest {
 protected:
  void SetUp() override {
    ProgramTest::SetUp();
    // A few names of each type, repeated so every feature is seen often.
    const std::vector<std::pair<std::string, std::string>> sentences = {
        {"John Smith visited Paris .", "B-PER I-PER O B-LOC O"},
        {"Acme Corp hired Mary .", "B-ORG I-ORG O B-PER O"},
        {"She lives in Berlin .", "O O O B-LOC O"},
        {"Google bought a company in London .", "B-ORG O O O O B-LOC O"},
        {"Peter met Anna in Rome .", "B-PER O B-PER O B-LOC O"},
    };
    std::ofstream out(Path("t.iob2"));
    for (int copy = 0; copy < 4; ++copy) {
      for (const auto& [words, labels] : sentences) {
        std::vector<std::string> w = absl::StrSplit(words, ' '), l = absl::StrSplit(labels, ' ');
        for (size_t i = 0; i < w.size(); ++i) out << i + 1 << '\t' << w[i] << '\t' << l[i] << '\n';
        out << '\n';
      }
    }
  }
  // kg-train on the fixtures, one epoch of each layer, plus `extra`.
  ProgramResult Train(const std::string& out, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "--ud", kConllu,        "--uner", Path("t.iob2"),    "--out", out,           "--epochs",
        "1",    "--ner-epochs", "3",      "--parser-epochs", "1",     "--jackknife", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run("kg-train", args);
  }
};

TEST_F(TrainMainTest, MixedRecognisersArePrunedAndNamedInTheProvenance) {
  ProgramResult one = Train(Path("one.kgm"), {});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ProgramResult mixed = Train(Path("mixed.kgm"), {"--ner-mix", "2"});
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  ProgramResult pruned = Train(Path("pruned.kgm"), {"--ner-mix", "2", "--ner-prune", "0.5"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;

  absl::StatusOr<ModelSet> a = core::ReadModelSet(Path("one.kgm"));
  absl::StatusOr<ModelSet> b = core::ReadModelSet(Path("mixed.kgm"));
  absl::StatusOr<ModelSet> c = core::ReadModelSet(Path("pruned.kgm"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status() << b.status() << c.status();
  EXPECT_EQ(a->provenance().find("--ner-mix"), std::string::npos) << a->provenance();
  EXPECT_NE(b->provenance().find(" --ner-mix 2"), std::string::npos) << b->provenance();
  EXPECT_EQ(b->provenance().find("--ner-prune"), std::string::npos) << b->provenance();
  EXPECT_NE(c->provenance().find(" --ner-mix 2 --ner-prune 0.5"), std::string::npos)
      << c->provenance();
  // The cut drops the recogniser's small weights and leaves the tagger's.
  EXPECT_LT(c->ner().weights().classes_size(), b->ner().weights().classes_size());
  EXPECT_GT(c->ner().weights().classes_size(), 0);
  EXPECT_EQ(c->tagger().SerializeAsString(), b->tagger().SerializeAsString());
}

TEST_F(TrainMainTest, RefusesANegativeRecogniserCut) {
  ProgramResult r = Train(Path("x.kgm"), {"--ner-prune", "-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("usage: kg-train"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("x.kgm")));
}

}  // namespace
}  // namespace kg::tools
