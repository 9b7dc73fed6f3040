#include "storage/keys.h"

#include <random>
#include <string>

#include "gtest/gtest.h"
#include "proto/term_key.h"

namespace kg::storage {
namespace {

// The fast path must never claim identity where TermKey changes the name.
void ExpectAgrees(const std::string& name) {
  if (TermKeyIsIdentity(name)) {
    EXPECT_EQ(TermKey(name), name) << "'" << name << "'";
  }
}

TEST(KeysTest, TermKeyIsIdentityAgreesWithTermKey) {
  for (int c = 0; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    ExpectAgrees(one);
    ExpectAgrees("a" + one + "b");
    ExpectAgrees(one + "x");
  }
  std::mt19937 rng(7);
  const std::string alphabet = " azAZ09/._-\t\n\x7f\x01\xc3\xa9";
  int identities = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (int n = rng() % 8; n >= 0; --n) s.push_back(alphabet[rng() % alphabet.size()]);
    ExpectAgrees(s);
    identities += TermKeyIsIdentity(s);
  }
  EXPECT_GT(identities, 100);  // the random names do exercise the fast path
  EXPECT_TRUE(TermKeyIsIdentity("/m/027rn"));
  EXPECT_TRUE(TermKeyIsIdentity("merida initiative"));
  EXPECT_FALSE(TermKeyIsIdentity("Merida"));
  EXPECT_FALSE(TermKeyIsIdentity("a  b"));
  EXPECT_FALSE(TermKeyIsIdentity(" a"));
  EXPECT_FALSE(TermKeyIsIdentity(""));
  EXPECT_FALSE(TermKeyIsIdentity("mérida"));
}

}  // namespace
}  // namespace kg::storage
