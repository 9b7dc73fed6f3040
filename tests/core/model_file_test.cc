#include "core/model_file.h"

#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

ModelSet Sample() {
  ModelSet m;
  m.set_provenance("model_file_test");
  for (int i = 0; i < 5000; ++i) {
    m.mutable_tagger()->add_cap_words("word" + std::to_string(i));
    m.mutable_tagger()->mutable_weights()->add_features(static_cast<uint64_t>(i) * 7919 + 1);
  }
  return m;
}

TEST(ModelFileTest, RoundTripOnHeapAndArena) {
  const std::string path = ::testing::TempDir() + "/roundtrip.kgm";
  ASSERT_TRUE(WriteModelSet(path, Sample()).ok());
  auto heap = ReadModelSet(path);
  ASSERT_TRUE(heap.ok()) << heap.status();
  EXPECT_EQ(heap->version(), kModelVersion);
  EXPECT_EQ(heap->provenance(), "model_file_test");
  EXPECT_EQ(heap->tagger().cap_words(4999), "word4999");

  auto arena = NewModelArena();
  auto* on_arena = google::protobuf::Arena::CreateMessage<ModelSet>(arena.get());
  ASSERT_TRUE(ReadModelSet(path, *on_arena).ok());
  EXPECT_EQ(on_arena->SerializeAsString(), heap->SerializeAsString());
}

TEST(ModelFileTest, RefusesABadTrailerAndReadsPlainProtobuf) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/trailer.kgm";
  ASSERT_TRUE(WriteModelSet(path, Sample()).ok());
  const std::string want = ReadModelSet(path)->SerializeAsString();
  // A wrong size in the gzip trailer: refused by both the one-shot and the
  // streaming path, with the file named.
  std::string bytes = ReadBytes(path);
  bytes[bytes.size() - 2] ^= 0x40;
  WriteBytes(path, bytes);
  auto odd = ReadModelSet(path);
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find(path), std::string::npos);

  ModelSet plain = Sample();
  plain.set_version(kModelVersion);
  const std::string raw = dir + "/plain.kgm";
  WriteBytes(raw, plain.SerializeAsString());
  auto read = ReadModelSet(raw);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), want);
}

TEST(ModelFileTest, TruncatedEmptyAndDirectoryAreErrorsNamingTheFile) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/truncated.kgm";
  ASSERT_TRUE(WriteModelSet(path, Sample()).ok());
  std::string bytes = ReadBytes(path);
  WriteBytes(path, bytes.substr(0, bytes.size() / 2));
  auto truncated = ReadModelSet(path);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find(path), std::string::npos);

  const std::string empty = dir + "/empty.kgm";
  WriteBytes(empty, "");
  auto none = ReadModelSet(empty);
  ASSERT_FALSE(none.ok());  // parses as version 0: refused as incompatible
  EXPECT_NE(none.status().message().find(empty), std::string::npos);

  auto directory = ReadModelSet(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find(dir), std::string::npos);
}

}  // namespace
}  // namespace kg::core
