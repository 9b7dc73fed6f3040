// Projection::BuildFromScan: the projection from Store::ScanGraph.
//
// The entity pass comes first and gives every entity id in ascending order,
// so a vertex's final number (its rank) is known before any fact is read:
// the fact pass writes the CSR's targets directly, on one thread per part,
// with no renumbering and no sort, and the vertex table is read-only while
// the threads share it. Each part counts its in-edges per vertex, so the
// in-edge index is a counting sort in which every part places its own edges
// (on its own thread) at offsets known from the counts of the parts before.
// Entities without facts are dropped at the end (vertices are entities that
// take part in a fact), in one pass only when there are any.

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"
#include "query/build_clock.h"
#include "query/huge_pages.h"
#include "query/projection.h"

namespace kg::query {

namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kMaxPredicates = size_t{1} << 24;

// CPU time of one thread's work in one pass, measured inside the callbacks:
// each callback, plus the time between two callbacks (the store reading the
// next batch). Only the read before the first batch is missed.
struct PassCpu {
  double seconds = 0;
  double last_exit = -1;
  double Enter() {
    double now = ThreadCpuSeconds();
    if (last_exit >= 0) seconds += now - last_exit;
    return now;
  }
  void Exit(double entered) {
    last_exit = ThreadCpuSeconds();
    seconds += last_exit - entered;
  }
};

// Entity id -> vertex: open addressing, linear probing, load <= 1/2. Filled
// once before the fact pass, then only read (by every scan thread), so
// lookups need no lock; the fact pass prefetches the slots it will probe.
class VertexTable {
 public:
  void Fill(const std::vector<uint64_t>& ids) {
    size_t size = 1024;
    while (size < 2 * ids.size()) size *= 2;
    AssignHuge(slots_, size, Slot{});
    mask_ = size - 1;
    constexpr uint32_t kAhead = 16;
    for (uint32_t v = 0; v < ids.size(); ++v) {
      if (v + kAhead < ids.size()) Prefetch(ids[v + kAhead]);
      size_t i = SlotOf(ids[v]);
      while (slots_[i].vertex != kNone) i = (i + 1) & mask_;
      slots_[i] = Slot{ids[v], v};
    }
  }
  void Prefetch(uint64_t id) const { __builtin_prefetch(&slots_[SlotOf(id)]); }
  // kNone when the id is not in the table.
  uint32_t Find(uint64_t id) const {
    for (size_t i = SlotOf(id);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.vertex == kNone) return kNone;
      if (s.id == id) return s.vertex;
    }
  }

 private:
  struct Slot {
    uint64_t id = 0;
    uint32_t vertex = kNone;
  };
  size_t SlotOf(uint64_t id) const {
    uint64_t h = id * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h ^ (h >> 32)) & mask_;
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// What one part (one id range, one thread) collects.
struct Part {
  // Entity pass.
  std::vector<uint64_t> ids;
  std::vector<uint8_t> types;
  // Fact pass: this part's forward edges, in SPO order.
  std::vector<Vertex> targets;
  std::vector<EdgeProps> props;
  std::vector<EdgeIndex> in_count;  // per vertex, this part's in-edges; later its cursor
  std::vector<uint8_t> predicate_used;
  Vertex first_subject = kNone;
  uint64_t last_subject = 0;
  Vertex last_vertex = kNone;
  uint64_t last_predicate_id = 0;
  uint32_t last_predicate = kNone;
  // The passes disagree (a fact names an entity or predicate the earlier
  // passes did not return, or keys come out of order): the Builder decides.
  bool disagree = false;
  PassCpu entity_cpu, fact_cpu;
  double sort_cpu = 0;
};

// Runs fn(part) for every part, parts 1.. on threads of their own (in line
// when no thread can be started).
void ForEachPart(int parts, const std::function<void(int)>& fn) {
  std::vector<std::thread> threads;
  int inline_from = parts;
  for (int part = 1; part < parts; ++part) {
    try {
      threads.emplace_back(fn, part);
    } catch (const std::system_error&) {
      inline_from = part;
      break;
    }
  }
  fn(0);
  for (int part = inline_from; part < parts; ++part) fn(part);
  for (std::thread& t : threads) t.join();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Projection>> Projection::BuildFromScan(storage::Store& store,
                                                                      int threads,
                                                                      uint64_t store_version) {
  const int parts = std::clamp(threads, 1, 16);
  const double t0 = WallSeconds(), c0 = ProcessCpuSeconds();
  uint64_t expected_facts = 0;
  if (absl::StatusOr<storage::StoreStats> stats = store.Stats(); stats.ok())
    expected_facts = stats->facts;

  // Predicates first (a dictionary of a few): the fact threads then only read the map.
  std::vector<std::string> predicate_names;
  std::vector<uint64_t> predicate_ids;
  absl::flat_hash_map<uint64_t, uint32_t> predicate_of_id;
  RETURN_IF_ERROR(store.ForEachPredicate([&](uint64_t id, std::string_view name) {
    if (predicate_of_id.try_emplace(id, static_cast<uint32_t>(predicate_names.size())).second) {
      predicate_names.emplace_back(name);
      predicate_ids.push_back(id);
    }
    return true;
  }));

  std::vector<Part> state(parts);
  std::vector<uint64_t> ids;
  std::vector<uint8_t> types;
  VertexTable table;
  std::vector<EdgeIndex> out_start;  // forward row starts, counted by the fact pass
  bool disagree = false;
  double t1 = t0, c1 = c0;

  // One batch of one part's facts into its edge buffers.
  auto add_facts = [&](Part& p, std::span<const storage::FactRecord> records) {
    // Overlap the cache misses of consecutive lookups.
    constexpr size_t kAhead = 16;
    const size_t n = records.size();
    for (size_t i = 0; i < std::min(n, kAhead); ++i) table.Prefetch(records[i].object);
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        const storage::FactRecord& ahead = records[i + kAhead];
        table.Prefetch(ahead.object);
        if (ahead.subject != records[i + kAhead - 1].subject) table.Prefetch(ahead.subject);
      }
      const storage::FactRecord& r = records[i];
      if (p.last_vertex == kNone || r.subject != p.last_subject) {
        if (p.last_vertex != kNone && r.subject < p.last_subject) return !(p.disagree = true);
        p.last_vertex = table.Find(r.subject);
        p.last_subject = r.subject;
        if (p.last_vertex == kNone) return !(p.disagree = true);
        if (p.first_subject == kNone) p.first_subject = p.last_vertex;
      }
      const Vertex o = table.Find(r.object);
      if (o == kNone) return !(p.disagree = true);
      if (p.last_predicate == kNone || r.predicate_id != p.last_predicate_id) {
        auto it = predicate_of_id.find(r.predicate_id);
        if (it == predicate_of_id.end()) return !(p.disagree = true);
        p.last_predicate_id = r.predicate_id;
        p.last_predicate = it->second;
        p.predicate_used[it->second] = 1;
      }
      // Parts hold disjoint subject ranges: no two threads count one row.
      ++out_start[p.last_vertex + 1];
      ++p.in_count[o];
      p.targets.push_back(o);
      p.props.push_back(MakeEdgeProps(p.last_predicate, r.confidence, r.flags, r.support));
    }
    return true;
  };
  storage::GraphScan scan;
  scan.parts = parts;
  scan.entities = [&](int part, std::span<const storage::EntityTypeRecord> batch) {
    Part& p = state[part];
    const double entered = p.entity_cpu.Enter();
    for (const storage::EntityTypeRecord& r : batch) {
      if (!p.ids.empty() && r.id <= p.ids.back()) p.disagree = true;
      p.ids.push_back(r.id);
      p.types.push_back(static_cast<uint8_t>(r.type));
    }
    p.entity_cpu.Exit(entered);
    return !p.disagree;
  };
  scan.entities_done = [&]() {
    size_t n = 0;
    for (const Part& p : state) n += p.ids.size();
    ReserveHuge(ids, n);
    types.reserve(n);
    for (const Part& p : state) {
      if (p.disagree) return !(disagree = true);
      if (!p.ids.empty() && !ids.empty() && p.ids.front() <= ids.back()) return !(disagree = true);
      ids.insert(ids.end(), p.ids.begin(), p.ids.end());
      types.insert(types.end(), p.types.begin(), p.types.end());
    }
    for (Part& p : state) {
      std::vector<uint64_t>().swap(p.ids);
      std::vector<uint8_t>().swap(p.types);
    }
    // Too many for 32-bit vertex numbers: the Builder reports it.
    if (n >= UINT32_MAX - 1) return !(disagree = true);
    table.Fill(ids);
    AssignHuge(out_start, n + 1, EdgeIndex{0});
    for (int i = 0; i < parts; ++i) {
      Part& p = state[i];
      AssignHuge(p.in_count, n, EdgeIndex{0});
      // Part 0's buffers take the others' edges at the end without moving.
      ReserveHuge(p.targets,
                  i == 0 ? expected_facts + 1024 : expected_facts / parts * 5 / 4 + 1024);
      ReserveHuge(p.props, i == 0 ? expected_facts + 1024 : expected_facts / parts * 5 / 4 + 1024);
      p.predicate_used.assign(predicate_names.size(), 0);
    }
    t1 = WallSeconds();
    c1 = ProcessCpuSeconds();
    return true;
  };
  scan.facts = [&](int part, std::span<const storage::FactRecord> records) {
    Part& p = state[part];
    const double entered = p.fact_cpu.Enter();
    const bool ok = add_facts(p, records);
    p.fact_cpu.Exit(entered);
    return ok;
  };
  RETURN_IF_ERROR(store.ScanGraph(scan));
  if (disagree) return nullptr;
  Vertex previous_last = kNone;
  for (const Part& p : state) {
    if (p.disagree) return nullptr;
    if (p.first_subject == kNone) continue;
    if (previous_last != kNone && p.first_subject <= previous_last) return nullptr;
    previous_last = p.last_vertex;
  }
  const double t2 = WallSeconds(), c2 = ProcessCpuSeconds();

  auto projection = std::unique_ptr<Projection>(new Projection());
  Projection& g = *projection;
  g.store_version_ = store_version;
  const uint32_t n = static_cast<uint32_t>(ids.size());
  size_t m = 0;
  for (const Part& p : state) m += p.targets.size();
  if (m >= UINT32_MAX - 1) return nullptr;  // the Builder names the limit

  // Forward CSR: the parts' edges one after another.
  auto& f = g.graph_.m_forward;
  auto& b = g.graph_.m_backward;
  std::vector<Vertex> column = std::move(state[0].targets);
  std::vector<EdgeProps> props = std::move(state[0].props);
  std::vector<EdgeIndex> part_base(parts + 1, 0);
  for (int i = 1; i < parts; ++i) {
    part_base[i] = static_cast<EdgeIndex>(column.size());
    if (column.capacity() < m) {
      ReserveHuge(column, m);
      ReserveHuge(props, m);
    }
    column.insert(column.end(), state[i].targets.begin(), state[i].targets.end());
    props.insert(props.end(), state[i].props.begin(), state[i].props.end());
    std::vector<Vertex>().swap(state[i].targets);
    std::vector<EdgeProps>().swap(state[i].props);
  }
  part_base[parts] = static_cast<EdgeIndex>(m);
  // The store's fact count sized the buffers: give back a large overshoot.
  if (column.capacity() - m > m / 32) {
    column.shrink_to_fit();
    props.shrink_to_fit();
  }
  for (uint32_t v = 0; v < n; ++v) out_start[v + 1] += out_start[v];

  // In-edge row starts; each part's count becomes its cursor: part i's edges
  // into a vertex follow those of parts before it (forward index order).
  std::vector<EdgeIndex> in_start;
  AssignHuge(in_start, n + 1, EdgeIndex{0});
  {
    EdgeIndex run = 0;
    for (uint32_t v = 0; v < n; ++v) {
      in_start[v] = run;
      for (Part& p : state) {
        EdgeIndex c = p.in_count[v];
        p.in_count[v] = run;
        run += c;
      }
    }
    in_start[n] = run;
  }
  std::vector<Vertex> in_source;
  std::vector<EdgeIndex> in_edge;
  AssignHuge(in_source, m, Vertex{0});
  AssignHuge(in_edge, m, EdgeIndex{0});
  ForEachPart(parts, [&](int i) {
    Part& p = state[i];
    if (p.first_subject == kNone) return;
    const double started = ThreadCpuSeconds();
    absl::Cleanup timed = [&] { p.sort_cpu = ThreadCpuSeconds() - started; };
    EdgeIndex* cursor = p.in_count.data();
    Vertex s = p.first_subject;
    for (EdgeIndex e = part_base[i]; e < part_base[i + 1]; ++e) {
      while (out_start[s + 1] <= e) ++s;
      const EdgeIndex slot = cursor[column[e]]++;
      in_source[slot] = s;
      in_edge[slot] = e;
    }
  });
  for (Part& p : state) std::vector<EdgeIndex>().swap(p.in_count);

  // Entities without facts are not vertices.
  uint32_t kept = 0;
  for (uint32_t v = 0; v < n; ++v) {
    kept += out_start[v + 1] != out_start[v] || in_start[v + 1] != in_start[v];
  }
  if (kept < n) {
    std::vector<Vertex> remap(n, kNone);
    uint32_t k = 0;
    for (uint32_t v = 0; v < n; ++v) {
      if (out_start[v + 1] == out_start[v] && in_start[v + 1] == in_start[v]) continue;
      remap[v] = k;
      // Rows of dropped vertices are empty: the kept starts stay as they are.
      out_start[k] = out_start[v];
      in_start[k] = in_start[v];
      ids[k] = ids[v];
      types[k] = types[v];
      ++k;
    }
    out_start[k] = static_cast<EdgeIndex>(m);
    in_start[k] = static_cast<EdgeIndex>(m);
    out_start.resize(k + 1);
    in_start.resize(k + 1);
    ids.resize(k);
    types.resize(k);
    for (Vertex& t : column) t = remap[t];
    for (Vertex& s : in_source) s = remap[s];
  }

  // Predicates without facts are not in the table either.
  std::vector<uint32_t> predicate_remap(predicate_names.size(), kNone);
  uint32_t used = 0;
  for (size_t i = 0; i < predicate_names.size(); ++i) {
    bool any = false;
    for (const Part& p : state) any |= p.predicate_used[i] != 0;
    if (!any) continue;
    predicate_remap[i] = used++;
    g.predicate_of_.emplace(predicate_names[i], predicate_remap[i]);
    g.predicates_.push_back(std::move(predicate_names[i]));
    g.predicate_ids_.push_back(predicate_ids[i]);
  }
  if (used > kMaxPredicates) {
    return absl::InvalidArgumentError(
        absl::StrCat("projection: ", used, " distinct predicates, more than the 2^24 supported"));
  }
  if (used < predicate_names.size()) {
    for (EdgeProps& x : props) {
      x.predicate_flags = (x.predicate_flags & 0xFF000000u) | predicate_remap[x.predicate()];
    }
  }

  f.m_rowstart = std::move(out_start);
  f.m_column = std::move(column);
  f.m_edge_properties = std::move(props);
  b.m_rowstart = std::move(in_start);
  b.m_column = std::move(in_source);
  b.m_edge_properties = std::move(in_edge);
  g.ids_ = std::move(ids);
  g.types_ = std::move(types);
  g.Seal();
  g.build_profile_.types_seconds = t1 - t0;
  g.build_profile_.facts_seconds = t2 - t1;
  g.build_profile_.csr_seconds = WallSeconds() - t2;
  g.build_profile_.types_cpu = c1 - c0;
  g.build_profile_.facts_cpu = c2 - c1;
  g.build_profile_.csr_cpu = ProcessCpuSeconds() - c2;
  // On an idle machine with a core per thread, the other parts' CPU of each
  // parallel phase overlaps the longest part's.
  double overlapped = 0;
  for (auto pass : {+[](const Part& p) { return p.entity_cpu.seconds; },
                    +[](const Part& p) { return p.fact_cpu.seconds; },
                    +[](const Part& p) { return p.sort_cpu; }}) {
    double sum = 0, longest = 0;
    for (const Part& p : state) {
      sum += pass(p);
      longest = std::max(longest, pass(p));
    }
    overlapped += sum - longest;
  }
  g.build_profile_.critical_path_cpu = g.build_profile_.types_cpu + g.build_profile_.facts_cpu +
                                       g.build_profile_.csr_cpu - overlapped;
  g.build_profile_.threads = parts;
  return projection;
}

}  // namespace kg::query
