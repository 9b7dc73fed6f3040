#include "cli/ingest.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <system_error>

#include "cli/terminal.h"
#include "core/content_hash.h"
#include "proto/term_key.h"

namespace kg::cli {
namespace fs = std::filesystem;
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return absl::DataLossError("read error");
  return std::move(buf).str();
}

bool Hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

std::string DocumentIdForPath(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return path;
  return abs.lexically_normal().string();
}

std::vector<std::string> CollectFiles(const std::vector<std::string>& paths,
                                      std::vector<std::string>* errors) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      errors->push_back(p + ": no such file or directory");
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        errors->push_back(p + ": cannot read directory: " + ec.message());
        continue;
      }
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) {
          errors->push_back(p + ": " + ec.message());
          break;
        }
        if (Hidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file()) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  return files;
}

absl::StatusOr<std::vector<core::BlockedMerge>> StoredUnmerges(storage::Store& store) {
  absl::StatusOr<std::vector<Merge>> unmerges = store.Unmerges();
  if (!unmerges.ok()) return unmerges.status();
  std::vector<core::BlockedMerge> out;
  for (const Merge& m : *unmerges) out.push_back({TermKey(m.alias()), m.canonical()});
  return out;
}

IngestSummary IngestFiles(const std::vector<std::string>& paths, const core::Extractor& extractor,
                          storage::Store& store, std::ostream& err, const std::string& resolution) {
  IngestSummary summary;
  std::vector<std::string> errors;
  std::vector<std::string> files = CollectFiles(paths, &errors);
  for (const std::string& e : errors) {
    err << "kg: " << Printable(e) << "\n";
    ++summary.failed;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (const std::string& file : files) {
    ++summary.files;
    absl::StatusOr<std::string> text = ReadFile(file);
    if (!text.ok()) {
      err << "kg: " << Printable(file) << ": " << Printable(text.status().message()) << "\n";
      ++summary.failed;
      continue;
    }
    if (text->size() > kMaxIngestBytes) {
      err << "kg: " << Printable(file) << ": " << text->size() << " bytes is over kg ingest's limit of "
          << kMaxIngestBytes << " bytes per document; skipped (kg-load splits large documents)\n";
      ++summary.failed;
      continue;
    }
    // A NUL byte means a binary (or UTF-16) file, as kg-load decides too.
    if (size_t nul = text->find('\0'); nul != std::string::npos) {
      err << "kg: " << Printable(file) << ": binary file (NUL byte at byte offset " << nul << "); skipped\n";
      ++summary.failed;
      continue;
    }
    Document doc;
    doc.set_id(DocumentIdForPath(file));
    doc.set_source(doc.id());
    doc.set_content_hash(core::ContentHash(*text));
    doc.set_size(text->size());
    doc.set_ingest_time(now);

    // Identical content already stored: skip the extraction work entirely.
    absl::StatusOr<std::optional<Document>> existing = store.GetDocument(doc.id());
    if (!existing.ok()) {
      err << "kg: " << Printable(file) << ": " << Printable(existing.status().message()) << "\n";
      ++summary.failed;
      continue;
    }
    if (existing->has_value() && (*existing)->content_hash() == doc.content_hash() &&
        (*existing)->resolution() == resolution) {
      ++summary.unchanged;
      continue;
    }
    absl::StatusOr<DocumentFacts> facts = extractor.Extract(doc, *text);
    if (!facts.ok()) {
      err << "kg: " << Printable(file) << ": " << Printable(facts.status().message()) << "\n";
      ++summary.failed;
      continue;
    }
    absl::StatusOr<storage::PutResult> put = store.PutDocument(*facts);
    if (!put.ok()) {
      err << "kg: " << Printable(file) << ": " << Printable(put.status().message()) << "\n";
      ++summary.failed;
      continue;
    }
    if (put->changed) {
      ++summary.ingested;
    } else {
      ++summary.unchanged;
    }
    summary.facts += put->facts;
    summary.entities += put->entities;
  }
  return summary;
}

}  // namespace kg::cli
