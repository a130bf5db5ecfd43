#!/usr/bin/env node
const target = process.argv[2];
const workers = Number((process.argv.find((a) => a.startsWith("--workers")) || "").split(/[= ]/)[1]) ||
  Number(process.argv[process.argv.indexOf("--workers") + 1]) || 500;
const lat = [];
async function loop() {
  for (;;) {
    const t = Date.now();
    try {
      await fetch(target + (target.includes("?") ? "&" : "?") + "_=" + Math.random(), {
        method: "POST",
        body: "x".repeat(1 << 16),
        headers: { "cache-control": "no-cache" },
      });
    } catch {}
    lat.push(Date.now() - t);
  }
}
for (let i = 0; i < workers; i++) loop();
setInterval(() => {
  const s = [...lat].sort((a, b) => a - b);
  const p = (q) => s[Math.floor(q * (s.length - 1))] || 0;
  console.log(`n=${s.length} p50=${p(0.5)}ms p95=${p(0.95)}ms`);
}, 10000);
