#include "cli/repl.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <istream>
#include <memory>
#include <ostream>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/app.h"
#include "cli/args.h"
#include "cli/completer.h"
#include "cli/dot_render.h"
#include "cli/line_editor.h"
#include "cli/pager.h"
#include "cli/query_input.h"
#include "cli/stats.h"
#include "cli/terminal.h"
#include "query/graphviz.h"
#include "query/result.h"
#include "storage/store.h"

namespace kg::cli {
namespace {

namespace fs = std::filesystem;
using query::OutputFormat;
using ResultPtr = std::shared_ptr<const query::QueryResult>;

volatile sig_atomic_t g_cancel = 0;
void OnCancel(int) { g_cancel = 1; }

// Queries abandoned with Ctrl-C that are still running in the background.
std::atomic<int> g_abandoned{0};

const char* FormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kJson:
      return "json";
    case OutputFormat::kDot:
      return "dot";
    default:
      return "table";
  }
}

std::string Trim(std::string_view s) {
  return std::string(absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size())));
}

class Session {
 public:
  Session(const ReplOptions& options, std::ostream& out, std::ostream& err)
      : options_(options),
        out_(out),
        err_(err),
        style_(options.interactive && options.color),
        format_(options.format),
        completer_([this] { return Names(); }, [this] { return Predicates(); }) {}

  int RunInteractive();
  int RunScript(std::istream& in);

 private:
  int Handle(const std::string& entry);
  int Command(const std::string& entry);
  int Query(const std::string& text);
  absl::StatusOr<ResultPtr> RunCancellable(const std::string& text);
  absl::Status Open(const std::string& path);
  std::string Render(const query::QueryResult& result, OutputFormat format,
                     const std::string& title) const;
  int Save(const std::string& path, std::string render);
  int Error(const absl::Status& status);
  int Usage(const std::string& message);
  void Show(const std::string& text);
  std::vector<std::string> Names();
  std::vector<std::string> Predicates();

  ReplOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  Style style_;
  OutputFormat format_;
  bool timing_ = false;
  bool quit_ = false;
  int line_ = 0;  // script mode: the line the current entry started on
  std::string db_path_;
  std::shared_ptr<storage::Store> store_;
  std::shared_ptr<query::Engine> engine_;
  ResultPtr last_;
  std::string last_text_;
  Completer completer_;
};

std::vector<std::string> Session::Names() {
  std::vector<std::string> names;
  if (!store_) return names;
  std::vector<std::string> aliases;
  absl::Status s = store_->ForEachEntity([&](const Entity& e) {
    names.push_back(e.name());
    for (const std::string& a : e.aliases()) aliases.push_back(a);
    return true;
  });
  // Canonical names first: the completer prefers them among equal keys.
  names.insert(names.end(), aliases.begin(), aliases.end());
  (void)s;  // completion is best effort: a failed scan offers fewer names
  return names;
}

std::vector<std::string> Session::Predicates() {
  std::set<std::string> seen;
  if (store_) {
    absl::Status s = store_->ForEachFact([&](const Fact& f) {
      seen.insert(f.predicate());
      return true;
    });
    (void)s;
  }
  return std::vector<std::string>(seen.begin(), seen.end());
}

int Session::Error(const absl::Status& status) {
  if (options_.interactive) {
    err_ << style_.Red("error:") << " " << Printable(status.message()) << "\n";
  } else {
    err_ << "kg: line " << line_ << ": " << Printable(status.message()) << "\n";
  }
  return ExitCodeFor(status);
}

int Session::Usage(const std::string& message) {
  return Error(absl::InvalidArgumentError(message));
}

void Session::Show(const std::string& raw) {
  // Names and sentences come from documents and imported triples; see
  // Printable() for why their control bytes are not written raw.
  const std::string text = Printable(raw);
  if (options_.interactive) {
    ShowPaged(text, out_, /*allow_pager=*/true);
  } else {
    out_ << text;
    out_.flush();
  }
}

absl::Status Session::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStoreAt(path, /*read_only=*/true);
  if (!store.ok()) return store.status();
  store_ = std::shared_ptr<storage::Store>(std::move(*store));
  engine_ = std::make_shared<query::Engine>(store_.get());
  db_path_ = path;
  last_.reset();
  completer_.Reset();
  return absl::OkStatus();
}

std::string Session::Render(const query::QueryResult& result, OutputFormat format,
                            const std::string& title) const {
  if (format == OutputFormat::kDot) {
    query::GraphvizOptions o;
    o.limit = options_.draw_limit;
    o.title = title;
    return query::ToGraphviz(result, o);
  }
  return engine_->Format(result, format);
}

absl::StatusOr<ResultPtr> Session::RunCancellable(const std::string& text) {
  if (!options_.interactive) return engine_->Run(text);
  // The query runs on a worker; Ctrl-C returns to the prompt at once. The
  // engine offers no cancellation point, so an abandoned query finishes in
  // the background on its own engine (kept alive by the worker) and the
  // session continues on a fresh one.
  auto engine = engine_;
  auto store = store_;
  auto task = std::make_shared<std::packaged_task<absl::StatusOr<ResultPtr>()>>(
      [engine, store, text] { return engine->Run(text); });
  std::future<absl::StatusOr<ResultPtr>> done = task->get_future();
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = OnCancel;
  sigemptyset(&action.sa_mask);
  g_cancel = 0;
  sigaction(SIGINT, &action, &previous);
  std::thread worker([task] { (*task)(); });
  bool cancelled = false;
  while (done.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (g_cancel) {
      cancelled = true;
      break;
    }
  }
  sigaction(SIGINT, &previous, nullptr);
  if (!cancelled) {
    worker.join();
    return done.get();
  }
  ++g_abandoned;
  std::thread([w = std::move(worker)]() mutable {
    w.join();
    --g_abandoned;
  }).detach();
  engine_ = std::make_shared<query::Engine>(store_.get());
  return absl::CancelledError("query cancelled");
}

int Session::Query(const std::string& text) {
  if (!engine_) {
    return Error(absl::FailedPreconditionError(
        absl::StrCat("no store open", db_path_.empty() ? "" : " at " + db_path_,
                     "; use :open DB (or kg ingest to create one)")));
  }
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ResultPtr> result = RunCancellable(text);
  if (absl::IsCancelled(result.status())) {
    out_ << "\n" << style_.Yellow("cancelled") << "\n";
    return kExitOk;
  }
  if (!result.ok()) return Error(result.status());
  last_ = *result;
  last_text_ = text;
  std::string rendered = Render(**result, format_, text);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Show(rendered);
  if (timing_) out_ << style_.Dim(absl::StrFormat("(%.1f ms)", ms)) << "\n";
  return kExitOk;
}

int Session::Save(const std::string& path, std::string render) {
  if (!last_) return Usage("no result to save yet: run a query first");
  std::string ext = fs::path(path).extension().string();
  OutputFormat format = format_;
  if (ext == ".json") format = OutputFormat::kJson;
  if (ext == ".dot" || ext == ".gv") format = OutputFormat::kDot;
  if (ext == ".txt") format = OutputFormat::kTable;
  if (render.empty() && (ext == ".svg" || ext == ".png" || ext == ".pdf")) render = ext.substr(1);
  if (!render.empty()) format = OutputFormat::kDot;
  std::string text = Render(*last_, format, last_text_);
  if (!render.empty()) {
    absl::Status s = RenderDotToFile(text, render, path);
    if (!s.ok()) return Error(s);
  } else {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) return Error(absl::PermissionDeniedError("cannot write " + path));
  }
  if (options_.interactive) {
    out_ << "wrote " << path << " (" << (render.empty() ? FormatName(format) : render) << ")\n";
  }
  return kExitOk;
}

int Session::Command(const std::string& entry) {
  std::vector<std::string> words = absl::StrSplit(entry, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  const std::string cmd = absl::AsciiStrToLower(words[0]);
  // The argument of :open and :save is the rest of the line (paths may hold spaces).
  std::string rest = Trim(std::string_view(entry).substr(words[0].size()));
  if (cmd == ":help" || cmd == ":h" || cmd == ":?") {
    Show(ReplHelp());
  } else if (cmd == ":quit" || cmd == ":exit" || cmd == ":q") {
    quit_ = true;
  } else if (cmd == ":format") {
    if (words.size() == 1) {
      out_ << "format " << FormatName(format_) << "\n";
    } else if (words.size() == 2 && words[1] == "table") {
      format_ = OutputFormat::kTable;
    } else if (words.size() == 2 && words[1] == "json") {
      format_ = OutputFormat::kJson;
    } else if (words.size() == 2 && words[1] == "dot") {
      format_ = OutputFormat::kDot;
    } else {
      return Usage("usage: :format table|json|dot");
    }
  } else if (cmd == ":timing") {
    if (words.size() == 1) {
      out_ << "timing " << (timing_ ? "on" : "off") << "\n";
    } else if (words.size() == 2 && (words[1] == "on" || words[1] == "off")) {
      timing_ = words[1] == "on";
    } else {
      return Usage("usage: :timing on|off");
    }
  } else if (cmd == ":open") {
    if (rest.empty()) return Usage("usage: :open DB");
    absl::Status s = Open(rest);
    if (!s.ok()) return Error(s);
    if (options_.interactive) out_ << "opened " << rest << "\n";
  } else if (cmd == ":stats") {
    if (!store_) return Error(absl::FailedPreconditionError("no store open; use :open DB"));
    absl::StatusOr<StoreSummary> summary = Summarise(*store_, db_path_, 10);
    if (!summary.ok()) return Error(summary.status());
    Show(FormatSummary(*summary, 15, style_.enabled()));
  } else if (cmd == ":save") {
    if (rest.empty()) return Usage("usage: :save FILE   (format from the extension, else :format)");
    return Save(rest, "");
  } else if (cmd == ":dot") {
    if (words.size() < 2) return Usage("usage: :dot FILE [svg|png|pdf]");
    std::string render;
    std::string path = rest;
    const std::string& last = words.back();
    if (words.size() >= 3 && (last == "svg" || last == "png" || last == "pdf")) {
      render = last;
      path = Trim(std::string_view(rest).substr(0, rest.size() - last.size()));
    }
    absl::StatusOr<std::string> r = RenderFormat(render, path);
    if (!r.ok()) return Error(r.status());
    if (r->empty()) {
      // Plain DOT text whatever the extension.
      if (!last_) return Usage("no result to draw yet: run a query first");
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f << Render(*last_, OutputFormat::kDot, last_text_);
      f.close();
      if (!f) return Error(absl::PermissionDeniedError("cannot write " + path));
      if (options_.interactive) out_ << "wrote " << path << " (dot)\n";
      return kExitOk;
    }
    return Save(path, *r);
  } else {
    return Usage("unknown command " + words[0] + " (:help lists them)");
  }
  return kExitOk;
}

int Session::Handle(const std::string& entry) {
  if (entry[0] == ':') return Command(entry);
  return Query(entry);
}

int Session::RunInteractive() {
  if (!options_.db_path.empty()) {
    absl::Status s = Open(options_.db_path);
    if (!s.ok()) {
      err_ << style_.Yellow("warning:") << " " << Printable(s.message()) << "\n";
      db_path_ = options_.db_path;
    }
  }
  out_ << style_.Bold("kg") << " interactive shell";
  if (store_) {
    absl::StatusOr<storage::StoreStats> st = store_->Stats();
    if (st.ok()) {
      out_ << " on " << db_path_ << ": " << st->documents << " documents, " << st->entities
           << " entities, " << st->facts << " facts";
    }
  }
  out_ << "\nType a query such as connect \"Merida Initiative\" and \"arms trafficking\";"
       << " :help for help, Ctrl-D to quit.\n";
  out_.flush();
  LineEditor editor(options_.history_path, &completer_);
  std::string pending;
  while (!quit_) {
    std::string line;
    LineEditor::Result r = editor.ReadLine(pending.empty() ? "kg> " : "..> ", &line);
    if (r == LineEditor::Result::kInterrupted) {
      pending.clear();
      continue;
    }
    if (r == LineEditor::Result::kEof) {
      out_ << "\n";
      break;
    }
    AppendLine(line, &pending);
    if (NeedsMoreInput(pending)) continue;
    std::string entry = Trim(pending);
    pending.clear();
    if (entry.empty()) continue;
    editor.AddHistory(entry);
    Handle(entry);
    out_.flush();
  }
  return kExitOk;
}

int Session::RunScript(std::istream& in) {
  if (!options_.db_path.empty()) {
    absl::Status s = Open(options_.db_path);
    if (!s.ok()) {
      line_ = 0;
      err_ << "kg: " << Printable(s.message()) << "\n";
      return ExitCodeFor(s);
    }
  }
  int status = kExitOk;
  std::string pending;
  std::string line;
  int number = 0;
  while (!quit_ && std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (pending.empty()) {
      std::string t = Trim(line);
      if (t.empty() || t[0] == '#') continue;
      line_ = number;
    }
    AppendLine(line, &pending);
    if (HasTrailingBackslash(pending)) continue;
    status = std::max(status, Handle(Trim(pending)));
    pending.clear();
  }
  if (!pending.empty() && !quit_) {
    while (HasTrailingBackslash(pending)) AppendLine("", &pending);
    std::string entry = Trim(pending);
    if (!entry.empty()) status = std::max(status, Handle(entry));
  }
  return status;
}

}  // namespace

std::string ReplHelp() {
  return R"(queries (names in double quotes; case and accents do not matter; aliases work):
  connect "Merida Initiative" and "arms trafficking"    who links two things, with the paths
  path "AMLO" to "Joe Biden" max 4                      shortest paths (k 3: three of them)
  neighbors "DEA" depth 2 limit 30                      the neighbourhood of an entity
  entity "Mérida Initiative"                            name, type, aliases, mentions
  match ?p meet_with "Joe Biden"                        triple patterns with ?variables
  top type person by pagerank limit 10                  the most central entities
  explain connect "A" and "B"                           the evidence sentences behind every hop
  filters: typed (no co-mentions), predicate P,..., min_confidence X, since/until DATE

commands:
  :help                     this text
  :format table|json|dot    how answers are printed (now: see :format)
  :timing on|off            show how long each query took
  :open DB                  switch to another store
  :stats                    what the store holds
  :save FILE                save the last answer (.json, .dot, .txt, .svg/.png/.pdf by extension)
  :dot FILE [svg|png|pdf]   draw the last answer with Graphviz (DOT text without a format)
  :quit                     leave (or Ctrl-D)

keys: Tab completes keywords, names and predicates; Up/Down and Ctrl-R search the history
(kept in ~/.kg_history); a query continues on the next line while a quote or bracket is
open or the line ends with \; Ctrl-C cancels the line being typed or the running query.
)";
}

int RunReplSession(const ReplOptions& options, std::istream& in, std::ostream& out,
                   std::ostream& err) {
  Session session(options, out, err);
  int status = options.interactive ? session.RunInteractive() : session.RunScript(in);
  out.flush();
  if (g_abandoned > 0) {
    // A cancelled query still runs on a worker holding the store; leave
    // without tearing down what it uses.
    err.flush();
    std::_Exit(status);
  }
  return status;
}

}  // namespace kg::cli
