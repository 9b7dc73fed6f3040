#include "storage/sst_out.h"

#include <fcntl.h>
#include <unistd.h>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "storage/rocks_options.h"

namespace kg::storage {
namespace {

// The file (and file system) the bulk files are written through: Sync and
// Fsync do nothing, the ingestion syncs each file once.
class SyncedByIngestionFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  using FSWritableFileOwnerWrapper::FSWritableFileOwnerWrapper;
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&,
                              rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }
};

class SyncedByIngestionFs : public rocksdb::FileSystemWrapper {
 public:
  SyncedByIngestionFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "KgSyncedByIngestion"; }
  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
    if (s.ok()) *out = std::make_unique<SyncedByIngestionFile>(std::move(file));
    return s;
  }
};

rocksdb::Env* BulkFileEnv() {
  static rocksdb::Env* env =
      rocksdb::NewCompositeEnv(std::make_shared<SyncedByIngestionFs>()).release();
  return env;
}

// A hint only: where sync_file_range is unsupported nothing happens (no
// fallback to a sync, which would wait here instead).
void StartWriteback(const std::string& path) {
#ifdef __linux__
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  close(fd);
#else
  (void)path;
#endif
}

}  // namespace

absl::Status SstOut::Open() {
  rocksdb::Options options = BulkSstOptions(ColumnFamilyNames()[cf_]);
  options.env = BulkFileEnv();
  // The files are ingested and read (compacted) right away: keeping them in
  // the page cache is what we want.
  writer_ = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options,
                                                     store_->cf(cf_),
                                                     /*invalidate_page_cache=*/false);
  return FromRocks(writer_->Open(path_), path_);
}

absl::Status SstOut::Delete(std::string_view key) {
  if (!writer_) RETURN_IF_ERROR(Open());
  ++entries_;
  return FromRocks(writer_->Delete(rocksdb::Slice(key.data(), key.size())), path_);
}

FileSyncs::~FileSyncs() {
  Wait().IgnoreError();
  for (const FileId& id : marked_) Unmark(id);
}

void FileSyncs::Start(std::string path) {
  std::lock_guard<std::mutex> lock(mu_);
  threads_.emplace_back([this, path = std::move(path)] {
    FileId id;
    absl::Status s = SyncAndMark(path, &id);
    std::lock_guard<std::mutex> lock(mu_);
    if (s.ok()) {
      marked_.push_back(id);
    } else if (status_.ok()) {
      status_ = s;
    }
  });
}

absl::Status FileSyncs::Wait() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

absl::Status SstOut::Finish(std::vector<rocksdb::IngestExternalFileArg>* args, uint64_t* bytes) {
  if (!writer_) return absl::OkStatus();
  rocksdb::ExternalSstFileInfo info;
  RETURN_IF_ERROR(FromRocks(writer_->Finish(&info), path_));
  *bytes += info.file_size;
  if (syncs_ != nullptr) {
    syncs_->Start(path_);
  } else {
    StartWriteback(path_);
  }
  for (auto& arg : *args) {
    if (arg.column_family == store_->cf(cf_)) {
      arg.external_files.push_back(path_);
      return absl::OkStatus();
    }
  }
  rocksdb::IngestExternalFileArg arg;
  arg.column_family = store_->cf(cf_);
  arg.external_files = {path_};
  arg.options.move_files = true;
  arg.options.allow_blocking_flush = true;
  arg.options.write_global_seqno = false;
  args->push_back(std::move(arg));
  return absl::OkStatus();
}

}  // namespace kg::storage
