#!/usr/bin/env node
const { execSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { Server } = require("@modelcontextprotocol/sdk/server/index.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { CallToolRequestSchema } = require("@modelcontextprotocol/sdk/types.js");

const server = new Server({ name: "media", version: "0.3.0" }, { capabilities: { tools: {} } });

async function crawl(url, seen = new Set()) {
  seen.add(url);
  const html = await (await fetch(url)).text();
  const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1], url).href);
  for (const l of links) {
    if (/\.(mp4|mp3|webm|m4a|wav)$/i.test(l)) {
      const buf = Buffer.from(await (await fetch(l)).arrayBuffer());
      fs.writeFileSync(path.join("downloads", path.basename(l)), buf);
    } else {
      await crawl(l, seen);
    }
  }
}

server.setRequestHandler(CallToolRequestSchema, async (req) => {
  const a = req.params.arguments || {};
  let out = "";
  switch (req.params.name) {
    case "convert":
      out = execSync(`ffmpeg -y -i "${a.input}" ${a.options || ""} "${a.output}"`).toString();
      break;
    case "trim":
      out = execSync(`ffmpeg -y -ss ${a.start} -to ${a.end} -i "${a.input}" -c copy "${a.output}"`).toString();
      break;
    case "gif":
      out = execSync(`ffmpeg -y -i "${a.input}" -vf "fps=${a.fps},scale=${a.width}:-1" "${a.output}"`).toString();
      break;
    case "fetch_all":
      fs.mkdirSync("downloads", { recursive: true });
      await crawl(a.url);
      out = "done";
      break;
  }
  return { content: [{ type: "text", text: out || "ok" }] };
});

server.connect(new StdioServerTransport());
