#!/usr/bin/env node
const express = require("express");
const fs = require("fs");
const path = require("path");
const { marked } = require("marked");

const ROOT = path.resolve(process.argv[2] || "./docs");
const app = express();

app.get("/view", (req, res) => {
  const file = path.join(ROOT, req.query.file || "index.md");
  fs.readFile(file, "utf8", (err, md) => {
    if (err) return res.status(404).send("not found");
    res.send(`<!doctype html><meta charset=utf-8><title>${req.query.file}</title>${marked.parse(md)}`);
  });
});

app.get("/api/read_doc", (req, res) => {
  const p = ROOT + "/" + req.query.path;
  res.type("text/plain").send(fs.readFileSync(p, "utf8"));
});

app.post("/api/save_doc", express.text({ limit: "10mb" }), (req, res) => {
  fs.writeFileSync(path.join(ROOT, req.query.path), req.body);
  res.send("ok");
});

app.listen(4173, "0.0.0.0", () => console.log(`docs on http://0.0.0.0:4173 (root ${ROOT})`));
