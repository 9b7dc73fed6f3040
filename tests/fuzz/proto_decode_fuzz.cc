// Fuzzes the decoding of every protobuf value the store holds (Entity, Fact,
// Evidence, Document, Merge, DocumentFacts, Meta, ExtractedFact) and the
// storage layer's fold rules over decoded values (storage/merge_rules.h).
// The first byte picks the message; the rest is split in two values. Checks:
// a decoded value re-encodes to bytes that decode to the same value, and the
// fold rules are order-independent, as merge_rules.h promises.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "proto/kg.pb.h"
#include "proto/term_key.h"
#include "storage/merge_rules.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

template <typename M>
bool Decode(std::string_view bytes, M* m) {
  return m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

template <typename M>
void CheckRoundTrip(std::string_view bytes) {
  M m;
  if (!Decode(bytes, &m)) return;
  std::string once = m.SerializeAsString();
  M again;
  FUZZ_CHECK(Decode(once, &again), "a re-encoded value does not decode");
  FUZZ_CHECK(again.SerializeAsString() == once, "re-encoding is not stable");
}

std::string Canonical(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string_view all(reinterpret_cast<const char*>(data) + 2, size - 2);
  size_t cut = all.empty() ? 0 : data[1] % (all.size() + 1);
  std::string_view a = all.substr(0, cut), b = all.substr(cut);
  switch (data[0] % 9) {
    case 0: {
      CheckRoundTrip<kg::Entity>(all);
      kg::Entity x, y;
      if (!Decode(a, &x) || !Decode(b, &y)) break;
      (void)kg::TermKey(x.name());
      // Fold order must not matter.
      kg::Entity xy = kg::storage::FoldEntity({x, y}, {true, false});
      kg::Entity yx = kg::storage::FoldEntity({y, x}, {false, true});
      FUZZ_CHECK(Canonical(xy) == Canonical(yx), "FoldEntity depends on the order");
      break;
    }
    case 1: {
      CheckRoundTrip<kg::Fact>(all);
      kg::Fact x, y;
      if (!Decode(a, &x) || !Decode(b, &y)) break;
      kg::Fact xy, yx;
      kg::storage::AddToFact(&xy, x);
      kg::storage::AddToFact(&xy, y);
      kg::storage::AddToFact(&yx, y);
      kg::storage::AddToFact(&yx, x);
      FUZZ_CHECK(Canonical(xy) == Canonical(yx), "AddToFact depends on the order");
      break;
    }
    case 2:
      CheckRoundTrip<kg::Evidence>(all);
      break;
    case 3:
      CheckRoundTrip<kg::Document>(all);
      break;
    case 4:
      CheckRoundTrip<kg::Merge>(all);
      break;
    case 5:
      CheckRoundTrip<kg::DocumentFacts>(all);
      break;
    case 6:
      CheckRoundTrip<kg::Meta>(all);
      break;
    case 7:
      CheckRoundTrip<kg::ExtractedFact>(all);
      break;
    case 8: {
      kg::Entity x;
      if (!Decode(all, &x)) break;
      (void)kg::storage::PreferredName(x.name(), x.key());
      FUZZ_CHECK(!(kg::storage::PreferredName(x.name(), x.key()) &&
                   kg::storage::PreferredName(x.key(), x.name())),
                 "PreferredName is not a strict order");
      break;
    }
  }
  return 0;
}
