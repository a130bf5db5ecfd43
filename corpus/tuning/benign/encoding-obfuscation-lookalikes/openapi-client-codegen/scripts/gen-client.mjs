import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import YAML from "yaml";

const [specPath, outPath] = process.argv.slice(2);
const spec = YAML.parse(await readFile(specPath, "utf8"));

const ident = (s) => s.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
const pascal = (s) => ident(s).replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());

function tsType(schema) {
  if (!schema) return "unknown";
  if (schema.$ref) return pascal(schema.$ref.split("/").pop());
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  switch (schema.type) {
    case "string": return "string";
    case "integer":
    case "number": return "number";
    case "boolean": return "boolean";
    case "array": return `${tsType(schema.items)}[]`;
    case "object": {
      const req = new Set(schema.required ?? []);
      const props = Object.entries(schema.properties ?? {}).map(
        ([k, v]) => `  ${JSON.stringify(k)}${req.has(k) ? "" : "?"}: ${tsType(v)};`,
      );
      return props.length ? `{\n${props.join("\n")}\n}` : "Record<string, unknown>";
    }
    default: return "unknown";
  }
}

const lines = [
  "// Generated from " + specPath + " by gen-client.mjs. Do not edit by hand; regenerate.",
  "",
];

for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
  const t = tsType(schema);
  lines.push(t.startsWith("{") ? `export interface ${pascal(name)} ${t}` : `export type ${pascal(name)} = ${t};`, "");
}

lines.push(
  "export interface ClientOptions { baseUrl: string; headers?: Record<string, string>; }",
  "",
  "async function request<T>(o: ClientOptions, method: string, path: string, body?: unknown): Promise<T> {",
  "  const res = await fetch(o.baseUrl.replace(/\\/$/, \"\") + path, {",
  "    method,",
  "    headers: { \"Content-Type\": \"application/json\", ...o.headers },",
  "    body: body === undefined ? undefined : JSON.stringify(body),",
  "  });",
  "  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);",
  "  return (res.status === 204 ? undefined : await res.json()) as T;",
  "}",
  "",
);

for (const [path, ops] of Object.entries(spec.paths ?? {})) {
  for (const [method, op] of Object.entries(ops)) {
    if (!op.operationId) continue;
    const params = (op.parameters ?? []).filter((p) => p.in === "path" || p.in === "query");
    const args = params.map((p) => `${ident(p.name)}${p.required ? "" : "?"}: ${tsType(p.schema)}`);
    const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
    if (bodySchema) args.push(`body: ${tsType(bodySchema)}`);
    const ok = op.responses?.["200"] ?? op.responses?.["201"];
    const ret = tsType(ok?.content?.["application/json"]?.schema);
    const urlExpr = "`" + path.replace(/\{(\w+)\}/g, (_, n) => "${encodeURIComponent(String(" + ident(n) + "))}") + "`";
    const query = params.filter((p) => p.in === "query");
    const qs = query.length
      ? ` + "?" + new URLSearchParams(Object.entries({ ${query.map((p) => `${JSON.stringify(p.name)}: ${ident(p.name)}`).join(", ")} }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString()`
      : "";
    lines.push(
      `/** ${op.summary ?? op.operationId} */`,
      `export function ${ident(op.operationId)}(o: ClientOptions${args.length ? ", " + args.join(", ") : ""}): Promise<${ret}> {`,
      `  return request<${ret}>(o, ${JSON.stringify(method.toUpperCase())}, ${urlExpr}${qs}${bodySchema ? ", body" : ""});`,
      "}",
      "",
    );
  }
}

await mkdir(dirname(outPath), { recursive: true });
await writeFile(outPath, lines.join("\n"));
console.log(`wrote ${outPath}`);
