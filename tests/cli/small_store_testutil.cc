#include "tests/cli/small_store_testutil.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "storage/store.h"

namespace kg::cli::testing {

namespace fs = std::filesystem;

std::string TempPath(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "kg_cli_" + std::to_string(getpid()) + "_" +
                     (info != nullptr ? std::string(info->name()) : std::string("x")) + "_" + tag;
  fs::path p = fs::temp_directory_path() / name;
  fs::remove_all(p);
  return p.string();
}

void PutFacts(const std::string& db, const std::string& doc_id, const std::vector<TestFact>& facts,
              const std::vector<std::pair<std::string, std::string>>& aliases) {
  DocumentFacts d;
  Document* doc = d.mutable_document();
  doc->set_id(doc_id);
  doc->set_source(doc_id);
  doc->set_title("test document " + doc_id);
  doc->set_date("2021-03-18");
  std::map<std::string, Entity> entities;
  auto add = [&](const std::string& name, EntityType type) {
    Entity& e = entities[TermKey(name)];
    e.set_name(name);
    e.set_key(TermKey(name));
    e.set_type(type);
    e.set_mentions(e.mentions() + 1);
    e.set_documents(1);
  };
  std::string text;
  uint32_t index = 0;
  for (const TestFact& f : facts) {
    add(f.subject, f.subject_type);
    add(f.object, f.object_type);
    ExtractedFact* x = d.add_facts();
    x->set_subject(TermKey(f.subject));
    x->set_predicate(f.predicate);
    x->set_object(TermKey(f.object));
    x->set_confidence((f.flags & CO_MENTION) ? 0.4f : 0.9f);
    x->set_flags(f.flags);
    Evidence* ev = x->mutable_evidence();
    std::string sentence =
        f.sentence.empty() ? f.subject + " " + f.predicate + " " + f.object + "." : f.sentence;
    ev->set_doc_id(doc_id);
    ev->set_sentence(index++);
    ev->set_start(text.size());
    text += sentence;
    ev->set_end(text.size());
    text += " ";
    ev->set_text(sentence);
    ev->set_date("2021-03-18");
  }
  for (const auto& [alias, canonical] : aliases) {
    entities[TermKey(canonical)].add_aliases(alias);
    Merge* m = d.add_merges();
    m->set_alias(alias);
    m->set_canonical(TermKey(canonical));
    m->set_rule("test");
  }
  for (auto& [key, e] : entities) *d.add_entities() = e;
  doc->set_content_hash(std::to_string(std::hash<std::string>()(text)));
  doc->set_size(text.size());
  doc->set_sentences(index);
  auto store = storage::Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status();
  auto put = (*store)->PutDocument(d);
  ASSERT_TRUE(put.ok()) << put.status();
}

void BuildPolicyStore(const std::string& db) {
  PutFacts(db, "/corpus/merida.txt",
           {{"Merida Initiative", PROGRAM, "funds", "Mexico", GPE, 0,
             "The Merida Initiative funds security programmes in Mexico."},
            {"Mexico", GPE, "partners_with", "United States", GPE, 0,
             "Mexico partners with the United States on border security."},
            {"United States", GPE, "fights", "arms trafficking", TOPIC, 0,
             "The United States fights arms trafficking across the border."},
            {"DEA", ORG, "co_mention", "arms trafficking", TOPIC, CO_MENTION,
             "The DEA reported on arms trafficking."}});
  PutFacts(
      db, "/corpus/summit.txt",
      {{"Joe Biden", PERSON, "meet_with", "Andrés Manuel López Obrador", PERSON, 0,
        "Joe Biden met Andrés Manuel López Obrador by video."},
       {"Andrés Manuel López Obrador", PERSON, "leads", "Mexico", GPE, 0,
        "López Obrador leads Mexico."},
       {"Joe Biden", PERSON, "leads", "United States", GPE, 0, "Biden leads the United States."}},
      {{"AMLO", "Andrés Manuel López Obrador"}, {"Biden", "Joe Biden"}});
}

std::vector<std::string> AdversarialNames() {
  return {"Say \"hello\"",    "back\\slash\\",       "C:\\new\\Node",
          "<b>bold</b> & co", "two\nlines",          "tab\there",
          "Ciudad de México", "北京市 & 東京",       "node",
          "digraph",          "edge -> x;",          "ends with \\",
          "\\N \\G \\E \\L",  "{braces} [brackets]", "émigré's ‘quotes’",
          "a;b=c,d"};
}

void BuildAdversarialStore(const std::string& db) {
  std::vector<std::string> names = AdversarialNames();
  std::vector<TestFact> facts;
  for (size_t i = 0; i + 1 < names.size(); ++i) {
    facts.push_back({names[i], i % 2 ? PERSON : ORG, i % 3 ? "rel\"q\\<" : "co_mention",
                     names[i + 1], i % 2 ? TOPIC : GPE,
                     i % 3 ? 0u : static_cast<uint32_t>(CO_MENTION),
                     "Evidence with \"quotes\", <tags>, & amps, back\\slash \\N and ünïcödé " +
                         std::to_string(i)});
  }
  PutFacts(db, "/corpus/adversarial \"doc\".txt", facts);
}

RunResult Sh(const std::string& command) {
  RunResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q.push_back(c);
    }
  }
  return q + "'";
}

std::string KgBin() { return std::string(KG_BIN_DIR) + "/kg"; }

}  // namespace kg::cli::testing
