// The interactive REPL driven through a real terminal (a tmux pane on a
// private tmux server): typing a query, history recall and search, Tab
// completion, multi-line input, Ctrl-C, Ctrl-D, colour and the pager.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/small_store_testutil.h"

namespace kg::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Sh;
using testing::ShellQuote;

bool HaveTmux() { return Sh("command -v tmux >/dev/null 2>&1").exit_code == 0; }

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// One tmux pane running a shell command on a private server.
class Pane {
 public:
  Pane(const std::string& command, int rows = 40) {
    socket_ = "kgtest_" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
    Tmux("new-session -d -s t -x 140 -y " + std::to_string(rows) + " " + ShellQuote(command));
  }
  ~Pane() { Tmux("kill-server"); }

  void Type(const std::string& text) { Tmux("send-keys -t t -l " + ShellQuote(text)); }
  void Keys(const std::string& keys) { Tmux("send-keys -t t " + keys); }

  // The pane's text (with escape sequences when `escapes`), scrollback included.
  std::string Screen(bool escapes = false) {
    return Sh("tmux -u -L " + socket_ + " capture-pane -p -J -S -500 -t t" +
              (escapes ? " -e" : "") + " 2>/dev/null")
        .out;
  }

  // Waits until the screen shows `needle` `times` times; false after 30 s.
  bool WaitFor(const std::string& needle, int times = 1) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Count(Screen(), needle) >= times) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  void Tmux(const std::string& args) { Sh("tmux -u -L " + socket_ + " " + args + " 2>&1"); }
  static inline int counter_ = 0;
  std::string socket_;
};

class ReplPtyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTmux()) GTEST_SKIP() << "tmux is not installed (apt-get install tmux)";
    db_ = testing::TempPath("db");
    home_ = testing::TempPath("home");
    fs::create_directories(home_);
    testing::BuildPolicyStore(db_);
  }
  void TearDown() override {
    // The REPL may still be saving its history after tmux's kill-server
    // returns (it exits on the hang-up), so the home directory can gain a
    // file while it is being removed: retry for a while rather than fail.
    for (const std::string& dir : {db_, home_}) {
      std::error_code ec;
      for (int attempt = 0; attempt < 50; ++attempt) {
        fs::remove_all(dir, ec);
        if (!ec) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      EXPECT_FALSE(ec) << "cannot remove " << dir << ": " << ec.message();
    }
  }

  // The shell command running the REPL; it reports the exit status and
  // keeps the pane open afterwards so the test can read it.
  std::string Command(const std::string& env = "NO_COLOR=1 PAGER=cat") {
    return "env HOME=" + ShellQuote(home_) + " TERM=xterm " + env + " " + testing::KgBin() +
           " --db " + ShellQuote(db_) + " repl; echo KG-EXIT=$?; sleep 60";
  }

  std::string db_;
  std::string home_;
};

TEST_F(ReplPtyTest, TypeAQueryReadTheAnswerAndExitWithCtrlD) {
  Pane pane(Command());
  ASSERT_TRUE(pane.WaitFor("kg> ")) << pane.Screen();
  EXPECT_THAT(pane.Screen(), HasSubstr("2 documents"));
  pane.Type("path \"Merida Initiative\" to \"arms trafficking\"");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("kg> ", 2)) << pane.Screen();
  std::string screen = pane.Screen();
  EXPECT_THAT(screen, HasSubstr("funds"));
  EXPECT_THAT(screen, HasSubstr("United States"));
  pane.Keys("C-d");
  ASSERT_TRUE(pane.WaitFor("KG-EXIT=0")) << pane.Screen();
}

TEST_F(ReplPtyTest, KgAloneOnATerminalIsTheRepl) {
  Pane pane("env HOME=" + ShellQuote(home_) + " TERM=xterm NO_COLOR=1 " + testing::KgBin() +
            " --db " + ShellQuote(db_) + "; echo KG-EXIT=$?; sleep 60");
  ASSERT_TRUE(pane.WaitFor("kg> ")) << pane.Screen();
  pane.Type(":quit");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("KG-EXIT=0")) << pane.Screen();
}

TEST_F(ReplPtyTest, HistoryIsRecalledSearchedAndKeptAcrossSessions) {
  {
    Pane pane(Command());
    ASSERT_TRUE(pane.WaitFor("kg> "));
    pane.Type("entity \"DEA\"");
    pane.Keys("Enter");
    ASSERT_TRUE(pane.WaitFor("kg> ", 2)) << pane.Screen();
    pane.Type("entity \"Mexico\"");
    pane.Keys("Enter");
    ASSERT_TRUE(pane.WaitFor("kg> ", 3)) << pane.Screen();
    // Up twice recalls the first query; Enter runs it again.
    pane.Keys("Up Up Enter");
    ASSERT_TRUE(pane.WaitFor("kg> ", 4)) << pane.Screen();
    EXPECT_EQ(Count(pane.Screen(), "kg> entity \"DEA\""), 2) << pane.Screen();
    // Ctrl-R searches backwards for "Mex".
    pane.Keys("C-r");
    pane.Type("Mex");
    pane.Keys("Enter");
    ASSERT_TRUE(pane.WaitFor("kg> ", 5)) << pane.Screen();
    pane.Keys("Enter");  // some libedit versions need a second Enter after a search
    ASSERT_TRUE(pane.WaitFor("kg> entity \"Mexico\"", 2)) << pane.Screen();
    pane.Keys("C-d");
    ASSERT_TRUE(pane.WaitFor("KG-EXIT=0")) << pane.Screen();
  }
  ASSERT_TRUE(fs::exists(home_ + "/.kg_history"));
  Pane again(Command());
  ASSERT_TRUE(again.WaitFor("kg> "));
  again.Keys("Up");
  ASSERT_TRUE(again.WaitFor("kg> entity \"")) << again.Screen();
}

TEST_F(ReplPtyTest, TabCompletesNamesAliasesAndKeywords) {
  Pane pane(Command());
  ASSERT_TRUE(pane.WaitFor("kg> "));
  pane.Type("enti");
  pane.Keys("Tab");
  pane.Type("\"andres m");
  pane.Keys("Tab");
  ASSERT_TRUE(pane.WaitFor("kg> entity \"Andrés Manuel López Obrador\"")) << pane.Screen();
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("kg> ", 2)) << pane.Screen();
  EXPECT_THAT(pane.Screen(), HasSubstr("AMLO"));  // the entity's alias in the answer
  // An alias completes too, and a predicate after `predicate`.
  pane.Type("neighbors \"am");
  pane.Keys("Tab");
  pane.Type(" predicate lea");
  pane.Keys("Tab");
  ASSERT_TRUE(pane.WaitFor("neighbors \"AMLO\" predicate leads")) << pane.Screen();
}

TEST_F(ReplPtyTest, MultiLineQueriesAndCtrlC) {
  Pane pane(Command());
  ASSERT_TRUE(pane.WaitFor("kg> "));
  pane.Type("path \"Merida");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("..> ")) << pane.Screen();
  pane.Type("Initiative\" to \\");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("..> ", 2)) << pane.Screen();
  pane.Type("\"Mexico\"");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("kg> ", 2)) << pane.Screen();
  EXPECT_THAT(pane.Screen(), HasSubstr("funds"));
  // Ctrl-C abandons the line being typed: nothing runs, a fresh prompt.
  pane.Type("entity \"Joe Biden\"");
  // The terminal discards unread input on an interrupt: wait for the echo,
  // or the line may vanish before the REPL ever reads it.
  ASSERT_TRUE(pane.WaitFor("kg> entity \"Joe Biden\"")) << pane.Screen();
  pane.Keys("C-c");
  ASSERT_TRUE(pane.WaitFor("^C")) << pane.Screen();
  ASSERT_TRUE(pane.WaitFor("kg> ", 3)) << pane.Screen();
  pane.Type(":format json");
  pane.Keys("Enter");
  pane.Type("entity \"DEA\"");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("\"name\"")) << pane.Screen();
  EXPECT_EQ(Count(pane.Screen(), "Joe Biden"), 1);  // typed, never answered
  // The multi-line query is one history entry.
  pane.Keys("C-d");
  ASSERT_TRUE(pane.WaitFor("KG-EXIT=0")) << pane.Screen();
  std::ifstream history(home_ + "/.kg_history");
  std::stringstream h;
  h << history.rdbuf();
  // libedit's history file writes spaces as \040.
  EXPECT_THAT(h.str(), HasSubstr("path\\040\"Merida\\040Initiative\"\\040to\\040\"Mexico\""));
}

TEST_F(ReplPtyTest, ColourOnlyWithoutNoColor) {
  {
    Pane pane(Command("PAGER=cat"));
    ASSERT_TRUE(pane.WaitFor("kg> "));
    pane.Type("entity \"Atlantis\"");
    pane.Keys("Enter");
    ASSERT_TRUE(pane.WaitFor("error:")) << pane.Screen();
    EXPECT_THAT(pane.Screen(/*escapes=*/true), HasSubstr("\x1b[31merror:"));
  }
  Pane plain(Command("NO_COLOR=1 PAGER=cat"));
  ASSERT_TRUE(plain.WaitFor("kg> "));
  plain.Type("entity \"Atlantis\"");
  plain.Keys("Enter");
  ASSERT_TRUE(plain.WaitFor("error:")) << plain.Screen();
  EXPECT_THAT(plain.Screen(/*escapes=*/true), Not(HasSubstr("\x1b[31m")));
}

TEST_F(ReplPtyTest, LongAnswersGoThroughThePager) {
  std::string paged = home_ + "/paged.txt";
  Pane pane(Command("NO_COLOR=1 PAGER=" + ShellQuote("cat > " + paged)), /*rows=*/12);
  ASSERT_TRUE(pane.WaitFor("kg> "));
  pane.Type(":help");
  pane.Keys("Enter");
  ASSERT_TRUE(pane.WaitFor("kg> ", 2)) << pane.Screen();
  std::ifstream f(paged);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr(":dot FILE [svg|png|pdf]"));
  EXPECT_THAT(pane.Screen(), Not(HasSubstr(":dot FILE")));  // it went to the pager only
}

}  // namespace
}  // namespace kg::cli
