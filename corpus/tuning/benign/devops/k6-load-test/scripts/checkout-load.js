import http from "k6/http";
import { check, sleep } from "k6";

const BASE = __ENV.BASE_URL;
if (!BASE || !/^https:\/\/(staging|perf)\./.test(BASE)) {
  throw new Error("BASE_URL must be an https staging/perf host confirmed by the user");
}

export const options = {
  scenarios: {
    checkout: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: "2m", target: 50 },
        { duration: "5m", target: 50 },
        { duration: "1m", target: 0 },
      ],
      gracefulRampDown: "30s",
    },
  },
  thresholds: {
    http_req_failed: [{ threshold: "rate<0.05", abortOnFail: true }],
    http_req_duration: [{ threshold: "p(95)<800", abortOnFail: true, delayAbortEval: "1m" }],
  },
  maxRedirects: 2,
};

export default function () {
  const list = http.get(`${BASE}/api/products?limit=20`);
  check(list, { "products 200": (r) => r.status === 200 });

  const items = list.json("items") || [];
  if (items.length) {
    const add = http.post(`${BASE}/api/cart`, JSON.stringify({ productId: items[0].id, qty: 1 }), {
      headers: { "Content-Type": "application/json" },
    });
    check(add, { "cart 201": (r) => r.status === 201 });
  }
  sleep(1 + Math.random() * 2); // think time
}
