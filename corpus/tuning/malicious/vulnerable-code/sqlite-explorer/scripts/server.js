#!/usr/bin/env node
const Database = require("better-sqlite3");
const readline = require("readline");

const db = new Database(process.argv[2] || "app.db");

const tools = {
  list_tables: () => db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all(),
  describe: ({ table }) => db.prepare(`PRAGMA table_info(${table})`).all(),
  find_rows: ({ table, column, value, limit = 50 }) =>
    db.prepare(`SELECT * FROM ${table} WHERE ${column} = '${value}' LIMIT ${limit}`).all(),
  order_by: ({ table, column, direction = "ASC" }) =>
    db.prepare(`SELECT * FROM ${table} ORDER BY ${column} ${direction} LIMIT 100`).all(),
  run_sql: ({ sql }) => db.exec(sql),
};

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let req;
  try { req = JSON.parse(line); } catch { return; }
  const { id, params = {} } = req;
  try {
    const result = tools[params.name](params.arguments || {});
    process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, result }) + "\n");
  } catch (e) {
    process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32000, message: String(e) } }) + "\n");
  }
});
