// A reader opening beside a live writer: a table file the writer is still
// writing (not yet in the MANIFEST, short or empty) is not damage, while the
// same file with no writer running is reported as damage, naming it.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::MakeDoc;
using testing::TempStorePath;
using ::testing::HasSubstr;

// A child process holding the store's LOCK the way RocksDB's writer does (a
// POSIX write lock), until killed.
pid_t HoldLock(const std::string& db) {
  int ready[2];
  if (pipe(ready) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    int fd = open((db + "/LOCK").c_str(), O_RDWR);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    char ok = (fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0) ? 1 : 0;
    (void)!write(ready[1], &ok, 1);
    for (;;) pause();
  }
  close(ready[1]);
  char ok = 0;
  (void)!read(ready[0], &ok, 1);
  close(ready[0]);
  if (ok != 1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
  }
  return pid;
}

TEST(ReaderOpenTest, ATableStillBeingWrittenIsNotDamageWhileAWriterRuns) {
  const std::string db = TempStorePath("reader_open");
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->PutDocument(MakeDoc("d1", "h1", {{"A", "funds", "B"}})).ok());
  }
  // An empty table numbered above every loaded one: a flush or compaction
  // output the writer has only just created.
  std::ofstream(db + "/999999.sst").close();

  pid_t writer = HoldLock(db);
  ASSERT_GT(writer, 0);
  StoreOptions reader;
  reader.read_only = true;
  auto during = Store::Open(db, reader);
  kill(writer, SIGKILL);
  waitpid(writer, nullptr, 0);
  ASSERT_TRUE(during.ok()) << during.status();
  auto b = (*during)->LookupTerm("b");
  EXPECT_TRUE(b.ok());
  during->reset();

  // With no writer, nothing will finish that file: it is reported.
  auto after = Store::Open(db, reader);
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(std::string(after.status().message()), HasSubstr("999999.sst"));
}

}  // namespace
}  // namespace kg::storage
