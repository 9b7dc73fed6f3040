#ifndef KG_STORAGE_DEFERRED_SYNC_FS_H_
#define KG_STORAGE_DEFERRED_SYNC_FS_H_

// The file system a new store is created through. Creating a store (DB::Open
// with create_if_missing, then a dozen column families) syncs ~25 times:
// IDENTITY, CURRENT, the MANIFEST after each family, OPTIONS, the directory.
// While deferring, those syncs are skipped; EndDeferral() then syncs every
// file of the store once, and its directory: ~6 syncs.
//
//   DeferredSync deferred = NewDeferredSyncEnv();
//   db_options.env = deferred.env.get();    // the env must outlive the DB
//   ... DB::Open, CreateColumnFamilies, first writes ...
//   RETURN_IF_ERROR(EndDeferral(deferred, path));
//
// After EndDeferral every call passes through unchanged. A killed process
// loses nothing either way (the page cache survives it); a power loss before
// EndDeferral may leave a store that will not open (delete it and load
// again), where a normal creation would leave one missing some families.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "rocksdb/env.h"

namespace kg::storage {

struct DeferredSync {
  std::unique_ptr<rocksdb::Env> env;
  std::shared_ptr<std::atomic<bool>> deferring;  // true until EndDeferral
};

DeferredSync NewDeferredSyncEnv();

// Stops deferring, then syncs every regular file in `dir` (but the info
// LOG) and `dir` itself. The files are synced on threads of their own, at
// once: one after another, each waited for its own journal commit and
// device flush. The error names the file that failed.
absl::Status EndDeferral(const DeferredSync& deferred, const std::string& dir);

// Files their writer synced before they are ingested (moved) into a store
// opened through this file system. The ingestion links each moved file into
// the store and reopens it to sync it: a device flush each, one after
// another, even for a file with nothing left to write (~3 ms each on a quiet
// disk here, tens under load). For a marked file that reopen answers
// NotSupported, which RocksDB takes as "nothing to sync" (it is how file
// systems that cannot reopen files are handled); the directory and the
// MANIFEST are still synced. Marks are by inode (the link has another name)
// and must be removed once the ingestion is over, as inodes are reused.
// Stores not opened through this file system sync every file as before.
struct FileId {
  uint64_t device = 0, inode = 0;
  friend bool operator==(const FileId&, const FileId&) = default;
};
// Syncs the file at `path` (fdatasync) and marks it; `id` gets its mark.
absl::Status SyncAndMark(const std::string& path, FileId* id);
void Unmark(const FileId& id);

// An ingestion of the files of k column families links each family's files
// into the store and syncs the store's directory, family after family, all
// before the MANIFEST names any of them: the last of those k syncs makes
// every link durable, the first k - 1 only wait for a device flush each.
// While a SkipDirSyncs(n) lives, the first n directory syncs made by its
// own thread through this file system are skipped (other threads' syncs,
// e.g. a background flush's, are not); what is not used up is dropped.
class SkipDirSyncs {
 public:
  explicit SkipDirSyncs(int n);
  ~SkipDirSyncs();
  SkipDirSyncs(const SkipDirSyncs&) = delete;
  SkipDirSyncs& operator=(const SkipDirSyncs&) = delete;
};
// How many directory syncs this thread would still skip (for tests).
int DirSyncsToSkipOnThisThread();

}  // namespace kg::storage

#endif  // KG_STORAGE_DEFERRED_SYNC_FS_H_
