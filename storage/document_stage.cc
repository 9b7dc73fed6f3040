#include "storage/document_stage.h"

#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/keys.h"
#include "storage/rocks_options.h"

namespace kg::storage {
namespace {

// Removes the chunk's directory on every way out (ingestion moved the files
// that made it in).
struct RemoveDir {
  std::string dir;
  ~RemoveDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

absl::Status IngestStagedBatch(RocksStore* store, rocksdb::WriteBatchWithIndex* batch,
                               const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // a crashed chunk's leftovers
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  RemoveDir cleanup{dir};

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (int c = 0; c < kCfCount; ++c) {
    std::unique_ptr<rocksdb::WBWIIterator> it(batch->NewIterator(store->cf(static_cast<Cf>(c))));
    it->SeekToFirst();
    if (!it->Valid()) continue;
    const std::string path = absl::StrCat(dir, "/", ColumnFamilyNames()[c], ".sst");
    rocksdb::Options options = BulkSstOptions(ColumnFamilyNames()[c]);
    // The files are ingested and compacted right away: keep them cached.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, store->cf(static_cast<Cf>(c)),
                                  /*invalidate_page_cache=*/false);
    RETURN_IF_ERROR(FromRocks(writer.Open(path), path));
    for (; it->Valid(); it->Next()) {
      rocksdb::WriteEntry e = it->Entry();
      rocksdb::Status s;
      switch (e.type) {
        case rocksdb::kPutRecord:
          s = writer.Put(e.key, e.value);
          break;
        case rocksdb::kDeleteRecord:
        case rocksdb::kSingleDeleteRecord:
          s = writer.Delete(e.key);
          break;
        default:
          return absl::InternalError(absl::StrCat("document bulk path: unexpected record type ",
                                                  static_cast<int>(e.type), " in ", path));
      }
      RETURN_IF_ERROR(FromRocks(s, path));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), path));
    RETURN_IF_ERROR(FromRocks(writer.Finish(), path));
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = store->cf(static_cast<Cf>(c));
    arg.external_files = {path};
    arg.options.move_files = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;  // the MANIFEST holds it
    args.push_back(std::move(arg));
  }
  if (args.empty()) return absl::OkStatus();
  return FromRocks(store->db()->IngestExternalFiles(args), store->path());
}

}  // namespace kg::storage
