#include "storage/deferred_sync_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/file_system.h"

namespace kg::storage {
namespace {

using Flag = std::shared_ptr<std::atomic<bool>>;

// The marked files (SyncAndMark): few at a time, so a vector.
std::mutex marked_mu;
std::vector<FileId>& Marked() {
  static auto* marked = new std::vector<FileId>;
  return *marked;
}

// Directory syncs this thread may skip (SkipDirSyncs).
thread_local int dir_syncs_to_skip = 0;

bool SkipThisDirSync() {
  if (dir_syncs_to_skip <= 0) return false;
  --dir_syncs_to_skip;
  return true;
}

bool IsMarked(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  FileId id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  std::lock_guard<std::mutex> lock(marked_mu);
  for (const FileId& m : Marked()) {
    if (m == id) return true;
  }
  return false;
}

class DeferredFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  DeferredFile(std::unique_ptr<rocksdb::FSWritableFile> file, Flag deferring)
      : FSWritableFileOwnerWrapper(std::move(file)), deferring_(std::move(deferring)) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (deferring_->load()) return rocksdb::IOStatus::OK();
    return FSWritableFileOwnerWrapper::Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (deferring_->load()) return rocksdb::IOStatus::OK();
    return FSWritableFileOwnerWrapper::Fsync(o, d);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t n, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* d) override {
    if (deferring_->load()) return rocksdb::IOStatus::OK();
    return FSWritableFileOwnerWrapper::RangeSync(offset, n, o, d);
  }

 private:
  Flag deferring_;
};

class DeferredDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  DeferredDirectory(std::unique_ptr<rocksdb::FSDirectory> dir, Flag deferring)
      : FSDirectoryWrapper(std::move(dir)), deferring_(std::move(deferring)) {}
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (deferring_->load() || SkipThisDirSync()) return rocksdb::IOStatus::OK();
    return FSDirectoryWrapper::Fsync(o, d);
  }
  rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d,
                                        const rocksdb::DirFsyncOptions& f) override {
    if (deferring_->load() || SkipThisDirSync()) return rocksdb::IOStatus::OK();
    return FSDirectoryWrapper::FsyncWithDirOptions(o, d, f);
  }

 private:
  Flag deferring_;
};

class DeferredSyncFs : public rocksdb::FileSystemWrapper {
 public:
  explicit DeferredSyncFs(Flag deferring)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), deferring_(std::move(deferring)) {}
  const char* Name() const override { return "KgDeferredSync"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->NewWritableFile(name, options, out, dbg), out);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* out,
                                       rocksdb::IODebugContext* dbg) override {
    // The ingestion reopens a moved file only to sync it (see SyncAndMark).
    if (IsMarked(name)) return rocksdb::IOStatus::NotSupported("synced before its ingestion");
    return Wrap(target()->ReopenWritableFile(name, options, out, dbg), out);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* out,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->ReuseWritableFile(name, old_name, options, out, dbg), out);
  }
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* out,
                                 rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewDirectory(name, options, out, dbg);
    if (s.ok()) *out = std::make_unique<DeferredDirectory>(std::move(*out), deferring_);
    return s;
  }

 private:
  rocksdb::IOStatus Wrap(rocksdb::IOStatus s, std::unique_ptr<rocksdb::FSWritableFile>* out) {
    if (s.ok()) *out = std::make_unique<DeferredFile>(std::move(*out), deferring_);
    return s;
  }
  Flag deferring_;
};

absl::Status SyncPath(const std::string& path, bool directory) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  int r = directory ? fsync(fd) : fdatasync(fd);
  int err = errno;
  close(fd);
  if (r != 0) {
    return absl::InternalError(absl::StrCat("cannot sync ", path, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace

DeferredSync NewDeferredSyncEnv() {
  DeferredSync d;
  d.deferring = std::make_shared<std::atomic<bool>>(true);
  d.env = rocksdb::NewCompositeEnv(std::make_shared<DeferredSyncFs>(d.deferring));
  return d;
}

absl::Status EndDeferral(const DeferredSync& deferred, const std::string& dir) {
  if (!deferred.deferring || !deferred.deferring->exchange(false)) return absl::OkStatus();
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    // The info log needs no sync; LOCK is empty.
    if (!entry.is_regular_file(ec) || name.rfind("LOG", 0) == 0 || name == "LOCK") continue;
    files.push_back(entry.path().string());
  }
  if (ec) return absl::InternalError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  // All at once: concurrent syncs share journal commits and device flushes.
  std::vector<absl::Status> status(files.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < files.size(); ++i) {
    threads.emplace_back([&, i] { status[i] = SyncPath(files[i], false); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : status) {
    if (!s.ok()) return s;
  }
  return SyncPath(dir, true);
}

SkipDirSyncs::SkipDirSyncs(int n) { dir_syncs_to_skip = n > 0 ? n : 0; }
SkipDirSyncs::~SkipDirSyncs() { dir_syncs_to_skip = 0; }
int DirSyncsToSkipOnThisThread() { return dir_syncs_to_skip; }

absl::Status SyncAndMark(const std::string& path, FileId* id) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  int r = fdatasync(fd);
  if (r == 0) r = fstat(fd, &st);
  int err = errno;
  close(fd);
  if (r != 0) {
    return absl::InternalError(absl::StrCat("cannot sync ", path, ": ", std::strerror(err)));
  }
  *id = FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  std::lock_guard<std::mutex> lock(marked_mu);
  Marked().push_back(*id);
  return absl::OkStatus();
}

void Unmark(const FileId& id) {
  std::lock_guard<std::mutex> lock(marked_mu);
  std::vector<FileId>& marked = Marked();
  for (size_t i = 0; i < marked.size(); ++i) {
    if (marked[i] == id) {
      marked.erase(marked.begin() + i);
      return;
    }
  }
}

}  // namespace kg::storage
