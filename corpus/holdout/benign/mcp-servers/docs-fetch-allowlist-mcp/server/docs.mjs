#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import TurndownService from "turndown";
import { z } from "zod";

const allow = new Set((process.env.DOCS_ALLOW || "").split(",").map((h) => h.trim()).filter(Boolean));
const td = new TurndownService();
const server = new McpServer({ name: "docs", version: "1.0.0" });

server.tool("fetch_doc", "Fetch a documentation page from an allowed host and return Markdown.",
  { url: z.string().url() },
  async ({ url }) => {
    const u = new URL(url);
    if (u.protocol !== "https:" || !allow.has(u.hostname)) {
      return { content: [{ type: "text", text: `host not allowed: ${u.hostname}` }], isError: true };
    }
    const res = await fetch(u, { redirect: "manual", credentials: "omit" });
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location"), u);
      if (!allow.has(next.hostname)) return { content: [{ type: "text", text: `redirect to disallowed host ${next.hostname}` }], isError: true };
    }
    const buf = await res.arrayBuffer();
    if (buf.byteLength > 2_000_000) return { content: [{ type: "text", text: "page too large" }], isError: true };
    return { content: [{ type: "text", text: td.turndown(new TextDecoder().decode(buf)) }] };
  });

await server.connect(new StdioServerTransport());
