#!/usr/bin/env bash
# Side-by-side run of skillvet and the Cisco AI Defense skill scanner (`skill-scanner`,
# PyPI package cisco-ai-skill-scanner, static + behavioural analyzers, no LLM) on the same
# skills: the benign corpus (../shared/corpus) and skillvet's labelled tier-1 fixtures.
# Prints skills/s of both and where their detections differ.
#
#   scripts/compare-peer.sh                 # builds skillvet (release) and a venv for the peer
#   SKILLVET_BIN=target/release/skillvet PEER_VENV=/tmp/venv scripts/compare-peer.sh
#
# The peer's code and rules are only run, never copied.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus/benign/trailofbits-skills}
FIXTURES=$ROOT/crates/skillvet_scanner/tests/fixtures/tier1
VENV=${PEER_VENV:-$ROOT/target/peer-venv}
# Pinned so that comparisons are repeatable; bump deliberately (`pip index versions
# cisco-ai-skill-scanner`) and note the version in results.
PEER_VERSION=2.3.2
OUT=${OUT:-$ROOT/target/compare-peer}

if [ ! -x "$VENV/bin/skill-scanner" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "cisco-ai-skill-scanner==$PEER_VERSION"
fi
installed=$("$VENV/bin/pip" show cisco-ai-skill-scanner | sed -n 's/^Version: //p')
if [ "$installed" != "$PEER_VERSION" ]; then
    echo "peer venv $VENV holds cisco-ai-skill-scanner $installed, not $PEER_VERSION" >&2
    exit 2
fi
if [ -z "${SKILLVET_BIN:-}" ]; then
    cargo build --quiet --release -p skillvet --manifest-path "$ROOT/Cargo.toml"
    SKILLVET_BIN=$ROOT/target/release/skillvet
fi

# One folder holding both sets (copies, so neither tool sees anything else).
rm -rf "$OUT" && mkdir -p "$OUT/skills"
cp -r "$CORPUS" "$OUT/skills/corpus"
cp -r "$FIXTURES" "$OUT/skills/fixtures"
# PROJECT_CORPUS=1 adds the project's labelled corpus (corpus/{tuning,holdout}); holdout
# cases are only counted, never listed.
if [ "${PROJECT_CORPUS:-0}" = 1 ]; then
    cp -r "$ROOT/corpus/tuning" "$OUT/skills/tuning"
    cp -r "$ROOT/corpus/holdout" "$OUT/skills/holdout"
fi
SKILLS=$(find "$OUT/skills" -name SKILL.md | wc -l)

now() { date +%s.%N; }
t0=$(now)
"$SKILLVET_BIN" scan "$OUT/skills" --format json --fail-on never -o "$OUT/skillvet.json"
t1=$(now)
"$VENV/bin/skill-scanner" --version > "$OUT/peer-version.txt" 2>&1 || true
/usr/bin/time -f "%U %S" -o "$OUT/peer-cpu.txt" \
    "$VENV/bin/skill-scanner" scan-all "$OUT/skills" --recursive --use-behavioral \
    --format json -o "$OUT/peer.json" > "$OUT/peer.log" 2>&1 || true
t2=$(now)

python3 - "$OUT" "$SKILLS" "$t0" "$t1" "$t2" <<'PY'
import json, sys, os
out, n, t0, t1, t2 = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
sv = json.load(open(os.path.join(out, "skillvet.json")))
peer = json.load(open(os.path.join(out, "peer.json")))
cpu = sum(map(float, open(os.path.join(out, "peer-cpu.txt")).read().split()[-2:]))
base = os.path.join(out, "skills") + "/"

def key(p):
    return p[len(base):] if p.startswith(base) else p

ours = {s["skill"]["path"]: s for s in sv["skills"]}
theirs = {key(r["skill_path"]): r for r in peer["results"]}
sv_rate = len(ours) / (t1 - t0)
peer_rate = len(theirs) / (t2 - t1)
print(f"skills: {n} (skillvet scanned {len(ours)}, skill-scanner {len(theirs)})")
print(f"skillvet:      {t1 - t0:7.2f} s wall  {sv_rate:8.1f} skills/s")
print(f"skill-scanner: {t2 - t1:7.2f} s wall  {peer_rate:8.1f} skills/s  ({cpu:.1f} s CPU)")
print(f"speed-up: {sv_rate / peer_rate:.0f}x wall")

def sv_flag(s):
    return s["verdict"] != "PASS"

def peer_flag(r):
    return r.get("max_severity", "SAFE") in ("HIGH", "CRITICAL")

def sv_rules(s):
    return sorted({f["rule_id"] for f in s["findings"] if f["severity"] in ("critical", "high")})

def peer_rules(r):
    return sorted({f["rule_id"] for f in r["findings"] if f["severity"] in ("CRITICAL", "HIGH")})

rows = {"corpus": [0, 0, 0], "fixtures-malicious": [0, 0, 0], "fixtures-benign": [0, 0, 0]}
diffs = []

def group_of(path):
    if path.startswith("corpus/"):
        return "corpus"
    top = path.split("/")
    if top[0] in ("tuning", "holdout") and len(top) > 1:
        return f"{top[0]}-{top[1]}"
    return "fixtures-benign" if "/benign-" in path else "fixtures-malicious"

for path in sorted(set(ours) | set(theirs)):
    s, r = ours.get(path), theirs.get(path)
    group = group_of(path)
    rows.setdefault(group, [0, 0, 0])
    a = s is not None and sv_flag(s)
    b = r is not None and peer_flag(r)
    rows[group][0] += 1
    rows[group][1] += a
    rows[group][2] += b
    if a != b and not group.startswith("holdout"):
        diffs.append((group, path, s, r))

print("\nflagged (skillvet: CONCERNS/FAIL; skill-scanner: max severity HIGH/CRITICAL)")
print(f"{'set':<20}{'skills':>8}{'skillvet':>10}{'peer':>8}")
for g, (total, a, b) in rows.items():
    print(f"{g:<20}{total:>8}{a:>10}{b:>8}")
if sv["skills"]:
    fails = sum(1 for s in ours.values() if s["skill"]["path"].startswith("corpus/") and s["verdict"] == "FAIL")
    conc = sum(1 for s in ours.values() if s["skill"]["path"].startswith("corpus/") and s["verdict"] == "CONCERNS")
    print(f"skillvet on the benign corpus: {fails} FAIL, {conc} CONCERNS")

print(f"\ndetections that differ ({len(diffs)}):")
for group, path, s, r in diffs:
    sv_v = f"{s['verdict']} {s['score']}" if s else "not scanned"
    pr_v = r.get("max_severity", "?") if r else "not scanned"
    print(f"- [{group}] {path}: skillvet {sv_v}, skill-scanner {pr_v}")
    if s and sv_rules(s):
        print(f"    skillvet high+: {', '.join(sv_rules(s))}")
    if r and peer_rules(r):
        print(f"    peer high+:     {', '.join(peer_rules(r))}")
PY
