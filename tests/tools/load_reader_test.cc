#include "tools/load_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tools/load_testutil.h"
#include "tools/load_text.h"

namespace kg::tools {
namespace {

using ::kg::tools::testing::LoadFixture;
using ::kg::tools::testing::MakeTempDir;
using ::kg::tools::testing::ReadFixture;
using ::kg::tools::testing::RecordingSink;
using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LoadReaderTest, TextFileIsOneDocumentWithItsExactBytes) {
  std::string path = LoadFixture("corpus/port-security.txt");
  RecordingSink sink = ReadFixture(path);
  EXPECT_TRUE(sink.issues.empty()) << sink.IssueText();
  ASSERT_EQ(sink.docs.size(), 1u);
  EXPECT_EQ(sink.docs[0].text, Slurp(path));
  EXPECT_EQ(sink.docs[0].id, std::filesystem::absolute(path).lexically_normal().string());
  EXPECT_EQ(sink.docs[0].source, path);
  EXPECT_EQ(sink.docs[0].base_offset, 0u);
  EXPECT_EQ(sink.bytes_, Slurp(path).size());
}

TEST(LoadReaderTest, MarkdownAndHtmlKeepTheirBytesForCoreToMask) {
  RecordingSink md = ReadFixture(LoadFixture("corpus/water-accord.md"));
  ASSERT_EQ(md.docs.size(), 1u);
  EXPECT_THAT(md.docs[0].text, HasSubstr("Titicaca Water Accord"));

  std::string html = LoadFixture("corpus/grant.html");
  RecordingSink h = ReadFixture(html);
  EXPECT_TRUE(h.issues.empty()) << h.IssueText();
  ASSERT_EQ(h.docs.size(), 1u);
  // Offsets into the page stay offsets into the file: nothing is removed here.
  EXPECT_EQ(h.docs[0].text, Slurp(html));
}

TEST(LoadReaderTest, WikiExtractorFileGivesOneDocumentPerDocElement) {
  RecordingSink sink = ReadFixture(LoadFixture("wiki/wiki_00"));
  ASSERT_EQ(sink.docs.size(), 2u) << sink.IssueText();
  EXPECT_EQ(sink.docs[0].id, "https://example.org/wiki?curid=101");
  EXPECT_EQ(sink.docs[0].title, "Lake Kivu");
  EXPECT_EQ(sink.docs[0].text,
            "Lake Kivu\n\nLake Kivu is one of the African Great Lakes. It lies on the border "
            "between the Democratic Republic of the Congo and Rwanda.\n");
  EXPECT_EQ(sink.docs[1].title, "Rift & Valley");  // attribute entities decoded
  EXPECT_THAT(sink.docs[1].text, HasSubstr("Lake Tanganyika lies in the rift."));
  EXPECT_THAT(sink.docs[0].source, HasSubstr("wiki_00:1"));
  EXPECT_THAT(sink.docs[1].source, HasSubstr("wiki_00:6"));
  // The empty third article is a warning, not a failure.
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].severity, LoadIssue::Severity::kWarning);
  EXPECT_EQ(sink.issues[0].line, 11u);
  EXPECT_THAT(sink.issues[0].message, HasSubstr("empty document 'Empty Page'"));
}

TEST(LoadReaderTest, WikiWithStrayTextAndAMissingClosingTag) {
  RecordingSink sink = ReadFixture(LoadFixture("bad/unterminated.wiki"), InputFormat::kWiki);
  ASSERT_EQ(sink.docs.size(), 2u) << sink.IssueText();
  EXPECT_EQ(sink.docs[1].title, "Cut Off");
  EXPECT_THAT(sink.docs[1].text, HasSubstr("Indian Ocean."));
  std::vector<LoadIssue> errors = sink.Errors();
  ASSERT_EQ(errors.size(), 2u) << sink.IssueText();
  EXPECT_EQ(errors[0].line, 6u);
  EXPECT_THAT(errors[0].message, HasSubstr("outside any <doc>"));
  EXPECT_EQ(errors[1].line, 7u);
  EXPECT_THAT(errors[1].message, HasSubstr("no closing </doc>"));
}

TEST(LoadReaderTest, JsonLinesOfDocuments) {
  RecordingSink sink = ReadFixture(LoadFixture("corpus/news.jsonl"));
  EXPECT_TRUE(sink.issues.empty()) << sink.IssueText();
  ASSERT_EQ(sink.docs.size(), 3u);
  EXPECT_EQ(sink.docs[0].id, "news-1");
  EXPECT_EQ(sink.docs[0].title, "Bridge Opens");
  EXPECT_EQ(sink.docs[0].date, "2021-05-02");
  EXPECT_EQ(sink.docs[0].source, "https://example.org/news/1");
  EXPECT_THAT(sink.docs[1].text, HasSubstr("drought.\nThe aid"));
  EXPECT_THAT(sink.docs[1].source, HasSubstr("news.jsonl:2"));
  EXPECT_EQ(sink.docs[2].text, "Café owners in Montréal met the mayor — twice.");
}

TEST(LoadReaderTest, MalformedJsonLinesAreReportedByLine) {
  RecordingSink sink = ReadFixture(LoadFixture("bad/docs.jsonl"));
  ASSERT_EQ(sink.docs.size(), 2u);
  EXPECT_EQ(sink.docs[0].id, "ok-1");
  EXPECT_EQ(sink.docs[1].id, "ok-2");
  std::vector<LoadIssue> errors = sink.Errors();
  ASSERT_EQ(errors.size(), 3u) << sink.IssueText();
  EXPECT_EQ(errors[0].line, 2u);
  EXPECT_THAT(errors[0].message, HasSubstr("missing string field \"text\""));
  EXPECT_EQ(errors[1].line, 3u);
  EXPECT_THAT(errors[1].message, HasSubstr("malformed JSON at column"));
  EXPECT_EQ(errors[2].line, 5u);
  EXPECT_THAT(errors[2].ToString(), HasSubstr("docs.jsonl:5: expected a JSON object"));
}

TEST(LoadReaderTest, StopsAtTheFirstErrorWhenTheSinkSaysSo) {
  RecordingSink sink;
  sink.stop_on_issue = true;
  std::string path = LoadFixture("bad/docs.jsonl");
  ReadInputFile(InputFile{path, 0}, ReadOptions{}, &sink);
  EXPECT_EQ(sink.docs.size(), 1u);
  EXPECT_EQ(sink.issues.size(), 1u);
}

TEST(LoadReaderTest, TsvTriplesWithCrlfAndBadRows) {
  RecordingSink sink = ReadFixture(LoadFixture("triples/fb.tsv"));
  ASSERT_EQ(sink.triples.size(), 3u) << sink.IssueText();
  EXPECT_EQ(sink.triples[0].subject, "/m/01");
  EXPECT_EQ(sink.triples[0].predicate, "/people/person/nationality");
  EXPECT_EQ(sink.triples[0].object, "/m/02");  // no trailing \r
  EXPECT_EQ(sink.triples[0].line, 1u);
  EXPECT_EQ(sink.triples[2].line, 5u);
  std::vector<LoadIssue> errors = sink.Errors();
  ASSERT_EQ(errors.size(), 2u) << sink.IssueText();
  EXPECT_EQ(errors[0].line, 4u);
  EXPECT_THAT(errors[0].message, HasSubstr("expected 3 tab-separated fields"));
  EXPECT_THAT(errors[0].message, HasSubstr("found 2"));
  EXPECT_EQ(errors[1].line, 6u);
  EXPECT_THAT(errors[1].message, HasSubstr("empty relation field"));
}

TEST(LoadReaderTest, NTriplesWithBadLines) {
  RecordingSink sink = ReadFixture(LoadFixture("triples/sample.nt"));
  ASSERT_EQ(sink.triples.size(), 4u) << sink.IssueText();
  EXPECT_EQ(sink.triples[0].line, 2u);
  EXPECT_EQ(sink.triples[1].object, "Lake \"Kivu\"\tLacé 🌊");
  EXPECT_EQ(sink.triples[1].language, "en-gb");
  EXPECT_EQ(sink.triples[2].subject, "_:b1");
  EXPECT_EQ(sink.triples[2].datatype, "http://www.w3.org/2001/XMLSchema#integer");
  EXPECT_EQ(sink.triples[3].subject, "http://example.org/aBc");
  std::vector<LoadIssue> errors = sink.Errors();
  ASSERT_EQ(errors.size(), 2u) << sink.IssueText();
  EXPECT_EQ(errors[0].line, 5u);
  EXPECT_THAT(errors[0].message, HasSubstr("malformed N-Triples: column"));
  EXPECT_THAT(errors[0].message, HasSubstr("expected '.'"));
  EXPECT_EQ(errors[1].line, 7u);
  EXPECT_THAT(errors[1].message, HasSubstr("expected a predicate IRI"));
}

TEST(LoadReaderTest, JsonLinesOfTriples) {
  RecordingSink sink = ReadFixture(LoadFixture("triples/sample.jsonl"));
  ASSERT_EQ(sink.triples.size(), 2u) << sink.IssueText();
  EXPECT_EQ(sink.triples[0].subject, "Lake Kivu");
  EXPECT_EQ(sink.triples[1].object, "480");  // numbers as written
  std::vector<LoadIssue> errors = sink.Errors();
  ASSERT_EQ(errors.size(), 2u) << sink.IssueText();
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_THAT(errors[0].message, HasSubstr("\"object\""));
  EXPECT_EQ(errors[1].line, 4u);
  EXPECT_THAT(errors[1].message, HasSubstr("malformed JSON"));
}

TEST(LoadReaderTest, InvalidUtf8IsRepairedAndReportedWithItsOffset) {
  std::string path = LoadFixture("bad/bad-utf8.txt");
  RecordingSink sink = ReadFixture(path);
  ASSERT_EQ(sink.docs.size(), 1u);
  const std::string& text = sink.docs[0].text;
  EXPECT_EQ(text.size(), Slurp(path).size());
  EXPECT_EQ(text[29], kSubstituteByte);
  EXPECT_EQ(text[50], kSubstituteByte);
  EXPECT_EQ(text[51], kSubstituteByte);
  EXPECT_EQ(text.substr(31, 7), "visited");
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].severity, LoadIssue::Severity::kError);
  EXPECT_EQ(sink.issues[0].offset, 29);
  EXPECT_THAT(sink.issues[0].ToString(),
              HasSubstr("bad-utf8.txt: byte 29: invalid UTF-8 (3 bytes"));
}

TEST(LoadReaderTest, InvalidUtf8InALineFormatNamesLineAndByte) {
  std::string dir = MakeTempDir("utf8");
  std::string path = dir + "/t.tsv";
  std::ofstream(path, std::ios::binary) << "a\tb\tc\nd\te\xff\tf\n";
  RecordingSink sink = ReadFixture(path);
  ASSERT_EQ(sink.triples.size(), 2u);
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].line, 2u);
  EXPECT_THAT(sink.issues[0].message, HasSubstr("invalid UTF-8 at byte 9"));
}

// Plain TSV lines take a shortcut (three fields, nothing to strip); every
// other line the general path. Both must give what the rules say: fields
// stripped of ASCII whitespace, control bytes kept, a NUL or a bad byte
// anywhere in a line of any length found, the field count checked.
TEST(LoadReaderTest, TsvLinesOfEveryShapeAndLength) {
  std::string dir = MakeTempDir("tsv-shapes");
  std::string path = dir + "/t.tsv";
  std::string text;
  std::vector<std::vector<std::string>> want;  // subject, predicate, object
  std::vector<uint64_t> want_lines, nul_lines, utf8_lines, count_lines, empty_lines;
  uint64_t line = 0;
  auto add = [&](const std::string& l) {
    text += l + "\n";
    return ++line;
  };
  auto triple = [&](const std::string& l, std::vector<std::string> fields) {
    want.push_back(std::move(fields));
    want_lines.push_back(add(l));
  };
  // Past the first 8 KiB, where a NUL would make the file binary.
  while (text.size() < 9000) {
    std::string s = "/m/f" + std::to_string(line);
    triple(s + "\t/r/f\t/m/x", {s, "/r/f", "/m/x"});
  }
  for (size_t len = 1; len <= 40; ++len) {
    std::string s(len, 's'), o = "/m/" + std::string(len % 7, 'o');
    triple(s + "\t/r/p\t" + o, {s, "/r/p", o});
    // The same with a NUL (line skipped), then a bad byte (replaced by
    // U+001A, the line kept), at every third position but the tabs.
    for (size_t at = 0; at < s.size() + 2 + o.size(); at += 3) {
      if (at == s.size() || at == s.size() + 2) continue;
      std::string bad = s + "\tp\t" + o;
      bad[at] = '\0';
      nul_lines.push_back(add(bad));
      bad[at] = '\xff';
      std::string fixed = s + "\tp\t" + o;
      fixed[at] = '\x1a';
      size_t t1 = fixed.find('\t'), t2 = fixed.find('\t', t1 + 1);
      triple(bad, {fixed.substr(0, t1), fixed.substr(t1 + 1, t2 - t1 - 1), fixed.substr(t2 + 1)});
      utf8_lines.push_back(line);
    }
  }
  triple("  a \t b\tc \r", {"a", "b", "c"});
  triple(" a b \tp\tc\r", {"a b", "p", "c"});
  triple("\x01x\tp\ty\x02", {"\x01x", "p", "y\x02"});
  triple("é\tp\tü", {"é", "p", "ü"});
  count_lines.push_back(add("a\tb\tc\t"));
  count_lines.push_back(add("a\tb"));
  empty_lines.push_back(add("\tb\tc"));
  empty_lines.push_back(add("a\t \tc"));
  add("   \r");  // blank: skipped without a word
  std::ofstream(path, std::ios::binary) << text;

  RecordingSink sink = ReadFixture(path, InputFormat::kTsv);
  ASSERT_EQ(sink.triples.size(), want.size()) << sink.IssueText();
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(sink.triples[i].subject, want[i][0]) << i;
    EXPECT_EQ(sink.triples[i].predicate, want[i][1]) << i;
    EXPECT_EQ(sink.triples[i].object, want[i][2]) << i;
    EXPECT_EQ(sink.triples[i].line, want_lines[i]) << i;
  }
  std::vector<uint64_t> nul, utf8, count, empty;
  for (const LoadIssue& issue : sink.issues) {
    if (absl::StrContains(issue.message, "NUL byte")) nul.push_back(issue.line);
    if (absl::StrContains(issue.message, "invalid UTF-8")) utf8.push_back(issue.line);
    if (absl::StrContains(issue.message, "tab-separated")) count.push_back(issue.line);
    if (absl::StrContains(issue.message, "empty")) empty.push_back(issue.line);
  }
  EXPECT_EQ(nul, nul_lines);
  EXPECT_EQ(utf8, utf8_lines);
  EXPECT_EQ(count, count_lines);
  EXPECT_EQ(empty, empty_lines);
  EXPECT_EQ(sink.issues.size(), nul.size() + utf8.size() + count.size() + empty.size())
      << sink.IssueText();
}

TEST(LoadReaderTest, BinaryFilesAreSkippedWithTheReason) {
  RecordingSink nul = ReadFixture(LoadFixture("bad/archive.txt"));
  EXPECT_TRUE(nul.docs.empty());
  ASSERT_EQ(nul.issues.size(), 1u);
  EXPECT_EQ(nul.issues[0].severity, LoadIssue::Severity::kError);
  EXPECT_THAT(nul.issues[0].message, HasSubstr("binary file (NUL byte at offset 5)"));
  EXPECT_THAT(nul.issues[0].message, HasSubstr("skipped"));

  RecordingSink ctl = ReadFixture(LoadFixture("bad/controls.txt"));
  EXPECT_TRUE(ctl.docs.empty());
  ASSERT_EQ(ctl.issues.size(), 1u);
  EXPECT_THAT(ctl.issues[0].message, HasSubstr("control bytes"));
}

TEST(LoadReaderTest, OversizeDocumentIsSplitAtSentenceEnds) {
  std::string path = LoadFixture("bad/long.txt");
  std::string whole = Slurp(path);
  RecordingSink sink = ReadFixture(path, InputFormat::kAuto, 256);
  ASSERT_GT(sink.docs.size(), 2u);
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].severity, LoadIssue::Severity::kWarning);
  EXPECT_THAT(sink.issues[0].message, HasSubstr("split into"));
  std::string joined;
  for (size_t i = 0; i < sink.docs.size(); ++i) {
    const SourceDocument& d = sink.docs[i];
    EXPECT_LE(d.text.size(), 256u);
    EXPECT_EQ(d.base_offset, joined.size());
    EXPECT_EQ(d.part, static_cast<int>(i));
    EXPECT_EQ(d.parts, static_cast<int>(sink.docs.size()));
    EXPECT_THAT(d.id, ::testing::EndsWith("#part-" + std::to_string(i + 1)));
    if (i > 0) {
      EXPECT_EQ(d.text.substr(0, 4), "The ") << d.text;
    }
    joined += d.text;
  }
  EXPECT_EQ(joined, whole);
}

TEST(LoadReaderTest, UnreadableFileIsReported) {
  RecordingSink missing = ReadFixture(LoadFixture("bad/no-such-file.txt"));
  ASSERT_EQ(missing.issues.size(), 1u);
  EXPECT_THAT(missing.issues[0].message, HasSubstr("cannot open: No such file"));

  if (geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  std::string dir = MakeTempDir("unreadable");
  std::string path = dir + "/secret.txt";
  std::ofstream(path) << "The minister met the envoy.\n";
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  RecordingSink sink = ReadFixture(path);
  EXPECT_TRUE(sink.docs.empty());
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_THAT(sink.issues[0].ToString(), HasSubstr("secret.txt: cannot open: Permission denied"));
}

TEST(LoadReaderTest, ForcedFormatWins) {
  RecordingSink sink = ReadFixture(LoadFixture("triples/fb.tsv"), InputFormat::kText);
  EXPECT_TRUE(sink.triples.empty());
  EXPECT_EQ(sink.docs.size(), 1u);
}

TEST(LoadReaderTest, LongLineFilesStreamAcrossBlocks) {
  std::string dir = MakeTempDir("big");
  std::string path = dir + "/big.tsv";
  const int kRows = 60000;  // ~1.7 MB: more than one read block
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < kRows; ++i) out << "/m/s" << i << "\t/rel/x\t/m/o" << i << "\r\n";
  }
  RecordingSink sink = ReadFixture(path);
  EXPECT_TRUE(sink.issues.empty()) << sink.IssueText();
  ASSERT_EQ(sink.triples.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(sink.triples[kRows - 1].line, static_cast<uint64_t>(kRows));
  EXPECT_EQ(sink.triples[kRows - 1].object, "/m/o" + std::to_string(kRows - 1));
  EXPECT_EQ(sink.bytes_, std::filesystem::file_size(path));
}

}  // namespace
}  // namespace kg::tools
