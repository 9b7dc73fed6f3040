// kg query / explain / entity / dot: answer a query and print or draw it.

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/dot_render.h"
#include "query/engine.h"
#include "query/graphviz.h"
#include "query/result.h"

namespace kg::cli {
namespace {

constexpr int kDefaultDrawLimit = 60;

// Quotes a name for the query language.
std::string QuotedName(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  return q + "\"";
}

struct Answered {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<query::Engine> engine;
  std::shared_ptr<const query::QueryResult> result;
};

absl::StatusOr<Answered> Ask(const Args& args, const std::string& text) {
  Answered a;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(args, /*read_only=*/true);
  if (!store.ok()) return store.status();
  a.store = std::move(*store);
  a.engine = std::make_unique<query::Engine>(a.store.get());
  absl::StatusOr<std::shared_ptr<const query::QueryResult>> result = a.engine->Run(text);
  if (!result.ok()) return result.status();
  a.result = std::move(*result);
  return a;
}

int AnswerAndPrint(const Args& args, const std::string& text, std::ostream& out,
                   std::ostream& err) {
  absl::StatusOr<query::OutputFormat> format = QueryFormat(args);
  if (!format.ok()) return UsageError(args, err, std::string(format.status().message()));
  absl::StatusOr<int> limit = LimitOption(args, kDefaultDrawLimit);
  if (!limit.ok()) return UsageError(args, err, std::string(limit.status().message()));
  absl::StatusOr<Answered> a = Ask(args, text);
  if (!a.ok()) return Fail(args, err, a.status());
  std::string rendered;
  if (*format == query::OutputFormat::kDot) {
    query::GraphvizOptions options;
    options.limit = *limit;
    rendered = query::ToGraphviz(*a->result, options);
  } else {
    rendered = a->engine->Format(*a->result, *format);
  }
  absl::Status written = WriteOutput(args, rendered, out);
  if (!written.ok()) return Fail(args, err, written);
  return kExitOk;
}

std::string QueryText(const Args& args) {
  std::vector<std::string> rest(args.positional.begin() + 1, args.positional.end());
  return absl::StrJoin(rest, " ");
}

}  // namespace

int RunQuery(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) return UsageError(args, err, "query needs a QUERY");
  return AnswerAndPrint(args, QueryText(args), out, err);
}

int RunExplain(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) return UsageError(args, err, "explain needs a QUERY");
  return AnswerAndPrint(args, "explain " + QueryText(args), out, err);
}

int RunEntity(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 2) {
    return UsageError(args, err, "entity needs exactly one NAME (quote names with spaces)");
  }
  return AnswerAndPrint(args, "entity " + QuotedName(args.positional[1]), out, err);
}

int RunDot(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() < 2) return UsageError(args, err, "dot needs a QUERY");
  absl::StatusOr<int> limit = LimitOption(args, kDefaultDrawLimit);
  if (!limit.ok()) return UsageError(args, err, std::string(limit.status().message()));
  const std::string output = args.Get("-o", "");
  absl::StatusOr<std::string> render = RenderFormat(args.Get("--render", ""), output);
  if (!render.ok()) return UsageError(args, err, std::string(render.status().message()));
  if (args.Find("--format") != nullptr) {
    return UsageError(args, err, "dot takes --render svg|png|pdf, not --format");
  }
  const std::string text = QueryText(args);
  absl::StatusOr<Answered> a = Ask(args, text);
  if (!a.ok()) return Fail(args, err, a.status());
  query::GraphvizOptions options;
  options.limit = *limit;
  const std::string dot = query::ToGraphviz(*a->result, options);
  if (render->empty()) {
    absl::Status written = WriteOutput(args, dot, out);
    return written.ok() ? kExitOk : Fail(args, err, written);
  }
  if (!output.empty() && output != "-") {
    absl::Status s = RenderDotToFile(dot, *render, output);
    if (!s.ok()) return Fail(args, err, s);
    return kExitOk;
  }
  absl::StatusOr<std::string> picture = RenderDot(dot, *render);
  if (!picture.ok()) return Fail(args, err, picture.status());
  out << *picture;
  return kExitOk;
}

}  // namespace kg::cli
