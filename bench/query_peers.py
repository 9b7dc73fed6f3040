#!/usr/bin/env python3
"""Peer measurements for `kg-bench query`: networkx and SQLite recursive CTEs.

Answers the same queries as kg on the same graph and prints JSON with each
answer and each latency, so kg-bench can check agreement and print ratios.

  python3 bench/query_peers.py --edges EDGES --pairs PAIRS --k 3 \
      [--peers networkx,sqlite] [--sqlite-pairs 20] [--sqlite-max-depth 6]

EDGES: one "u v" line per fact (0-based vertex numbers); edges are undirected.
PAIRS: one "s t" line per query pair; the 2-hop queries start from each s.
Latencies: wall seconds and the thread's CPU seconds per query.
Answers: shortest-path length (-1: no path), hop counts of the k shortest
simple paths, number of distinct vertices within 2 hops (source excluded).
Needs Debian's python3-networkx (bench/install_peers.sh installs it); sqlite3
ships with Python.
"""
import argparse
import itertools
import json
import sqlite3
import sys
import time


def read_pairs(path):
    pairs = []
    with open(path) as f:
        for line in f:
            if line.strip():
                s, t = line.split()
                pairs.append((int(s), int(t)))
    return pairs


def read_edges(path):
    with open(path) as f:
        for line in f:
            u, v = line.split()
            yield int(u), int(v)


def timed(fn, *args):
    # Wall time and this thread's CPU time: the machine may be shared.
    c0, t0 = time.thread_time(), time.perf_counter()
    answer = fn(*args)
    return answer, time.perf_counter() - t0, time.thread_time() - c0


def run_networkx(args, pairs):
    import networkx as nx

    t0 = time.perf_counter()
    g = nx.Graph()
    g.add_edges_from(read_edges(args.edges))
    load = time.perf_counter() - t0

    def shortest(s, t):
        try:
            return nx.shortest_path_length(g, s, t)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return -1

    def kshortest(s, t):
        try:
            return [len(p) - 1 for p in itertools.islice(nx.shortest_simple_paths(g, s, t), args.k)]
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return []

    def two_hop(s):
        if s not in g:
            return 0
        return len(nx.single_source_shortest_path_length(g, s, cutoff=2)) - 1

    out = {"version": nx.__version__, "load_seconds": load}
    out["shortest"] = measure([(shortest, (s, t)) for s, t in pairs])
    if args.k > 0:
        out["kshortest"] = measure([(kshortest, (s, t)) for s, t in pairs[: args.k_pairs]])
    out["two_hop"] = measure([(two_hop, (s,)) for s, _ in pairs])
    return out


def run_sqlite(args, pairs):
    t0 = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE edges(src INTEGER NOT NULL, dst INTEGER NOT NULL)")
    rows = ((u, v) for a, b in read_edges(args.edges) for u, v in ((a, b), (b, a)) if a != b)
    db.executemany("INSERT INTO edges VALUES (?, ?)", rows)
    db.execute("CREATE INDEX edges_src ON edges(src, dst)")
    db.commit()
    load = time.perf_counter() - t0

    # Breadth-first expansion as a recursive CTE; UNION removes repeated
    # (node, depth) rows. Deepened one level at a time up to the cap so that
    # near pairs stay cheap.
    bfs = """
        WITH RECURSIVE reach(node, depth) AS (
          SELECT ?, 0
          UNION
          SELECT e.dst, r.depth + 1 FROM reach r JOIN edges e ON e.src = r.node
          WHERE r.depth < ?)
        SELECT min(depth) FROM reach WHERE node = ?"""

    def shortest(s, t):
        if s == t:
            return 0
        for cap in range(1, args.sqlite_max_depth + 1):
            (d,) = db.execute(bfs, (s, cap, t)).fetchone()
            if d is not None:
                return d
        return -2  # beyond the depth cap: not comparable

    two = """
        SELECT count(*) FROM (
          SELECT dst AS n FROM edges WHERE src = ?
          UNION
          SELECT e2.dst FROM edges e1 JOIN edges e2 ON e2.src = e1.dst WHERE e1.src = ?)
        WHERE n <> ?"""

    def two_hop(s):
        return db.execute(two, (s, s, s)).fetchone()[0]

    subset = pairs[: args.sqlite_pairs]
    out = {"version": sqlite3.sqlite_version, "load_seconds": load, "max_depth": args.sqlite_max_depth}
    out["shortest"] = measure([(shortest, (s, t)) for s, t in subset])
    out["two_hop"] = measure([(two_hop, (s,)) for s, _ in subset])
    return out


def measure(calls):
    answers, seconds, cpu = [], [], []
    for fn, fargs in calls:
        a, dt, dc = timed(fn, *fargs)
        answers.append(a)
        seconds.append(dt)
        cpu.append(dc)
    return {"answers": answers, "seconds": seconds, "cpu_seconds": cpu}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--edges", required=True)
    p.add_argument("--pairs", required=True)
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--k-pairs", type=int, default=1 << 30, help="pairs used for k-shortest")
    p.add_argument("--peers", default="networkx,sqlite")
    p.add_argument("--sqlite-pairs", type=int, default=20)
    p.add_argument("--sqlite-max-depth", type=int, default=6)
    args = p.parse_args()
    pairs = read_pairs(args.pairs)
    result = {}
    for peer in filter(None, args.peers.split(",")):
        if peer == "networkx":
            try:
                result["networkx"] = run_networkx(args, pairs)
            except ImportError as e:
                result["networkx"] = {"error": f"networkx not installed: {e}"}
        elif peer == "sqlite":
            result["sqlite"] = run_sqlite(args, pairs)
        else:
            print(f"query_peers.py: unknown peer {peer!r}", file=sys.stderr)
            return 2
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
