// Printable(): what kg writes to a terminal never carries control bytes
// from user input, documents or imported triples.

#include "cli/terminal.h"

#include <string>

#include "gtest/gtest.h"

namespace kg::cli {
namespace {

TEST(PrintableTest, EscapesTerminalControlsAndKeepsText) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"plain text", "plain text"},
      {"two\nlines\tand a tab", "two\nlines\tand a tab"},
      {"red \x1b[31mX", "red \\x1b[31mX"},
      {std::string("nul\0byte", 8), "nul\\x00byte"},
      {"bell\a cr\r del\x7f", "bell\\x07 cr\\x0d del\\x7f"},
      {"c1 csi \xc2\x9b" "31m", "c1 csi \\xc2\\x9b31m"},
      // Non-control UTF-8, including the rest of the C2 lead byte's range.
      {"M\xc3\xa9rida \xc2\xa0nbsp \xc2\xa9", "M\xc3\xa9rida \xc2\xa0nbsp \xc2\xa9"},
      {"lone lead byte at end \xc2", "lone lead byte at end \xc2"},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(Printable(c.in), c.out);
  }
}

}  // namespace
}  // namespace kg::cli
