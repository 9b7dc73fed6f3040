#include "query/projection.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"

namespace kg::query {

namespace {

constexpr uint32_t kMaxPredicates = 1u << 24;

uint16_t QuantizeConfidence(float c) {
  if (!(c > 0.0f)) return 0;  // also NaN
  if (c >= 1.0f) return 65535;
  return static_cast<uint16_t>(std::lround(c * 65535.0f));
}

}  // namespace

Projection::Builder::Builder() = default;

void Projection::Builder::Reserve(size_t edges, size_t vertices) {
  edges_.reserve(edges);
  props_.reserve(edges);
  vertex_of_.reserve(vertices);
  ids_.reserve(vertices);
}

uint32_t Projection::Builder::VertexFor(uint64_t id) {
  auto [it, inserted] = vertex_of_.try_emplace(id, static_cast<uint32_t>(ids_.size()));
  if (inserted) ids_.push_back(id);
  return it->second;
}

void Projection::Builder::AddFact(const Fact& fact) {
  AddEdge(fact.subject(), fact.object(), fact.predicate(), fact.confidence(), fact.flags(), fact.support(),
          fact.predicate_id());
}

void Projection::Builder::AddEdge(uint64_t subject, uint64_t object, std::string_view predicate,
                                  float confidence, uint32_t flags, uint32_t support,
                                  uint64_t predicate_id) {
  // Facts arrive grouped by subject from the SPO scan: skip the hash lookup.
  uint32_t s;
  if (last_vertex_ != UINT32_MAX && subject == last_subject_) {
    s = last_vertex_;
  } else {
    s = VertexFor(subject);
    last_subject_ = subject;
    last_vertex_ = s;
  }
  uint32_t o = VertexFor(object);
  // Consecutive facts often share a predicate: skip the hash lookup.
  if (last_predicate_index_ == UINT32_MAX || predicate != last_predicate_) {
    auto it = predicate_of_.find(absl::string_view(predicate.data(), predicate.size()));
    if (it == predicate_of_.end()) {
      it = predicate_of_.emplace(std::string(predicate), static_cast<uint32_t>(predicates_.size())).first;
      predicates_.emplace_back(predicate);
      predicate_ids_.push_back(predicate_id);
      if (predicates_.size() > kMaxPredicates) too_many_predicates_ = true;
    }
    last_predicate_.assign(predicate.data(), predicate.size());
    last_predicate_index_ = it->second;
  }
  EdgeProps p;
  p.predicate_flags = (last_predicate_index_ & 0xFFFFFFu) | ((flags & 0xFFu) << 24);
  p.confidence_q = QuantizeConfidence(confidence);
  p.support = static_cast<uint16_t>(std::min<uint32_t>(support, 65535));
  edges_.emplace_back(s, o);
  props_.push_back(p);
}

void Projection::Builder::SetType(uint64_t entity_id, EntityType type) { types_.emplace_back(entity_id, type); }

absl::StatusOr<std::unique_ptr<Projection>> Projection::Builder::Finish(uint64_t store_version) {
  if (too_many_predicates_) {
    return absl::InvalidArgumentError(
        absl::StrCat("projection: ", predicates_.size(), " distinct predicates, more than the 2^24 supported"));
  }
  if (ids_.size() >= UINT32_MAX - 1 || edges_.size() >= UINT32_MAX - 1) {
    return absl::InvalidArgumentError(absl::StrCat("projection: ", ids_.size(), " vertices / ", edges_.size(),
                                                   " edges exceed the 32-bit CSR limit"));
  }
  auto projection = std::unique_ptr<Projection>(new Projection());
  Projection& p = *projection;
  p.store_version_ = store_version;

  // Renumber vertices in entity-id order.
  const uint32_t n = static_cast<uint32_t>(ids_.size());
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids_[a] < ids_[b]; });
  std::vector<uint32_t> renumber(n);
  p.ids_.resize(n);
  for (uint32_t rank = 0; rank < n; ++rank) {
    renumber[order[rank]] = rank;
    p.ids_[rank] = ids_[order[rank]];
  }
  std::vector<uint32_t>().swap(order);
  for (auto& [s, o] : edges_) {
    s = renumber[s];
    o = renumber[o];
  }
  std::vector<uint32_t>().swap(renumber);
  absl::flat_hash_map<uint64_t, uint32_t>().swap(vertex_of_);
  std::vector<uint64_t>().swap(ids_);

  p.graph_ = CsrGraph(boost::edges_are_unsorted_multi_pass, edges_.begin(), edges_.end(), props_.begin(), n);
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
  p.out_start_ = p.graph_.m_forward.m_rowstart.data();
  p.out_target_ = p.graph_.m_forward.m_column.data();
  p.in_start_ = p.graph_.m_backward.m_rowstart.data();
  p.in_source_ = p.graph_.m_backward.m_column.data();
  p.in_edge_ = p.graph_.m_backward.m_edge_properties.data();
  p.edge_props_ = p.graph_.m_forward.m_edge_properties.data();
  const auto& props = p.graph_.m_forward.m_edge_properties;
  for (size_t i = 1; i < props.size() && p.uniform_weights_; ++i) {
    p.uniform_weights_ = props[i].confidence_q == props[0].confidence_q && props[i].support == props[0].support &&
                         props[i].co_mention() == props[0].co_mention();
  }
  return projection;
}

absl::StatusOr<std::unique_ptr<Projection>> Projection::Build(storage::Store& store) {
  // Read the version first: a write racing the scan makes the cache stale, never wrongly fresh.
  uint64_t version = store.Version();
  Builder builder;
  if (absl::StatusOr<storage::StoreStats> stats = store.Stats(); stats.ok()) {
    builder.Reserve(stats->facts, stats->entities);
  }
  RETURN_IF_ERROR(store.ForEachFact([&](const Fact& fact) {
    builder.AddFact(fact);
    return true;
  }));
  RETURN_IF_ERROR(store.ForEachEntity([&](const Entity& entity) {
    builder.SetType(entity.id(), entity.type());
    return true;
  }));
  return builder.Finish(version);
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
  size_t bytes = f.m_rowstart.capacity() * sizeof(EdgeIndex) + f.m_column.capacity() * sizeof(Vertex) +
                 f.m_edge_properties.capacity() * sizeof(EdgeProps) + b.m_rowstart.capacity() * sizeof(EdgeIndex) +
                 b.m_column.capacity() * sizeof(Vertex) + b.m_edge_properties.capacity() * sizeof(EdgeIndex);
  bytes += ids_.capacity() * sizeof(uint64_t) + types_.capacity();
  for (const std::string& s : predicates_) bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
  bytes += predicate_of_.capacity() * (sizeof(std::pair<std::string, uint32_t>) + 1);
  return bytes;
}

}  // namespace kg::query
