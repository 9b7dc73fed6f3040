#ifndef KG_STORAGE_SST_OUT_H_
#define KG_STORAGE_SST_OUT_H_

// One SST file of one column family, written for IngestExternalFiles: the
// way both bulk paths (bulk_loader.h: structured triples, document_stage.h:
// staged documents) write their files.
//
// - The file is not synced by its writer: ingestion (move_files) re-opens
//   and syncs every file it links into the store before the MANIFEST names
//   it, so a writer's own sync would be a second one per file.
// - Its writeback is started when it is finished (sync_file_range, no
//   wait), so the ingestion's syncs, one after another at the end, find the
//   data on disk already; or, given a FileSyncs, it is synced there on a
//   thread of its own and its ingestion does not sync it again.
// - It is ingested without writing the global sequence number into it (the
//   MANIFEST holds it; writing it reopened and synced every file again).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "proto/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/deferred_sync_fs.h"
#include "storage/keys.h"
#include "storage/rocks_store.h"

namespace kg::storage {

// Syncs finished files on threads of their own while later ones are
// written, and marks them so that their ingestion does not sync them again
// (deferred_sync_fs.h, SyncAndMark). Wait() before the ingestion; the marks
// go when this is destroyed, which must be after the ingestion.
class FileSyncs {
 public:
  FileSyncs() = default;
  ~FileSyncs();
  FileSyncs(const FileSyncs&) = delete;
  FileSyncs& operator=(const FileSyncs&) = delete;

  void Start(std::string path);
  // Waits for every sync started so far; the first error.
  absl::Status Wait();

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<FileId> marked_;
  absl::Status status_;
};

class SstOut {
 public:
  // Nothing is created until the first Put or Delete. With `syncs`, the
  // finished file is synced there instead of only starting its writeback.
  SstOut(RocksStore* store, Cf cf, std::string path, FileSyncs* syncs = nullptr)
      : store_(store), cf_(cf), path_(std::move(path)), syncs_(syncs) {}

  // Keys must come in the family's order (bytewise), each once.
  absl::Status Put(std::string_view key, std::string_view value) {
    if (!writer_) RETURN_IF_ERROR(Open());
    ++entries_;
    rocksdb::Status s = writer_->Put(rocksdb::Slice(key.data(), key.size()),
                                     rocksdb::Slice(value.data(), value.size()));
    if (s.ok()) return absl::OkStatus();  // inline: tens of millions of calls
    return FromRocks(s, path_);
  }
  absl::Status Delete(std::string_view key);

  // Closes the file and adds it to `args`, under its column family's
  // argument (files of one family written in parallel must not overlap);
  // nothing when no record was written.
  absl::Status Finish(std::vector<rocksdb::IngestExternalFileArg>* args, uint64_t* bytes);

  uint64_t entries() const { return entries_; }

 private:
  absl::Status Open();

  RocksStore* store_;
  Cf cf_;
  std::string path_;
  FileSyncs* syncs_;
  std::unique_ptr<rocksdb::SstFileWriter> writer_;
  uint64_t entries_ = 0;
};

}  // namespace kg::storage

#endif  // KG_STORAGE_SST_OUT_H_
