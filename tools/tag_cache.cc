#include "tools/tag_cache.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace kg::tools {

absl::Status WriteTagCache(const std::string& path,
                           const std::vector<kg::core::ConlluSentence>& sentences) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& s : sentences) {
    std::string upos, xpos;
    for (const auto& t : s.tokens) {
      absl::StrAppend(&upos, upos.empty() ? "" : " ", t.upos);
      absl::StrAppend(&xpos, xpos.empty() ? "" : " ", t.xpos);
    }
    out << s.sent_id << '\t' << upos << '\t' << xpos << '\n';
  }
  if (!out) return absl::InternalError(path + ": cannot write the tag cache");
  return absl::OkStatus();
}

absl::Status ReadTagCache(const std::string& path,
                          std::vector<kg::core::ConlluSentence>& sentences) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open");
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (n >= sentences.size() || cols.size() != 3 || cols[0] != sentences[n].sent_id) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s line %d: does not match sentence %d of the treebank", path, n + 1, n + 1));
    }
    std::vector<std::string> upos = absl::StrSplit(cols[1], ' ');
    std::vector<std::string> xpos = absl::StrSplit(cols[2], ' ');
    auto& tokens = sentences[n].tokens;
    if (upos.size() != tokens.size() || xpos.size() != tokens.size()) {
      return absl::InvalidArgumentError(absl::StrFormat("%s line %d: %d tags for %d words", path,
                                                        n + 1, upos.size(), tokens.size()));
    }
    for (size_t i = 0; i < tokens.size(); ++i) {
      tokens[i].upos = upos[i];
      tokens[i].xpos = xpos[i];
    }
    ++n;
  }
  if (n != sentences.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d sentences, the treebank has %d", path, n, sentences.size()));
  }
  return absl::OkStatus();
}

}  // namespace kg::tools
