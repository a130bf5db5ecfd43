import { readdir, stat, rm, readFile, writeFile } from "node:fs/promises";
import { join, dirname, resolve } from "node:path";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";

const root = resolve(process.argv[2] ?? ".");
const olderIdx = process.argv.indexOf("--older");
const olderDays = olderIdx > 0 ? Number(process.argv[olderIdx + 1]) : 0;
const delIdx = process.argv.indexOf("--delete");
const listFile = join(tmpdir(), "node-modules-sweeper.json");

async function dirSize(p) {
  let total = 0;
  for (const e of await readdir(p, { withFileTypes: true })) {
    const q = join(p, e.name);
    if (e.isDirectory()) total += await dirSize(q);
    else if (e.isFile()) total += (await stat(q)).size;
  }
  return total;
}

async function find(dir, out) {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    if (!e.isDirectory() || e.name === ".git") continue;
    const p = join(dir, e.name);
    if (e.name === "node_modules") {
      if (existsSync(join(dir, "package.json"))) out.push(p);
      continue; // don't descend
    }
    await find(p, out);
  }
}

if (delIdx > 0) {
  const picked = process.argv[delIdx + 1].split(",").map(Number);
  const listed = JSON.parse(await readFile(listFile, "utf8"));
  for (const i of picked) {
    const p = listed[i - 1];
    if (!p || !p.endsWith("/node_modules")) { console.error(`skip #${i}`); continue; }
    await rm(p, { recursive: true, force: true });
    console.log(`removed ${p}`);
  }
  process.exit(0);
}

const found = [];
await find(root, found);
const rows = [];
for (const p of found) {
  const pkg = join(dirname(p), "package.json");
  const ageDays = (Date.now() - (await stat(pkg)).mtimeMs) / 86400000;
  if (ageDays < olderDays) continue;
  rows.push({ p, size: await dirSize(p), ageDays });
}
rows.sort((a, b) => b.size - a.size);
rows.forEach((r, i) => console.log(`${String(i + 1).padStart(3)}  ${(r.size / 1e6).toFixed(0).padStart(6)} MB  ${r.ageDays.toFixed(0).padStart(4)} d  ${r.p}`));
await writeFile(listFile, JSON.stringify(rows.map((r) => r.p)));
console.log(`\n${rows.length} folders, ${(rows.reduce((s, r) => s + r.size, 0) / 1e9).toFixed(2)} GB. Delete with --delete 1,2,...`);
