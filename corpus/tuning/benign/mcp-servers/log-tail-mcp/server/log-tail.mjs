import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { open, readFile, stat } from "node:fs/promises";

const config = JSON.parse(await readFile(process.argv[2] ?? "log-tail.json", "utf8"));
const LOGS = config.logs ?? {};
const WINDOW = 1_000_000;
const MAX_LINES = 2000;

async function lastChunk(alias) {
  const path = LOGS[alias];
  if (!path) throw new Error(`unknown log '${alias}'. Known: ${Object.keys(LOGS).join(", ")}`);
  const { size } = await stat(path);
  const start = Math.max(0, size - WINDOW);
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const lines = buf.toString("utf8").split("\n");
    if (start > 0) lines.shift(); // drop partial first line
    return lines;
  } finally {
    await fh.close();
  }
}

const text = (t) => ({ content: [{ type: "text", text: t }] });
const server = new McpServer({ name: "log-tail", version: "0.3.1" });

server.tool("list_logs", "List the configured log aliases and their sizes.", {}, async () => {
  const rows = [];
  for (const [alias, path] of Object.entries(LOGS)) {
    try { rows.push(`${alias}\t${(await stat(path)).size} bytes`); } catch { rows.push(`${alias}\t(missing)`); }
  }
  return text(rows.join("\n"));
});

server.tool(
  "tail",
  "Return the last lines of a configured log.",
  { log: z.string(), lines: z.number().int().min(1).max(MAX_LINES).default(200) },
  async ({ log, lines }) => text((await lastChunk(log)).slice(-lines).join("\n")),
);

server.tool(
  "grep",
  "Return recent lines of a configured log containing a plain-text pattern.",
  { log: z.string(), pattern: z.string().min(1).max(200), lines: z.number().int().min(1).max(MAX_LINES).default(200) },
  async ({ log, pattern, lines }) => {
    const hits = (await lastChunk(log)).filter((l) => l.includes(pattern));
    return text(hits.slice(-lines).join("\n") || "no matches");
  },
);

await server.connect(new StdioServerTransport());
