import { readFile, writeFile, stat } from "node:fs/promises";
import { dirname, resolve, extname } from "node:path";

const [input, ...rest] = process.argv.slice(2);
const maxIdx = rest.indexOf("--max");
const MAX = maxIdx >= 0 ? Number(rest[maxIdx + 1]) : 4096;
const MIME = { ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif" };

const svgToDataUri = (svg) =>
  "data:image/svg+xml," +
  svg.trim().replace(/\s+/g, " ").replace(/"/g, "'")
    .replace(/%/g, "%25").replace(/#/g, "%23").replace(/</g, "%3C").replace(/>/g, "%3E");

const src = await readFile(input, "utf8");
const base = dirname(resolve(input));
const skipped = [];
let saved = 0;

const pattern = /url\(\s*(['"]?)(?!data:|https?:|\/\/)([^'")]+)\1\s*\)|(src=)(["'])(?!data:|https?:|\/\/)([^"']+\.(?:svg|png|jpe?g|webp|gif))\4/g;
const matches = [...src.matchAll(pattern)];
let out = src;
for (const m of matches) {
  const ref = m[2] ?? m[5];
  const file = resolve(base, ref);
  const mime = MIME[extname(file).toLowerCase()];
  if (!mime) continue;
  const { size } = await stat(file);
  if (size > MAX) { skipped.push(`${ref} (${size} B)`); continue; }
  const data = await readFile(file);
  const uri = mime === "image/svg+xml" ? svgToDataUri(data.toString("utf8")) : `data:${mime};base64,${data.toString("base64")}`;
  out = out.replace(m[0], m[3] ? `src="${uri}"` : `url("${uri}")`);
  saved++;
}

const target = input.replace(/(\.\w+)$/, ".inlined$1");
await writeFile(target, out);
console.log(`inlined ${saved} reference(s) → ${target}`);
if (skipped.length) console.log(`kept as files (over ${MAX} B): ${skipped.join(", ")}`);
