#ifndef KG_QUERY_PROJECTION_H_
#define KG_QUERY_PROJECTION_H_

// kg::query::Projection: the store's facts as an in-memory Boost.Graph
// compressed_sparse_row_graph (bidirectionalS), the structure every query
// algorithm walks.
//
//  - Vertices are entities that take part in at least one fact, numbered in
//    increasing entity-id order (so id -> vertex is a binary search and needs
//    no hash table). Per vertex: entity id and EntityType.
//  - Edges are facts, stored once in subject -> object direction; the in-edge
//    index of the bidirectional CSR gives the reverse direction, so
//    connection questions walk edges undirected without a second copy.
//  - Per edge: predicate (index into a predicate table), FactFlag bits,
//    confidence (16-bit fixed point) and support (saturating at 65535), packed
//    in 8 bytes. With the CSR's own arrays that is 20 bytes per edge plus
//    ~17 bytes per vertex.
// Immutable once built; safe to read from several threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "boost/graph/compressed_sparse_row_graph.hpp"
#include "proto/kg.pb.h"
#include "storage/store.h"

namespace kg::query {

// Edge bundle: 8 bytes.
struct EdgeProps {
  uint32_t predicate_flags = 0;  // bits 0-23 predicate index, 24-31 FactFlag bits 0-7
  uint16_t confidence_q = 0;     // confidence * 65535
  uint16_t support = 0;          // evidence count, saturating

  uint32_t predicate() const { return predicate_flags & 0xFFFFFFu; }
  uint32_t flags() const { return predicate_flags >> 24; }
  float confidence() const { return confidence_q / 65535.0f; }
  bool co_mention() const { return (flags() & CO_MENTION) != 0; }
};
static_assert(sizeof(EdgeProps) == 8);

// How many sources assert a fact: its evidence sentences (the store's
// support counts only those) plus one when it was imported as a structured
// triple, which is an assertion without a sentence. An imported fact alone
// is 1, not 0; one also stated by two sentences is 3.
inline uint32_t SourceCount(uint32_t support, uint32_t flags) {
  return support + ((flags & IMPORTED) != 0 ? 1 : 0);
}

// Packs a fact's numbers: confidence to 16-bit fixed point, support
// saturating at 65535, the low 8 flag bits.
EdgeProps MakeEdgeProps(uint32_t predicate_index, float confidence, uint32_t flags,
                        uint32_t support);

using Vertex = uint32_t;
using EdgeIndex = uint32_t;
using CsrGraph =
    boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, EdgeProps,
                                       boost::no_property, Vertex, EdgeIndex>;

class Projection {
 public:
  // Collects facts, then Finish() builds the CSR. Facts may come in any order.
  class Builder {
   public:
    Builder();
    // Capacity hints: avoids regrowing the buffers during a large build.
    void Reserve(size_t edges, size_t vertices);
    // Uses subject, object, predicate, confidence, flags and support.
    void AddFact(const Fact& fact);
    // Same, without a Fact message (benchmarks, bulk paths).
    void AddEdge(uint64_t subject, uint64_t object, std::string_view predicate, float confidence,
                 uint32_t flags, uint32_t support, uint64_t predicate_id = 0);
    // Bulk path (Build from a store): facts whose predicate is known by its
    // dictionary id only. Every id added must be named with NamePredicate
    // before Finish; do not mix with AddEdge/AddFact in one build.
    void AddRecords(std::span<const storage::FactRecord> records);
    // Names a predicate id of AddRecords; ids never added are ignored.
    void NamePredicate(uint64_t predicate_id, std::string_view name);
    // Type of an entity; entities never mentioned in a fact are ignored.
    void SetType(uint64_t entity_id, EntityType type);
    // InvalidArgumentError when the graph exceeds 2^32 - 2 vertices or edges,
    // or 2^24 predicates; DataLossError when a predicate id was never named.
    absl::StatusOr<std::unique_ptr<Projection>> Finish(uint64_t store_version = 0);

   private:
    uint32_t VertexFor(uint64_t id);
    uint32_t SubjectVertex(uint64_t id);
    uint32_t PredicateForId(uint64_t predicate_id);
    // Entity id -> provisional vertex: open addressing with linear probing,
    // so that AddRecords can prefetch the slots a batch will probe (in a
    // graph of millions of entities nearly every lookup misses the cache).
    struct VertexSlot {
      uint64_t id = 0;
      uint32_t vertex = UINT32_MAX;  // UINT32_MAX: empty
    };
    size_t SlotOf(uint64_t id) const {
      uint64_t h = id * 0x9E3779B97F4A7C15ull;
      return static_cast<size_t>(h ^ (h >> 32)) & slot_mask_;
    }
    void GrowSlots(size_t vertices);
    std::vector<VertexSlot> slots_;
    size_t slot_mask_ = 0;
    std::vector<uint64_t> ids_;  // provisional vertex -> entity id
    absl::flat_hash_map<std::string, uint32_t> predicate_of_;
    std::vector<std::string> predicates_;
    std::vector<uint64_t> predicate_ids_;
    std::vector<bool> predicate_named_;
    absl::flat_hash_map<uint64_t, uint32_t> predicate_of_id_;  // AddRecords
    size_t unnamed_predicates_ = 0;
    std::vector<std::pair<uint32_t, uint32_t>> edges_;
    std::vector<EdgeProps> props_;
    std::vector<std::pair<uint64_t, EntityType>> types_;
    uint64_t last_subject_ = 0;
    uint32_t last_vertex_ = UINT32_MAX;
    std::string last_predicate_;
    uint32_t last_predicate_index_ = UINT32_MAX;
    uint64_t last_predicate_id_ = 0;
    uint32_t last_id_predicate_index_ = UINT32_MAX;
    bool too_many_predicates_ = false;
    // True while subjects arrive in ascending id order (a store's SPO scan):
    // then the edges are already grouped by source and the forward CSR is
    // laid out without sorting.
    bool sorted_by_subject_ = true;
  };

  // Wall-clock seconds of the phases of Build, and the CPU time of the
  // process (every thread) during the whole build.
  struct BuildProfile {
    double facts_seconds = 0;  // scanning facts into the builder
    double types_seconds = 0;  // entity types (parallel path: and the vertex table)
    double csr_seconds = 0;    // renumbering and the CSR arrays
    double cpu_seconds = 0;
    // CPU time of the process (every thread) per phase, where measured.
    double facts_cpu = 0, types_cpu = 0, csr_cpu = 0;
    // Parallel path: the CPU time on the longest chain of work (each
    // parallel phase counted by its busiest thread), i.e. the wall time the
    // build needs on an idle machine with a core per thread. On a shared
    // machine wall time also counts waiting for a core.
    double critical_path_cpu = 0;
    int threads = 1;  // threads that read the store
  };

  struct BuildOptions {
    // Threads reading the store (Store::ScanGraph parts); 0: up to 2, by the
    // machine's cores and the store's size.
    int threads = 0;
    // False: the single-threaded Builder path (the algorithm before
    // Store::ScanGraph), for comparisons in benchmarks and tests.
    bool parallel_scan = true;
  };

  // From a store with Store::ScanGraph: the entities (ids in order, types)
  // on `threads` threads, which numbers every vertex up front, then the
  // facts on as many threads straight into the CSR arrays
  // (query/projection_scan.cc). Otherwise, or when the two passes disagree
  // (a fact naming an entity the entity pass did not see), one pass over
  // Store::ForEachFactBatch (or ForEachFact) through a Builder, then one over
  // ForEachEntity for types. The result is the same graph either way.
  static absl::StatusOr<std::unique_ptr<Projection>> Build(storage::Store& store,
                                                           const BuildOptions& options);
  static absl::StatusOr<std::unique_ptr<Projection>> Build(storage::Store& store) {
    return Build(store, BuildOptions());
  }
  const BuildProfile& build_profile() const { return build_profile_; }

  uint32_t num_vertices() const { return static_cast<uint32_t>(ids_.size()); }
  uint32_t num_edges() const { return static_cast<uint32_t>(graph_.m_forward.m_column.size()); }
  uint64_t store_version() const { return store_version_; }

  std::optional<Vertex> VertexOf(uint64_t entity_id) const;
  uint64_t EntityId(Vertex v) const { return ids_[v]; }
  EntityType Type(Vertex v) const { return static_cast<EntityType>(types_[v]); }

  const std::vector<std::string>& predicates() const { return predicates_; }
  std::optional<uint32_t> PredicateIndex(std::string_view name) const;
  const std::string& PredicateName(uint32_t index) const { return predicates_[index]; }
  // The store's dictionary id of a predicate (Fact.predicate_id), 0 if unknown.
  uint64_t PredicateId(uint32_t index) const { return predicate_ids_[index]; }

  const CsrGraph& graph() const { return graph_; }

  // Raw CSR arrays for the hot loops: out-edges of v are forward indices
  // [OutBegin(v), OutEnd(v)) with targets OutTarget(i); in-edges are slots
  // [InBegin(v), InEnd(v)) with sources InSource(j) and forward index InEdge(j).
  EdgeIndex OutBegin(Vertex v) const { return out_start_[v]; }
  EdgeIndex OutEnd(Vertex v) const { return out_start_[v + 1]; }
  Vertex OutTarget(EdgeIndex i) const { return out_target_[i]; }
  EdgeIndex InBegin(Vertex v) const { return in_start_[v]; }
  EdgeIndex InEnd(Vertex v) const { return in_start_[v + 1]; }
  Vertex InSource(EdgeIndex j) const { return in_source_[j]; }
  EdgeIndex InEdge(EdgeIndex j) const { return in_edge_[j]; }
  const EdgeProps& Props(EdgeIndex e) const { return edge_props_[e]; }
  // Subject vertex of a forward edge (binary search over the row starts).
  Vertex EdgeSource(EdgeIndex e) const;
  // True when every edge has the same weight-relevant properties
  // (confidence, support, CO_MENTION): then any fewest-hop path is also a
  // lightest one, which lets searches stop at the first meeting.
  bool uniform_weights() const { return uniform_weights_; }
  // Undirected degree (out + in).
  uint32_t Degree(Vertex v) const { return OutEnd(v) - OutBegin(v) + InEnd(v) - InBegin(v); }

  // Bytes held by the graph, vertex tables and predicate table.
  size_t MemoryBytes() const;

 private:
  Projection() = default;
  // The ScanGraph path (projection_scan.cc); nullptr when the store's passes
  // disagree and the Builder path must decide. Unimplemented when the store
  // has no ScanGraph.
  static absl::StatusOr<std::unique_ptr<Projection>> BuildFromScan(storage::Store& store,
                                                                   int threads,
                                                                   uint64_t store_version);
  // The Builder path (projection.cc).
  static absl::StatusOr<std::unique_ptr<Projection>> BuildWithBuilder(storage::Store& store,
                                                                      uint64_t store_version);
  // Shared tail of both paths: cached array pointers, uniform weights.
  void Seal();

  CsrGraph graph_;
  std::vector<uint64_t> ids_;   // vertex -> entity id, ascending
  std::vector<uint8_t> types_;  // vertex -> EntityType
  std::vector<std::string> predicates_;
  std::vector<uint64_t> predicate_ids_;
  absl::flat_hash_map<std::string, uint32_t> predicate_of_;
  uint64_t store_version_ = 0;
  bool uniform_weights_ = true;
  BuildProfile build_profile_;
  // Cached pointers into graph_'s vectors.
  const EdgeIndex* out_start_ = nullptr;
  const Vertex* out_target_ = nullptr;
  const EdgeIndex* in_start_ = nullptr;
  const Vertex* in_source_ = nullptr;
  const EdgeIndex* in_edge_ = nullptr;
  const EdgeProps* edge_props_ = nullptr;
};

}  // namespace kg::query

#endif  // KG_QUERY_PROJECTION_H_
