// Peer measurement for `kg-bench store`: loads the same triples into Kùzu
// (embedded property graph) with COPY FROM and prints the timings as JSON.
//
//   node bench/kuzu_store.mjs --nodes nodes.csv --edges edges.csv --db DIR
//
// nodes.csv: header `name`, one distinct entity per line.
// edges.csv: header `from,to,predicate`.
// Installs its own dependency (npm package kuzu) into bench/node_modules.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function loadKuzu() {
  const require = createRequire(join(here, "package.json"));
  if (!existsSync(join(here, "node_modules", "kuzu", "index.js"))) {
    execSync("npm install --no-audit --no-fund", { cwd: here, stdio: "inherit" });
  }
  try {
    return require("kuzu");
  } catch (e) {
    // npm 11 no longer runs the package's install script by itself.
    execSync("node node_modules/kuzu/install.js", { cwd: here, stdio: "inherit" });
    return require("kuzu");
  }
}

function diskBytes(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + diskBytes(join(path, f)), 0);
}

const nodes = arg("nodes");
const edges = arg("edges");
const dbPath = arg("db");
if (!nodes || !edges || !dbPath) {
  console.error("usage: kuzu_store.mjs --nodes FILE --edges FILE --db DIR");
  process.exit(2);
}
const kuzu = loadKuzu();
rmSync(dbPath, { recursive: true, force: true });
const db = new kuzu.Database(dbPath);
const conn = new kuzu.Connection(db);
await conn.query("CREATE NODE TABLE Entity(name STRING, PRIMARY KEY(name))");
await conn.query("CREATE REL TABLE R(FROM Entity TO Entity, predicate STRING)");
const t0 = performance.now();
await conn.query(`COPY Entity FROM '${nodes}' (HEADER=true)`);
const t1 = performance.now();
await conn.query(`COPY R FROM '${edges}' (HEADER=true)`);
const t2 = performance.now();
const count = await conn.query("MATCH ()-[r:R]->() RETURN count(r) AS n");
const rows = await count.getAll();
await conn.close();
await db.close();
console.log(JSON.stringify({
  version: kuzu.VERSION,
  nodes_seconds: (t1 - t0) / 1000,
  edges_seconds: (t2 - t1) / 1000,
  copy_seconds: (t2 - t0) / 1000,
  edges: Number(rows[0].n),
  disk_bytes: diskBytes(dbPath),
}));
