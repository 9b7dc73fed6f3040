// Peer measurement for `kg-bench query`: Kùzu (embedded property graph)
// answering the same shortest-path and 2-hop queries as kg, with Cypher's
// `SHORTEST` recursive join, over the same undirected graph.
//
//   node bench/query_kuzu.mjs --edges EDGES --pairs PAIRS --db DIR [--two-hop-pairs N]
//
// EDGES / PAIRS: as for bench/query_peers.py ("u v" / "s t" lines, 0-based).
// Prints JSON: {version, load_seconds, shortest: {answers, seconds,
// cpu_seconds}, two_hop: {...}}. Installs its own dependency (npm package kuzu,
// bench/install_peers.sh) when missing.
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function loadKuzu() {
  const require = createRequire(join(here, "query_kuzu.mjs"));
  try {
    return require("kuzu");
  } catch (e) {
    execSync(`bash ${join(here, "install_peers.sh")} kuzu`, { stdio: ["ignore", "inherit", "inherit"] });
    return require("kuzu");
  }
}

const edgesPath = arg("edges");
const pairsPath = arg("pairs");
const dbPath = arg("db");
const twoHopPairs = Number(arg("two-hop-pairs", "1000000000"));
const shortestPairs = Number(arg("shortest-pairs", "1000000000"));
if (!edgesPath || !pairsPath || !dbPath) {
  console.error("usage: query_kuzu.mjs --edges FILE --pairs FILE --db DIR [--two-hop-pairs N]");
  process.exit(2);
}
const kuzu = loadKuzu();

// CSV inputs for COPY FROM.
const pairs = readFileSync(pairsPath, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => l.trim().split(/\s+/).map(Number));
rmSync(dbPath, { recursive: true, force: true });
mkdirSync(dirname(dbPath), { recursive: true });
const nodesCsv = `${dbPath}.nodes.csv`;
const edgesCsv = `${dbPath}.edges.csv`;
{
  const text = readFileSync(edgesPath, "utf8");
  let max = -1;
  const out = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const sp = line.indexOf(" ");
    const u = Number(line.slice(0, sp));
    const v = Number(line.slice(sp + 1));
    if (u > max) max = u;
    if (v > max) max = v;
    out.push(`${u},${v}`);
  }
  writeFileSync(edgesCsv, out.join("\n") + "\n");
  const ids = [];
  for (let i = 0; i <= max; i++) ids.push(String(i));
  writeFileSync(nodesCsv, ids.join("\n") + "\n");
}

const db = new kuzu.Database(dbPath);
const conn = new kuzu.Connection(db);
const t0 = performance.now();
await conn.query("CREATE NODE TABLE N(id INT64, PRIMARY KEY(id))");
await conn.query("CREATE REL TABLE E(FROM N TO N)");
await conn.query(`COPY N FROM '${nodesCsv}' (HEADER=false)`);
await conn.query(`COPY E FROM '${edgesCsv}' (HEADER=false)`);
const load = (performance.now() - t0) / 1000;

const shortest = await conn.prepare(
  "MATCH (a:N)-[e:E* SHORTEST 1..30]-(b:N) WHERE a.id = $s AND b.id = $t RETURN length(e) AS d");
const twoHop = await conn.prepare(
  "MATCH (a:N)-[:E*1..2]-(b:N) WHERE a.id = $s AND b.id <> $s RETURN count(DISTINCT b.id) AS n");

// Wall time and the process's CPU time (all of Kùzu's worker threads).
async function measure(list, run) {
  const answers = [], seconds = [], cpu_seconds = [];
  for (const item of list) {
    const c = process.cpuUsage();
    const t = performance.now();
    const a = await run(item);
    seconds.push((performance.now() - t) / 1000);
    const d = process.cpuUsage(c);
    cpu_seconds.push((d.user + d.system) / 1e6);
    answers.push(a);
  }
  return { answers, seconds, cpu_seconds };
}

const result = { version: kuzu.VERSION, load_seconds: load };
result.shortest = await measure(pairs.slice(0, shortestPairs), async ([s, t]) => {
  if (s === t) return 0;
  const r = await conn.execute(shortest, { s, t });
  const rows = await r.getAll();
  return rows.length ? Number(rows[0].d) : -1;
});
result.two_hop = await measure(pairs.slice(0, twoHopPairs), async ([s]) => {
  const r = await conn.execute(twoHop, { s });
  const rows = await r.getAll();
  return rows.length ? Number(rows[0].n) : 0;
});
await conn.close();
await db.close();
rmSync(nodesCsv, { force: true });
rmSync(edgesCsv, { force: true });
console.log(JSON.stringify(result));
