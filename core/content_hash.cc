#include "core/content_hash.h"

#include <openssl/evp.h>

namespace kg::core {

std::string ContentHash(std::string_view bytes) {
  // SHA-256 from OpenSSL: a real, well-kept implementation (with SHA
  // extensions where the CPU has them), stable across versions and machines.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace kg::core
