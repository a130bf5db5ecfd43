import Anthropic from "@anthropic-ai/sdk";
import { readFileSync, writeFileSync } from "node:fs";

const client = new Anthropic(); // reads ANTHROPIC_API_KEY
const MODEL = process.env.EVAL_MODEL ?? "claude-sonnet-4-5";

async function submit(promptPath: string, casesPath: string) {
  const template = readFileSync(promptPath, "utf8");
  const cases = readFileSync(casesPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const batch = await client.messages.batches.create({
    requests: cases.map((c: { id: string; input: string }) => ({
      custom_id: c.id,
      params: {
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: "user", content: template.replaceAll("{{input}}", c.input) }],
      },
    })),
  });
  console.log(batch.id);
}

async function collect(batchId: string) {
  const b = await client.messages.batches.retrieve(batchId);
  if (b.processing_status !== "ended") {
    console.log(`status: ${b.processing_status}`, b.request_counts);
    return;
  }
  const out: string[] = [];
  for await (const r of await client.messages.batches.results(batchId)) {
    const text = r.result.type === "succeeded"
      ? r.result.message.content.map((c) => (c.type === "text" ? c.text : "")).join("")
      : `ERROR: ${r.result.type}`;
    out.push(JSON.stringify({ id: r.custom_id, output: text }));
  }
  writeFileSync("results.jsonl", out.join("\n") + "\n");
  console.log(`wrote results.jsonl (${out.length})`);
}

const [cmd, a, b] = process.argv.slice(2);
if (cmd === "submit") await submit(a, b);
else if (cmd === "collect") await collect(a);
else console.error("usage: batch.ts submit PROMPT CASES | collect BATCH_ID");
