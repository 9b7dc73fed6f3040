#include "storage/deferred_sync_fs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "rocksdb/file_system.h"

namespace kg::storage {
namespace {

std::string TempDir(const std::string& name) {
  std::string dir = (std::filesystem::temp_directory_path() / name).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `data` to `path` through the env's file system, syncing it.
void WriteSynced(rocksdb::Env* env, const std::string& path, const std::string& data) {
  std::unique_ptr<rocksdb::FSWritableFile> f;
  ASSERT_TRUE(
      env->GetFileSystem()->NewWritableFile(path, rocksdb::FileOptions(), &f, nullptr).ok());
  ASSERT_TRUE(f->Append(data, rocksdb::IOOptions(), nullptr).ok());
  ASSERT_TRUE(f->Sync(rocksdb::IOOptions(), nullptr).ok());
  ASSERT_TRUE(f->Close(rocksdb::IOOptions(), nullptr).ok());
}

TEST(DeferredSyncFsTest, FilesWrittenBeforeAndAfterTheDeferralReadBack) {
  std::string dir = TempDir("kg-deferred-sync-test");
  DeferredSync d = NewDeferredSyncEnv();
  ASSERT_TRUE(d.deferring->load());
  WriteSynced(d.env.get(), dir + "/a", "before");
  std::unique_ptr<rocksdb::FSDirectory> handle;
  ASSERT_TRUE(
      d.env->GetFileSystem()->NewDirectory(dir, rocksdb::IOOptions(), &handle, nullptr).ok());
  EXPECT_TRUE(handle->Fsync(rocksdb::IOOptions(), nullptr).ok());
  ASSERT_TRUE(EndDeferral(d, dir).ok());
  EXPECT_FALSE(d.deferring->load());
  WriteSynced(d.env.get(), dir + "/b", "after");
  EXPECT_TRUE(handle->Fsync(rocksdb::IOOptions(), nullptr).ok());
  EXPECT_EQ(ReadAll(dir + "/a"), "before");
  EXPECT_EQ(ReadAll(dir + "/b"), "after");
  // Ending twice is a no-op.
  EXPECT_TRUE(EndDeferral(d, dir).ok());
  std::filesystem::remove_all(dir);
}

TEST(DeferredSyncFsTest, EndingOnAMissingDirectoryNamesIt) {
  std::string dir = TempDir("kg-deferred-sync-missing");
  std::filesystem::remove_all(dir);
  DeferredSync d = NewDeferredSyncEnv();
  absl::Status s = EndDeferral(d, dir);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find(dir), std::string::npos) << s.message();
}

// A file synced and marked by its writer is not reopened (to be synced
// again) by an ingestion, under any name linked to it; once unmarked, or
// never marked, it is reopened as before.
TEST(DeferredSyncFsTest, MarkedFilesAreNotReopenedForSyncing) {
  std::string dir = TempDir("kg-deferred-sync-marked");
  DeferredSync d = NewDeferredSyncEnv();
  ASSERT_TRUE(EndDeferral(d, dir).ok());
  rocksdb::FileSystem* fs = d.env->GetFileSystem().get();
  std::ofstream(dir + "/marked.sst") << "bytes";
  std::ofstream(dir + "/plain.sst") << "bytes";
  FileId id;
  ASSERT_TRUE(SyncAndMark(dir + "/marked.sst", &id).ok());
  std::filesystem::create_hard_link(dir + "/marked.sst", dir + "/000042.sst");
  auto reopen = [&](const std::string& name) {
    std::unique_ptr<rocksdb::FSWritableFile> f;
    return fs->ReopenWritableFile(dir + "/" + name, rocksdb::FileOptions(), &f, nullptr);
  };
  EXPECT_TRUE(reopen("000042.sst").IsNotSupported());
  EXPECT_TRUE(reopen("marked.sst").IsNotSupported());
  EXPECT_TRUE(reopen("plain.sst").ok());
  Unmark(id);
  EXPECT_TRUE(reopen("000042.sst").ok());
  EXPECT_EQ(ReadAll(dir + "/000042.sst"), "bytes");  // reopening appends, never truncates
  FileId missing;
  absl::Status s = SyncAndMark(dir + "/nothing.sst", &missing);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("nothing.sst"), std::string::npos) << s.message();
  std::filesystem::remove_all(dir);
}

// SkipDirSyncs(n) skips the next n directory syncs of its own thread only,
// and no more once it is gone; the syncs still succeed.
TEST(DeferredSyncFsTest, SkippedDirectorySyncsAreCountedPerThread) {
  std::string dir = TempDir("kg-deferred-sync-skip");
  DeferredSync d = NewDeferredSyncEnv();
  ASSERT_TRUE(EndDeferral(d, dir).ok());
  std::unique_ptr<rocksdb::FSDirectory> handle;
  ASSERT_TRUE(
      d.env->GetFileSystem()->NewDirectory(dir, rocksdb::IOOptions(), &handle, nullptr).ok());
  {
    SkipDirSyncs skip(2);
    EXPECT_EQ(DirSyncsToSkipOnThisThread(), 2);
    int other = -1;
    std::thread([&] {
      EXPECT_TRUE(handle->Fsync(rocksdb::IOOptions(), nullptr).ok());
      other = DirSyncsToSkipOnThisThread();
    }).join();
    EXPECT_EQ(other, 0);
    EXPECT_EQ(DirSyncsToSkipOnThisThread(), 2);
    EXPECT_TRUE(handle->Fsync(rocksdb::IOOptions(), nullptr).ok());
    EXPECT_EQ(DirSyncsToSkipOnThisThread(), 1);
    rocksdb::DirFsyncOptions why(rocksdb::DirFsyncOptions::FsyncReason::kNewFileSynced);
    EXPECT_TRUE(handle->FsyncWithDirOptions(rocksdb::IOOptions(), nullptr, why).ok());
    EXPECT_EQ(DirSyncsToSkipOnThisThread(), 0);
    EXPECT_TRUE(handle->Fsync(rocksdb::IOOptions(), nullptr).ok());
    EXPECT_EQ(DirSyncsToSkipOnThisThread(), 0);
  }
  {
    SkipDirSyncs skip(5);
  }
  EXPECT_EQ(DirSyncsToSkipOnThisThread(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kg::storage
