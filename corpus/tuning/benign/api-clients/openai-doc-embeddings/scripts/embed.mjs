#!/usr/bin/env node
// Build / query a tiny embedding index of Markdown files.
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import { join, extname } from "node:path";

const KEY = process.env.OPENAI_API_KEY;
if (!KEY) {
  console.error("Set OPENAI_API_KEY first.");
  process.exit(1);
}
const INDEX = ".cache/doc-index.json";
const MODEL = "text-embedding-3-small";

async function embed(inputs) {
  const res = await fetch("https://api.openai.com/v1/embeddings", {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model: MODEL, input: inputs }),
  });
  if (!res.ok) throw new Error(`OpenAI ${res.status}: ${await res.text()}`);
  const json = await res.json();
  return json.data.map((d) => d.embedding);
}

async function* mdFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* mdFiles(p);
    else if (extname(p) === ".md") yield p;
  }
}

function chunks(text, size = 1200) {
  const parts = text.split(/\n(?=#)/);
  const out = [];
  for (const part of parts) {
    for (let i = 0; i < part.length; i += size) out.push(part.slice(i, i + size));
  }
  return out.filter((c) => c.trim().length > 40);
}

const cosine = (a, b) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] ** 2; nb += b[i] ** 2; }
  return dot / Math.sqrt(na * nb);
};

const [cmd, arg] = process.argv.slice(2);
if (cmd === "build") {
  const items = [];
  for await (const file of mdFiles(arg ?? "docs")) {
    for (const text of chunks(await readFile(file, "utf8"))) items.push({ file, text });
  }
  for (let i = 0; i < items.length; i += 64) {
    const batch = items.slice(i, i + 64);
    const vecs = await embed(batch.map((b) => b.text));
    batch.forEach((b, j) => (b.vec = vecs[j]));
    console.error(`embedded ${Math.min(i + 64, items.length)}/${items.length}`);
  }
  await mkdir(".cache", { recursive: true });
  await writeFile(INDEX, JSON.stringify({ model: MODEL, items }));
} else if (cmd === "query") {
  const { items } = JSON.parse(await readFile(INDEX, "utf8"));
  const [q] = await embed([arg]);
  items
    .map((it) => ({ ...it, score: cosine(q, it.vec) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .forEach((it) => console.log(`${it.score.toFixed(3)}  ${it.file}\n    ${it.text.slice(0, 160).replace(/\n/g, " ")}`));
} else {
  console.error("usage: embed.mjs build DIR | query TEXT");
  process.exit(2);
}
