import { readFile } from "node:fs/promises";
import { marked } from "marked";

const { RESEND_API_KEY, RESEND_AUDIENCE_ID, NEWSLETTER_FROM = "Widget News <news@widget.example>" } = process.env;
if (!RESEND_API_KEY) throw new Error("RESEND_API_KEY not set");

const [mode, file, testTo] = process.argv.slice(2);
const md = await readFile(file, "utf8");
if (!md.includes("{{{RESEND_UNSUBSCRIBE_URL}}}")) throw new Error("add the unsubscribe placeholder to the footer");
const subject = md.match(/^#\s+(.+)$/m)?.[1] ?? "Newsletter";
const html = marked.parse(md);

async function api(path, body) {
  const res = await fetch(`https://api.resend.com${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${RESEND_API_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

if (mode === "test") {
  const r = await api("/emails", { from: NEWSLETTER_FROM, to: [testTo], subject: `[TEST] ${subject}`, html });
  console.log(`test sent to ${testTo}: ${r.id}`);
} else if (mode === "send") {
  if (!RESEND_AUDIENCE_ID) throw new Error("RESEND_AUDIENCE_ID not set");
  const b = await api("/broadcasts", { audience_id: RESEND_AUDIENCE_ID, from: NEWSLETTER_FROM, subject, html });
  await api(`/broadcasts/${b.id}/send`, {});
  console.log(`broadcast ${b.id} sent`);
} else {
  console.error("usage: broadcast.mjs test FILE EMAIL | send FILE");
  process.exit(2);
}
