#include "tools/load_pipeline.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/content_hash.h"
#include "query/build_clock.h"
#include "tools/load_queue.h"

namespace kg::tools {
namespace {

// A document on its way to an extraction worker.
struct WorkItem {
  Document document;
  std::string text;
  uint64_t base_offset = 0;
};

// What the writer receives: an extracted document or a chunk of triples.
struct WriteItem {
  std::optional<DocumentFacts> facts;
  std::vector<SourceTriple> triples;
  TripleBatch batch;  // packed triples (TSV)
  std::string file;   // of the triples
};

void ShiftEvidence(Evidence* e, uint64_t by) {
  e->set_start(e->start() + by);
  e->set_end(e->end() + by);
  if (e->mention_end() > 0) {
    e->set_mention_start(e->mention_start() + by);
    e->set_mention_end(e->mention_end() + by);
  }
}

// Named threads make `perf report --sort comm` split the profile by stage.
void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

// Bytes of document text between two of the writer's CPU checkpoints.
constexpr uint64_t kWriterCheckpointBytes = 8 << 20;

}  // namespace

class Loader::Impl : public ReadSink {
 public:
  Impl(Loader* loader)
      : l_(*loader),
        threads_(loader->options_.threads > 0
                     ? loader->options_.threads
                     : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
        capacity_(loader->options_.queue_capacity > 0 ? loader->options_.queue_capacity
                                                      : 2 * static_cast<size_t>(threads_)),
        work_(capacity_),
        write_(capacity_ + 2) {}

  absl::StatusOr<LoadSummary> Run(const std::vector<InputFile>& files,
                                  const std::vector<PathError>& path_errors) {
    const auto start = std::chrono::steady_clock::now();
    for (const PathError& e : path_errors) {
      LoadIssue issue;
      issue.file = e.path;
      issue.message = e.message;
      if (!OnIssue(std::move(issue))) break;
    }
    uint64_t input_bytes = 0;
    for (const InputFile& f : files) input_bytes += f.size;
    const LoadOptions& o = l_.options_;
    // Begun at the first document to store (OnDocument): a run of
    // structured triples only never enters bulk mode, whose set-up and
    // wind-down are a document path's costs.
    want_doc_bulk_ =
        o.doc_bulk == LoadOptions::DocBulk::kOn ||
        (o.doc_bulk == LoadOptions::DocBulk::kAuto && input_bytes >= o.doc_bulk_min_bytes);
    std::thread writer([this] { WriterLoop(); });
    for (const InputFile& f : files) {
      if (stop_.load()) break;
      current_file_ = f.path;
      ReadInputFile(f, l_.options_.read, this);
      l_.counters_.files_done.fetch_add(1);
    }
    if (!chunk_.empty()) FlushTriples();
    work_.Close();
    for (std::thread& t : workers_) t.join();
    write_.Close();
    writer.join();

    absl::Status fatal = fatal_;
    const bool doc_bulk = doc_bulk_begun_;
    if (doc_bulk) {
      // The last staged chunk; before the structured triples, whose commit
      // must see the documents' terms.
      if (absl::Status s = l_.store_->EndDocumentBulk(); !s.ok() && fatal.ok()) {
        fatal = absl::Status(s.code(), absl::StrCat("storing the last documents: ", s.message()));
      }
    }
    if (fatal.ok() && triples_added_ && l_.triples_ != nullptr) {
      if (absl::Status s = l_.triples_->Finish(); !s.ok()) {
        fatal =
            absl::Status(s.code(), absl::StrCat("bulk load of structured triples: ", s.message()));
      }
    }
    // Documents went through the memtables: write them out now (timed with
    // the run), or the next open, every reader's too, replays the whole log.
    if (fatal.ok() && l_.counters_.documents.load() > 0) {
      if (absl::Status s = l_.store_->Flush(); !s.ok()) {
        fatal = absl::Status(s.code(), absl::StrCat("flushing the store: ", s.message()));
      }
    }
    if (!fatal.ok()) return fatal;

    LoadSummary summary;
    const LoadCounters& c = l_.counters_;
    summary.files = c.files_done.load();
    summary.bytes = c.bytes_read.load();
    summary.documents = c.documents.load();
    summary.unchanged = c.unchanged.load();
    summary.sentences = c.sentences.load();
    summary.facts = c.facts.load();
    summary.evidence = c.evidence.load();
    summary.triples = c.triples.load();
    summary.errors = c.errors.load();
    summary.warnings = c.warnings.load();
    summary.stopped = stop_.load();
    if (absl::StatusOr<storage::StoreStats> stats = l_.store_->Stats(); stats.ok()) {
      summary.entities = stats->entities;
      summary.store_facts = stats->facts;
    }
    {
      std::lock_guard<std::mutex> lock(issue_mu_);
      summary.issues = kept_issues_;
    }
    summary.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    summary.peak_rss_bytes = PeakRssBytes();
    summary.process_cpu_seconds = query::ProcessCpuSeconds();
    summary.document_bulk = doc_bulk;
    summary.writer_cpu_seconds = writer_cpu_seconds_;
    summary.worker_cpu_seconds = worker_cpu_seconds_;
    summary.writer_cpu_per_8mb = writer_checkpoints_;
    return summary;
  }

  // --- ReadSink (reader thread) ---------------------------------------------
  bool OnDocument(SourceDocument src) override {
    if (stop_.load()) return false;
    Document doc;
    doc.set_id(src.id);
    doc.set_source(src.source);
    doc.set_content_hash(core::ContentHash(src.text));
    doc.set_title(src.parts > 1 ? absl::StrCat(src.title, src.title.empty() ? "" : " ", "(part ",
                                               src.part + 1, "/", src.parts, ")")
                                : src.title);
    doc.set_date(src.date);
    doc.set_ingest_time(static_cast<int64_t>(std::time(nullptr)));
    doc.set_size(src.text.size());
    // Resume: skip before extraction what the store already has.
    absl::StatusOr<std::optional<Document>> stored = l_.store_->GetDocument(doc.id());
    if (stored.ok() && stored->has_value() && (*stored)->content_hash() == doc.content_hash() &&
        (*stored)->resolution() == l_.options_.resolution) {
      l_.counters_.unchanged.fetch_add(1);
      return true;
    }
    if (want_doc_bulk_ && !doc_bulk_begun_) {
      // Before the first document can reach the writer.
      if (absl::Status s = l_.store_->BeginDocumentBulk(l_.options_.doc_bulk_chunk_bytes);
          !s.ok()) {
        Fatal(absl::Status(s.code(), absl::StrCat("document bulk path: ", s.message())));
        return false;
      }
      doc_bulk_begun_ = true;
    }
    if (workers_.empty()) {
      absl::StatusOr<std::unique_ptr<core::Extractor>> e = l_.extractor_factory_();
      if (!e.ok()) {
        Fatal(absl::Status(e.status().code(),
                           absl::StrCat("cannot create the extractor: ", e.status().message())));
        return false;
      }
      extractor_ = std::move(*e);
      for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    }
    WorkItem item;
    item.document = std::move(doc);
    item.text = std::move(src.text);
    item.base_offset = src.base_offset;
    return work_.Push(std::move(item)) && !stop_.load();
  }

  bool OnTriple(SourceTriple triple) override {
    if (stop_.load()) return false;
    l_.counters_.triples.fetch_add(1);
    if (chunk_.capacity() == 0) chunk_.reserve(l_.options_.triple_chunk);
    chunk_.push_back(std::move(triple));
    if (chunk_.size() >= l_.options_.triple_chunk) FlushTriples();
    return !stop_.load();
  }

  bool OnTriples(TripleBatch* batch) override {
    if (stop_.load()) return false;
    if (!chunk_.empty()) FlushTriples();  // keep the order of arrival
    l_.counters_.triples.fetch_add(batch->size());
    WriteItem item;
    std::swap(item.batch, *batch);
    item.file = current_file_;
    write_.Push(std::move(item));
    return !stop_.load();
  }

  bool OnIssue(LoadIssue issue) override {
    bool error = issue.severity == LoadIssue::Severity::kError;
    (error ? l_.counters_.errors : l_.counters_.warnings).fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(issue_mu_);
      if (kept_issues_.size() < l_.options_.max_issues_kept) {
        kept_issues_.push_back(issue.ToString());
      }
      if (l_.on_issue_) l_.on_issue_(issue);
    }
    if (error && l_.options_.strict) Stop();
    return !stop_.load();
  }

  void OnBytesRead(uint64_t bytes) override { l_.counters_.bytes_read.fetch_add(bytes); }

 private:
  void Stop() { stop_.store(true); }

  void Fatal(absl::Status status) {
    {
      std::lock_guard<std::mutex> lock(issue_mu_);
      if (fatal_.ok()) fatal_ = std::move(status);
    }
    fatal_seen_.store(true);
    Stop();
  }

  void FlushTriples() {
    WriteItem item;
    item.triples.swap(chunk_);
    item.file = current_file_;
    // Reserved up front: growing a vector of a quarter-million triples was a
    // tenth of the structured-load profile (page faults on every regrowth).
    chunk_.reserve(l_.options_.triple_chunk);
    write_.Push(std::move(item));
  }

  void Error(const std::string& file, std::string message) {
    LoadIssue issue;
    issue.file = file;
    issue.message = std::move(message);
    OnIssue(std::move(issue));
  }

  void WorkerLoop() {
    NameThisThread("kg-extract");
    struct Account {  // adds this thread's CPU when the loop ends
      Impl* impl;
      ~Account() {
        double cpu = query::ThreadCpuSeconds();
        std::lock_guard<std::mutex> lock(impl->issue_mu_);
        impl->worker_cpu_seconds_ += cpu;
      }
    } account{this};
    while (std::optional<WorkItem> item = work_.Pop()) {
      if (stop_.load()) continue;  // drain
      absl::StatusOr<DocumentFacts> facts = extractor_->Extract(item->document, item->text);
      if (!facts.ok()) {
        // The extractor names the byte offset; shift it for split parts by
        // reporting the part's base.
        Error(item->document.source(),
              absl::StrCat(
                  "extraction failed for document '", item->document.id(), "'",
                  item->base_offset ? absl::StrCat(" (part at byte ", item->base_offset, ")") : "",
                  ": ", facts.status().message()));
        continue;
      }
      if (item->base_offset > 0) {
        for (ExtractedFact& f : *facts->mutable_facts()) {
          ShiftEvidence(f.mutable_evidence(), item->base_offset);
        }
        for (Merge& m : *facts->mutable_merges())
          ShiftEvidence(m.mutable_evidence(), item->base_offset);
      }
      WriteItem out;
      out.facts = std::move(*facts);
      write_.Push(std::move(out));
    }
  }

  void WriterLoop() {
    NameThisThread("kg-writer");
    uint64_t written_bytes = 0, next_checkpoint = kWriterCheckpointBytes;
    double checkpoint_cpu = 0;
    while (std::optional<WriteItem> item = write_.Pop()) {
      if (fatal_seen_.load()) continue;  // drain
      if (item->facts) {
        const Document& doc = item->facts->document();
        absl::StatusOr<storage::PutResult> put = l_.store_->PutDocument(*item->facts);
        written_bytes += doc.size();
        if (written_bytes >= next_checkpoint) {
          double cpu = query::ThreadCpuSeconds();
          writer_checkpoints_.push_back(cpu - checkpoint_cpu);
          checkpoint_cpu = cpu;
          next_checkpoint += kWriterCheckpointBytes;
        }
        if (!put.ok()) {
          Error(doc.source(),
                absl::StrCat("cannot store document '", doc.id(), "': ", put.status().message()));
          continue;
        }
        if (put->changed) {
          l_.counters_.documents.fetch_add(1);
          l_.counters_.sentences.fetch_add(doc.sentences());
          l_.counters_.facts.fetch_add(put->facts);
          l_.counters_.evidence.fetch_add(put->evidence);
        } else {
          l_.counters_.unchanged.fetch_add(1);
        }
        continue;
      }
      if (l_.triples_ == nullptr) {
        Error(item->file, "structured triples given but no bulk path is available: not loaded");
        continue;
      }
      absl::Status s = item->batch.empty() ? l_.triples_->Add(item->triples)
                                           : l_.triples_->AddBatch(&item->batch);
      if (!s.ok()) {
        Fatal(absl::Status(s.code(), absl::StrCat("bulk load of structured triples from ",
                                                  item->file, ": ", s.message())));
        continue;
      }
      triples_added_ = true;
    }
    writer_cpu_seconds_ = query::ThreadCpuSeconds();
  }

  Loader& l_;
  const int threads_;
  const size_t capacity_;
  BoundedQueue<WorkItem> work_;
  BoundedQueue<WriteItem> write_;
  std::vector<std::thread> workers_;
  std::unique_ptr<core::Extractor> extractor_;
  std::vector<SourceTriple> chunk_;
  std::string current_file_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> fatal_seen_{false};
  bool triples_added_ = false;  // writer thread only; read after join
  bool want_doc_bulk_ = false;   // set before the reader starts
  bool doc_bulk_begun_ = false;  // reader thread only; read after join
  double writer_cpu_seconds_ = 0;            // writer thread; read after join
  std::vector<double> writer_checkpoints_;   // writer thread; read after join
  double worker_cpu_seconds_ = 0;            // under issue_mu_
  std::mutex issue_mu_;
  std::vector<std::string> kept_issues_;
  absl::Status fatal_;
};

Loader::Loader(storage::Store* store, ExtractorFactory extractor_factory, TripleSink* triples,
               LoadOptions options, std::function<void(const LoadIssue&)> on_issue)
    : store_(store),
      extractor_factory_(std::move(extractor_factory)),
      triples_(triples),
      options_(std::move(options)),
      on_issue_(std::move(on_issue)) {}

absl::StatusOr<LoadSummary> Loader::Run(const std::vector<InputFile>& files,
                                        const std::vector<PathError>& path_errors) {
  Impl impl(this);
  return impl.Run(files, path_errors);
}

}  // namespace kg::tools
