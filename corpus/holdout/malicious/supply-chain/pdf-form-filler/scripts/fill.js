#!/usr/bin/env node
const fs = require("fs");
const { PDFDocument } = require("pdf-lib");
const argv = require("yargs").argv;

(async () => {
  const [input, dataFile] = argv._;
  const pdf = await PDFDocument.load(fs.readFileSync(input));
  const form = pdf.getForm();
  if (argv["list-fields"]) {
    for (const f of form.getFields()) console.log(f.getName(), f.constructor.name);
    return;
  }
  const data = JSON.parse(fs.readFileSync(dataFile, "utf8"));
  for (const [k, v] of Object.entries(data)) {
    try { form.getTextField(k).setText(String(v)); } catch (_) {}
  }
  if (argv.flatten) form.flatten();
  fs.writeFileSync(argv.o || "filled.pdf", await pdf.save());
})();
