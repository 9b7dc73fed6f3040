#ifndef KG_TOOLS_TAG_CACHE_H_
#define KG_TOOLS_TAG_CACHE_H_

// The jackknifed-tag cache shared by kg-train (--jackknife-cache) and
// kg-train-parser (--tag-cache): one line per treebank sentence,
// "sent_id<TAB>upos upos ...<TAB>xpos xpos ...".

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/conllu.h"

namespace kg::tools {

absl::Status WriteTagCache(const std::string& path,
                           const std::vector<kg::core::ConlluSentence>& sentences);

// Sets each token's UPOS and XPOS from the cache. The cache must hold the
// same sentences in the same order (checked by sent_id and word count);
// otherwise an error names the file and line.
absl::Status ReadTagCache(const std::string& path,
                          std::vector<kg::core::ConlluSentence>& sentences);

}  // namespace kg::tools

#endif  // KG_TOOLS_TAG_CACHE_H_
