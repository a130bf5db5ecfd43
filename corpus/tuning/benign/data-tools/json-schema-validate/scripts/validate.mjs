import { readFile } from "node:fs/promises";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error("usage: validate.mjs SCHEMA FILE...");
  process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(await readFile(schemaPath, "utf8")));

let failed = 0;
for (const f of files) {
  const text = await readFile(f, "utf8");
  const data = /\.ya?ml$/i.test(f) ? YAML.parse(text) : JSON.parse(text);
  if (validate(data)) {
    console.log(`ok   ${f}`);
  } else {
    failed++;
    for (const e of validate.errors) console.log(`FAIL ${f}: ${e.instancePath || "/"} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
