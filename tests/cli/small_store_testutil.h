#ifndef KG_TESTS_CLI_SMALL_STORE_TESTUTIL_H_
#define KG_TESTS_CLI_SMALL_STORE_TESTUTIL_H_

// Small stores for the CLI tests, built through storage::Store::PutDocument
// from hand-made DocumentFacts, and helpers to run the kg program.

#include <string>
#include <vector>

#include "proto/kg.pb.h"

namespace kg::cli::testing {

struct TestFact {
  std::string subject;
  EntityType subject_type;
  std::string predicate;
  std::string object;
  EntityType object_type;
  uint32_t flags = 0;
  std::string sentence;
};

// A fresh directory name under the temp dir (removed first).
std::string TempPath(const std::string& tag);

// Writes one document holding `facts` into the store at `db` (created if
// missing). Aliases: {alias, canonical name}.
void PutFacts(const std::string& db, const std::string& doc_id, const std::vector<TestFact>& facts,
              const std::vector<std::pair<std::string, std::string>>& aliases = {});

// The policy graph used by most tests:
//   Merida Initiative -funds-> Mexico -partners_with- United States
//   United States -fights-> arms trafficking; Joe Biden (alias "Biden")
//   meet_with Andrés Manuel López Obrador (alias "AMLO"); DEA co-mentions.
void BuildPolicyStore(const std::string& db);

// Entities whose names stress every escaping rule: quotes, backslashes,
// angle brackets, ampersands, newlines, tabs, non-ASCII, DOT keywords.
std::vector<std::string> AdversarialNames();
void BuildAdversarialStore(const std::string& db);

struct RunResult {
  int exit_code = -1;
  std::string out;
};
// Runs a shell command line; captures stdout (add 2>&1 for stderr).
RunResult Sh(const std::string& command);
// Single-quotes `s` for the shell.
std::string ShellQuote(const std::string& s);
// The kg program in the build tree.
std::string KgBin();

}  // namespace kg::cli::testing

#endif  // KG_TESTS_CLI_SMALL_STORE_TESTUTIL_H_
