#include "cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/app.h"
#include "cli/terminal.h"

namespace kg::cli {
namespace {

constexpr char kExitStatuses[] =
    "exit status:\n"
    "  0  success\n"
    "  1  some input failed (named on stderr; the rest was processed), or Graphviz is missing\n"
    "  2  usage error, query syntax error, unknown name (the closest names are listed)\n"
    "  3  the store cannot be used: missing, in use by a writer, corrupt, or from a newer kg\n";

constexpr char kGlobalOptions[] =
    "options (accepted by every command, anywhere on the line):\n"
    "  --db DIR      the store (default: $KG_DB, else ./kg.db)\n"
    "  --no-color    no colour even on a terminal (NO_COLOR=1 does the same)\n"
    "  --help, -h    help for kg or for one command: kg COMMAND --help\n"
    "  --version     the program and store schema versions\n";

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"ingest", "ingest PATH...", "extract facts from text files (directories recursively)",
       "  --model FILE  language model (default: models/en.kgm)\n"
       "Identical files already stored are skipped; a changed file replaces its old version.\n"
       "example: kg ingest examples/corpus/\n",
       RunIngest},
      {"query", "query 'QUERY'", "answer a query",
       "  --format table|json|dot   output (default table); dot is a Graphviz picture\n"
       "  --limit N                 with --format dot: at most N entities drawn (default 60)\n"
       "  -o FILE                   write the answer to FILE instead of standard output\n"
       "queries:\n"
       "  path \"A\" to \"B\" [max N] [k K]          shortest paths\n"
       "  connect \"A\" and \"B\" [max N] [k K]      entities on short paths between A and B\n"
       "  neighbors \"A\" [depth N] [limit N]       the neighbourhood of an entity\n"
       "  entity \"A\"                              name, type, aliases, mentions\n"
       "  match ?p meet_with \"Joe Biden\"          triple patterns with variables\n"
       "  top [type T] [by degree|pagerank]       the most connected entities\n"
       "  edge filters: typed, predicate P,..., min_confidence X, document D, since/until DATE\n"
       "example: kg query 'connect \"Merida Initiative\" and \"arms trafficking\"'\n",
       RunQuery},
      {"explain", "explain 'QUERY'", "answer a query with the evidence sentences behind every hop",
       "  --format table|json|dot, --limit N, -o FILE   as for kg query\n"
       "example: kg explain 'path \"AMLO\" to \"Joe Biden\"'\n",
       RunExplain},
      {"entity", "entity NAME", "canonical name, type, aliases, mentions and documents",
       "  --format table|json|dot, -o FILE   as for kg query\n"
       "NAME is matched case- and accent-insensitively and through aliases.\n"
       "example: kg entity DEA\n",
       RunEntity},
      {"dot", "dot 'QUERY'", "draw a query's answer with Graphviz",
       "  -o FILE                 output file (default: standard output)\n"
       "  --render svg|png|pdf    render with Graphviz's dot (default: from -o's extension,\n"
       "                          .svg/.png/.pdf; otherwise DOT text is written)\n"
       "  --limit N               at most N entities drawn; the rest is summarised (default 60)\n"
       "Entities are shaped and coloured by type (see the legend), the query's names are\n"
       "drawn bold, pen width grows with support, co-mentions are dashed, and hovering an\n"
       "edge in the SVG shows its evidence sentences.\n"
       "example: kg dot 'connect \"Merida Initiative\" and \"arms trafficking\"' -o answer.svg\n",
       RunDot},
      {"forget", "forget DOC...", "remove documents' evidence (facts they alone supported go too)",
       "DOC is a document id (the absolute path it was ingested from) or a path to it.\n"
       "example: kg forget examples/corpus/merida-initiative.txt\n",
       RunForget},
      {"unmerge", "unmerge ALIAS", "undo a wrong entity merge (the alias becomes its own entity)",
       "  --from ENTITY   the entity ALIAS was merged into (default: the one ALIAS names now)\n"
       "  --model FILE    language model for the re-extraction (default: models/en.kgm)\n"
       "The decision is kept in the store: the documents that merged ALIAS are extracted\n"
       "again from their files, and later ingests never merge it into ENTITY. kg entity\n"
       "lists an entity's aliases with the rule that merged each.\n"
       "example: kg unmerge AMLO --from \"Andrés Manuel López Obrador\"\n",
       RunUnmerge},
      {"stats", "stats", "counts by type and predicate, store size, documents",
       "  --format table|json     output (default table)\n"
       "  --limit N               at most N documents and predicates listed (default 20)\n",
       RunStats},
      {"check", "check", "verify the store's integrity (indexes agree, evidence, counters)",
       "Exits 0 when the store is sound, 3 when problems were found (each is listed).\n", RunCheck},
      {"export", "export [-o FILE|DIR]", "write the store as JSON lines, N-Triples or CSV",
       "  --format jsonl|ntriples|csv   (default jsonl); csv writes nodes.csv and edges.csv\n"
       "                                into the directory given with -o\n"
       "  -o FILE|DIR                   output (default: standard output; required for csv)\n"
       "JSON lines are lossless: kg import of the file into an empty store, exported again,\n"
       "gives the same bytes. The CSV files load into Kùzu (COPY FROM) and Neo4j (LOAD CSV).\n",
       RunExport},
      {"import", "import FILE...", "load JSON lines or N-Triples written by kg export",
       "  --format jsonl|ntriples   (default: from the extension, .nt = N-Triples, else jsonl)\n"
       "Errors name the file and line; the other files are still imported (exit status 1).\n",
       RunImport},
      {"repl", "repl", "interactive shell (also: kg with no command on a terminal)",
       "  --format table|json|dot   initial output format\n"
       "On a terminal: line editing, history in ~/.kg_history ($KG_HISTORY), Ctrl-R search,\n"
       "Tab completion of keywords, names and predicates, multi-line queries, :help.\n"
       "Otherwise one query per line is read from standard input (a trailing \\ continues\n"
       "a line; blank lines and # comments are skipped) and the answers are written to\n"
       "standard output: kg repl < queries.txt\n",
       RunRepl},
  };
  return kCommands;
}

const Command* FindCommand(std::string_view name) {
  for (const Command& c : Commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string MainUsage() {
  std::string s = "usage: kg [--db DIR] COMMAND [ARGS...]\n\ncommands:\n";
  for (const Command& c : Commands()) {
    absl::StrAppend(&s, absl::StrFormat("  %-22s %s\n", c.synopsis, c.summary));
  }
  absl::StrAppend(&s, "\n", kGlobalOptions, "\n", kExitStatuses,
                  "\nkg COMMAND --help shows a command's options and examples.\n");
  return s;
}

std::string CommandUsage(const Command& command) {
  return absl::StrCat("usage: kg [--db DIR] ", command.synopsis, " [options]\n", command.summary,
                      "\n\n", command.help, "\n", kGlobalOptions, "\n", kExitStatuses);
}

int Fail(const Args& args, std::ostream& err, const absl::Status& status) {
  Style style(args.color_err);
  err << style.Red("kg:") << " " << Printable(status.message()) << "\n";
  return ExitCodeFor(status);
}

int UsageError(const Args& args, std::ostream& err, const std::string& problem) {
  Style style(args.color_err);
  const Command* c = args.positional.empty() ? nullptr : FindCommand(args.positional[0]);
  err << style.Red("kg:") << " " << Printable(problem) << "\n";
  if (c != nullptr) {
    err << "usage: kg [--db DIR] " << c->synopsis << " [options]   (kg " << c->name
        << " --help for more)\n";
  }
  return kExitUsage;
}

absl::Status WriteOutput(const Args& args, const std::string& text, std::ostream& out) {
  const std::string* path = args.Find("-o");
  if (path == nullptr || *path == "-") {
    // Standard output may be a terminal: control bytes from documents are
    // shown escaped (Printable); -o FILE gets the bytes unchanged.
    out << Printable(text);
    return absl::OkStatus();
  }
  std::ofstream f(*path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return absl::PermissionDeniedError("cannot write " + *path + ": " + std::strerror(errno));
  return absl::OkStatus();
}

}  // namespace kg::cli
