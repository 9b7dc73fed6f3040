#include "query/projection.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/status_macros.h"
#include "query/build_clock.h"

namespace kg::query {

namespace {

constexpr uint32_t kMaxPredicates = 1u << 24;

uint16_t QuantizeConfidence(float c) {
  if (!(c > 0.0f)) return 0;  // also NaN
  if (c >= 1.0f) return 65535;
  return static_cast<uint16_t>(std::lround(c * 65535.0f));
}

}  // namespace

EdgeProps MakeEdgeProps(uint32_t predicate_index, float confidence, uint32_t flags,
                        uint32_t support) {
  EdgeProps p;
  p.predicate_flags = (predicate_index & 0xFFFFFFu) | ((flags & 0xFFu) << 24);
  p.confidence_q = QuantizeConfidence(confidence);
  p.support = static_cast<uint16_t>(std::min<uint32_t>(support, 65535));
  return p;
}

Projection::Builder::Builder() = default;

void Projection::Builder::Reserve(size_t edges, size_t vertices) {
  edges_.reserve(edges);
  props_.reserve(edges);
  GrowSlots(vertices);
  ids_.reserve(vertices);
}

void Projection::Builder::GrowSlots(size_t vertices) {
  size_t size = 1024;
  while (size < 2 * vertices) size *= 2;
  if (size <= slots_.size()) return;
  slots_.assign(size, VertexSlot{});
  slot_mask_ = size - 1;
  for (uint32_t v = 0; v < ids_.size(); ++v) {
    size_t i = SlotOf(ids_[v]);
    while (slots_[i].vertex != UINT32_MAX) i = (i + 1) & slot_mask_;
    slots_[i] = VertexSlot{ids_[v], v};
  }
}

uint32_t Projection::Builder::VertexFor(uint64_t id) {
  if (4 * (ids_.size() + 1) > 3 * slots_.size()) GrowSlots(ids_.size() + 1);
  for (size_t i = SlotOf(id);; i = (i + 1) & slot_mask_) {
    VertexSlot& slot = slots_[i];
    if (slot.vertex == UINT32_MAX) {
      slot = VertexSlot{id, static_cast<uint32_t>(ids_.size())};
      ids_.push_back(id);
      return slot.vertex;
    }
    if (slot.id == id) return slot.vertex;
  }
}

void Projection::Builder::AddFact(const Fact& fact) {
  AddEdge(fact.subject(), fact.object(), fact.predicate(), fact.confidence(), fact.flags(),
          fact.support(), fact.predicate_id());
}

uint32_t Projection::Builder::SubjectVertex(uint64_t subject) {
  // Facts arrive grouped by subject from the SPO scan: skip the hash lookup.
  if (last_vertex_ != UINT32_MAX && subject == last_subject_) return last_vertex_;
  if (last_vertex_ != UINT32_MAX && subject < last_subject_) sorted_by_subject_ = false;
  last_subject_ = subject;
  last_vertex_ = VertexFor(subject);
  return last_vertex_;
}

void Projection::Builder::AddEdge(uint64_t subject, uint64_t object, std::string_view predicate,
                                  float confidence, uint32_t flags, uint32_t support,
                                  uint64_t predicate_id) {
  uint32_t s = SubjectVertex(subject);
  uint32_t o = VertexFor(object);
  // Consecutive facts often share a predicate: skip the hash lookup.
  if (last_predicate_index_ == UINT32_MAX || predicate != last_predicate_) {
    auto it = predicate_of_.find(absl::string_view(predicate.data(), predicate.size()));
    if (it == predicate_of_.end()) {
      it = predicate_of_.emplace(std::string(predicate), static_cast<uint32_t>(predicates_.size()))
               .first;
      predicates_.emplace_back(predicate);
      predicate_ids_.push_back(predicate_id);
      predicate_named_.push_back(true);
      if (predicates_.size() > kMaxPredicates) too_many_predicates_ = true;
    }
    last_predicate_.assign(predicate.data(), predicate.size());
    last_predicate_index_ = it->second;
  }
  edges_.emplace_back(s, o);
  props_.push_back(MakeEdgeProps(last_predicate_index_, confidence, flags, support));
}

uint32_t Projection::Builder::PredicateForId(uint64_t predicate_id) {
  auto [it, inserted] =
      predicate_of_id_.try_emplace(predicate_id, static_cast<uint32_t>(predicates_.size()));
  if (inserted) {
    predicates_.emplace_back();
    predicate_ids_.push_back(predicate_id);
    predicate_named_.push_back(false);
    ++unnamed_predicates_;
    if (predicates_.size() > kMaxPredicates) too_many_predicates_ = true;
  }
  return it->second;
}

void Projection::Builder::AddRecords(std::span<const storage::FactRecord> records) {
  // At most 2 new vertices per record: keep the load under 3/4 (Reserve sized
  // the table for a load of 1/2 from the store's entity count), so the table
  // does not move during the batch.
  if (4 * (ids_.size() + 2 * records.size()) > 3 * slots_.size())
    GrowSlots(ids_.size() + 2 * records.size());
  // Touch the slots a few records ahead, so the cache misses of consecutive
  // lookups overlap instead of being paid one after another.
  constexpr size_t kAhead = 16;
  const size_t n = records.size();
  for (size_t i = 0; i < std::min(n, kAhead); ++i)
    __builtin_prefetch(&slots_[SlotOf(records[i].object)]);
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) {
      const storage::FactRecord& ahead = records[i + kAhead];
      __builtin_prefetch(&slots_[SlotOf(ahead.object)]);
      if (ahead.subject != records[i + kAhead - 1].subject)
        __builtin_prefetch(&slots_[SlotOf(ahead.subject)]);
    }
    const storage::FactRecord& r = records[i];
    uint32_t s = SubjectVertex(r.subject);
    uint32_t o = VertexFor(r.object);
    if (last_id_predicate_index_ == UINT32_MAX || r.predicate_id != last_predicate_id_) {
      last_id_predicate_index_ = PredicateForId(r.predicate_id);
      last_predicate_id_ = r.predicate_id;
    }
    edges_.emplace_back(s, o);
    props_.push_back(MakeEdgeProps(last_id_predicate_index_, r.confidence, r.flags, r.support));
  }
}

void Projection::Builder::NamePredicate(uint64_t predicate_id, std::string_view name) {
  auto it = predicate_of_id_.find(predicate_id);
  if (it == predicate_of_id_.end() || predicate_named_[it->second]) return;
  predicates_[it->second].assign(name.data(), name.size());
  predicate_of_.emplace(std::string(name), it->second);
  predicate_named_[it->second] = true;
  --unnamed_predicates_;
}

void Projection::Builder::SetType(uint64_t entity_id, EntityType type) {
  types_.emplace_back(entity_id, type);
}

absl::StatusOr<std::unique_ptr<Projection>> Projection::Builder::Finish(uint64_t store_version) {
  if (too_many_predicates_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "projection: ", predicates_.size(), " distinct predicates, more than the 2^24 supported"));
  }
  if (ids_.size() >= UINT32_MAX - 1 || edges_.size() >= UINT32_MAX - 1) {
    return absl::InvalidArgumentError(absl::StrCat("projection: ", ids_.size(), " vertices / ",
                                                   edges_.size(),
                                                   " edges exceed the 32-bit CSR limit"));
  }
  if (unnamed_predicates_ > 0) {
    for (size_t i = 0; i < predicates_.size(); ++i) {
      if (!predicate_named_[i]) {
        return absl::DataLossError(absl::StrFormat(
            "projection: predicate id %016x of a fact is not in the store's predicate dictionary",
            predicate_ids_[i]));
      }
    }
  }
  auto projection = std::unique_ptr<Projection>(new Projection());
  Projection& p = *projection;
  p.store_version_ = store_version;

  // Renumber vertices in entity-id order.
  const uint32_t n = static_cast<uint32_t>(ids_.size());
  std::vector<std::pair<uint64_t, uint32_t>> order(n);
  for (uint32_t v = 0; v < n; ++v) order[v] = {ids_[v], v};
  std::vector<uint64_t>().swap(ids_);
  std::sort(order.begin(), order.end());
  std::vector<uint32_t> renumber(n);
  p.ids_.resize(n);
  for (uint32_t rank = 0; rank < n; ++rank) {
    renumber[order[rank].second] = rank;
    p.ids_[rank] = order[rank].first;
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(order);
  std::vector<VertexSlot>().swap(slots_);

  if (sorted_by_subject_) {
    // Subjects came in ascending id order, so the renumbered sources do not
    // decrease: the forward CSR is the edge list as it is (what Boost's
    // counting sort would produce, without the two passes), and the in-edge
    // index is one counting sort by target.
    const size_t m = edges_.size();
    p.graph_ = CsrGraph(n);
    auto& f = p.graph_.m_forward;
    auto& b = p.graph_.m_backward;
    f.m_rowstart.assign(n + 1, 0);
    f.m_column.resize(m);
    b.m_rowstart.assign(n + 1, 0);
    for (size_t i = 0; i < m; ++i) {
      auto& [s, o] = edges_[i];
      s = renumber[s];
      o = renumber[o];
      ++f.m_rowstart[s + 1];
      ++b.m_rowstart[o + 1];
      f.m_column[i] = o;
    }
    std::vector<uint32_t>().swap(renumber);
    for (uint32_t v = 0; v < n; ++v) {
      f.m_rowstart[v + 1] += f.m_rowstart[v];
      b.m_rowstart[v + 1] += b.m_rowstart[v];
    }
    f.m_edge_properties = std::move(props_);
    f.m_edge_properties.shrink_to_fit();  // the reserve may have overestimated
    b.m_column.resize(m);
    b.m_edge_properties.resize(m);
    std::vector<EdgeIndex> next(b.m_rowstart.begin(), b.m_rowstart.end() - 1);
    for (size_t i = 0; i < m; ++i) {
      const auto [s, o] = edges_[i];
      EdgeIndex slot = next[o]++;
      b.m_column[slot] = s;
      b.m_edge_properties[slot] = static_cast<EdgeIndex>(i);
    }
  } else {
    for (auto& [s, o] : edges_) {
      s = renumber[s];
      o = renumber[o];
    }
    std::vector<uint32_t>().swap(renumber);
    p.graph_ = CsrGraph(boost::edges_are_unsorted_multi_pass, edges_.begin(), edges_.end(),
                        props_.begin(), n);
  }
  std::vector<std::pair<uint32_t, uint32_t>>().swap(edges_);
  std::vector<EdgeProps>().swap(props_);

  p.types_.assign(n, static_cast<uint8_t>(ENTITY_TYPE_UNSPECIFIED));
  for (const auto& [id, type] : types_) {
    if (std::optional<Vertex> v = p.VertexOf(id)) p.types_[*v] = static_cast<uint8_t>(type);
  }
  std::vector<std::pair<uint64_t, EntityType>>().swap(types_);

  p.predicates_ = std::move(predicates_);
  p.predicate_ids_ = std::move(predicate_ids_);
  p.predicate_of_ = std::move(predicate_of_);
  p.Seal();
  return projection;
}

void Projection::Seal() {
  out_start_ = graph_.m_forward.m_rowstart.data();
  out_target_ = graph_.m_forward.m_column.data();
  in_start_ = graph_.m_backward.m_rowstart.data();
  in_source_ = graph_.m_backward.m_column.data();
  in_edge_ = graph_.m_backward.m_edge_properties.data();
  edge_props_ = graph_.m_forward.m_edge_properties.data();
  const auto& props = graph_.m_forward.m_edge_properties;
  uniform_weights_ = true;
  for (size_t i = 1; i < props.size() && uniform_weights_; ++i) {
    uniform_weights_ = props[i].confidence_q == props[0].confidence_q &&
                       props[i].support == props[0].support &&
                       props[i].co_mention() == props[0].co_mention();
  }
}

absl::StatusOr<std::unique_ptr<Projection>> Projection::Build(storage::Store& store,
                                                              const BuildOptions& options) {
  // Read the version first: a write racing the scan makes the cache stale, never wrongly fresh.
  const uint64_t version = store.Version();
  const double cpu0 = ProcessCpuSeconds();
  int threads = options.threads;
  if (threads <= 0) {
    // A second thread pays off only on a large store and a second core.
    absl::StatusOr<storage::StoreStats> stats = store.Stats();
    threads =
        stats.ok() && stats->facts >= 200'000 && std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  }
  absl::StatusOr<std::unique_ptr<Projection>> built =
      options.parallel_scan ? BuildFromScan(store, threads, version)
                            : absl::UnimplementedError("Builder path asked");
  if ((built.ok() && *built == nullptr) || absl::IsUnimplemented(built.status())) {
    built = BuildWithBuilder(store, version);
  }
  if (built.ok()) (*built)->build_profile_.cpu_seconds = ProcessCpuSeconds() - cpu0;
  return built;
}

absl::StatusOr<std::unique_ptr<Projection>> Projection::BuildWithBuilder(storage::Store& store,
                                                                         uint64_t version) {
  BuildProfile profile;
  double t0 = WallSeconds(), c0 = ProcessCpuSeconds();
  Builder builder;
  if (absl::StatusOr<storage::StoreStats> stats = store.Stats(); stats.ok()) {
    builder.Reserve(stats->facts, stats->entities);
  }
  absl::Status batched = store.ForEachFactBatch([&](std::span<const storage::FactRecord> records) {
    builder.AddRecords(records);
    return true;
  });
  if (batched.ok()) {
    RETURN_IF_ERROR(store.ForEachPredicate([&](uint64_t id, std::string_view name) {
      builder.NamePredicate(id, name);
      return true;
    }));
  } else if (absl::IsUnimplemented(batched)) {
    RETURN_IF_ERROR(store.ForEachFact([&](const Fact& fact) {
      builder.AddFact(fact);
      return true;
    }));
  } else {
    return batched;
  }
  double t1 = WallSeconds(), c1 = ProcessCpuSeconds();
  RETURN_IF_ERROR(store.ForEachEntity([&](const Entity& entity) {
    builder.SetType(entity.id(), entity.type());
    return true;
  }));
  double t2 = WallSeconds(), c2 = ProcessCpuSeconds();
  ASSIGN_OR_RETURN(std::unique_ptr<Projection> projection, builder.Finish(version));
  profile.facts_seconds = t1 - t0;
  profile.types_seconds = t2 - t1;
  profile.csr_seconds = WallSeconds() - t2;
  profile.facts_cpu = c1 - c0;
  profile.types_cpu = c2 - c1;
  profile.csr_cpu = ProcessCpuSeconds() - c2;
  profile.critical_path_cpu =
      profile.facts_cpu + profile.types_cpu + profile.csr_cpu;  // one thread
  projection->build_profile_ = profile;
  return projection;
}

std::optional<Vertex> Projection::VertexOf(uint64_t entity_id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), entity_id);
  if (it == ids_.end() || *it != entity_id) return std::nullopt;
  return static_cast<Vertex>(it - ids_.begin());
}

std::optional<uint32_t> Projection::PredicateIndex(std::string_view name) const {
  auto it = predicate_of_.find(absl::string_view(name.data(), name.size()));
  if (it == predicate_of_.end()) return std::nullopt;
  return it->second;
}

Vertex Projection::EdgeSource(EdgeIndex e) const {
  const auto& rows = graph_.m_forward.m_rowstart;
  // The last row start <= e with a non-empty row.
  auto it = std::upper_bound(rows.begin(), rows.end(), e);
  return static_cast<Vertex>((it - rows.begin()) - 1);
}

size_t Projection::MemoryBytes() const {
  const auto& f = graph_.m_forward;
  const auto& b = graph_.m_backward;
  size_t bytes =
      f.m_rowstart.capacity() * sizeof(EdgeIndex) + f.m_column.capacity() * sizeof(Vertex) +
      f.m_edge_properties.capacity() * sizeof(EdgeProps) +
      b.m_rowstart.capacity() * sizeof(EdgeIndex) + b.m_column.capacity() * sizeof(Vertex) +
      b.m_edge_properties.capacity() * sizeof(EdgeIndex);
  bytes += ids_.capacity() * sizeof(uint64_t) + types_.capacity();
  for (const std::string& s : predicates_)
    bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
  bytes += predicate_of_.capacity() * (sizeof(std::pair<std::string, uint32_t>) + 1);
  return bytes;
}

}  // namespace kg::query
