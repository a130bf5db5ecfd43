import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { readFile, readdir, realpath, stat } from "node:fs/promises";
import { join, relative, resolve, sep, extname } from "node:path";

const ROOT = await realpath(resolve(process.argv[2] ?? "./docs"));
const MAX_BYTES = 200_000;
const EXTS = new Set([".md", ".mdx", ".txt"]);

async function safePath(rel: string): Promise<string> {
  const candidate = await realpath(resolve(ROOT, rel));
  if (candidate !== ROOT && !candidate.startsWith(ROOT + sep)) {
    throw new Error("path is outside the docs folder");
  }
  return candidate;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && EXTS.has(extname(p))) yield p;
  }
}

const server = new McpServer({ name: "docs-folder", version: "1.2.0" });

server.tool(
  "search_docs",
  "Search the project's documentation folder for a phrase. Returns up to 20 matching lines with file paths.",
  { query: z.string().min(2).max(200) },
  async ({ query }) => {
    const q = query.toLowerCase();
    const hits: string[] = [];
    for await (const file of walk(ROOT)) {
      const lines = (await readFile(file, "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (hits.length < 20 && line.toLowerCase().includes(q)) {
          hits.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 200)}`);
        }
      });
      if (hits.length >= 20) break;
    }
    return { content: [{ type: "text", text: hits.join("\n") || "no matches" }] };
  },
);

server.tool(
  "read_doc",
  "Read one documentation file by its path relative to the docs folder.",
  { path: z.string().max(300) },
  async ({ path }) => {
    const full = await safePath(path);
    const info = await stat(full);
    if (!info.isFile()) throw new Error("not a file");
    if (info.size > MAX_BYTES) throw new Error(`file larger than ${MAX_BYTES} bytes`);
    return { content: [{ type: "text", text: await readFile(full, "utf8") }] };
  },
);

await server.connect(new StdioServerTransport());
