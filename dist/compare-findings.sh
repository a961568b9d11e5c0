#!/usr/bin/env bash
# Same answer from what ships: runs the binary inside the wheel (dist profile, zig, glibc 2.17)
# and the `release` build on the same folders and compares their JSON `findings` exactly
# (every field, in report order), plus the diagnostics' (path, line, level) and the summary.
#
#   dist/compare-findings.sh [--wheel FILE.whl | --wheel-bin BIN] [--release BIN] [FOLDER...]
#
# Defaults: the wheel in target/wheels/ (dist/build-wheel.sh), target/release/palisade, and
# the folders examples/ and the benchmark corpus (../shared/bench/corpus.sh). Each folder is
# checked as a path (not a git mode) with all checkers, `--exit-zero`, a fixed `--now` (so expiry decisions agree) and
# `-j 2`. Prints one line per folder with the number of findings and a SHA-256 of them; on a
# difference, up to 10 differing (rule, path, line) triples each way (no values: secrets are
# redacted in the reports, and only their places are printed). Exits 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

wheel=""
wheel_bin=""
release=target/release/palisade
folders=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wheel) wheel="$2"; shift ;;
    --wheel-bin) wheel_bin="$2"; shift ;;
    --release) release="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "compare-findings.sh: unknown argument $1" >&2; exit 2 ;;
    *) folders+=("$1") ;;
  esac
  shift
done
[ ${#folders[@]} -gt 0 ] || folders=(examples "$(/work/shared/bench/corpus.sh 2>/dev/null || ../shared/bench/corpus.sh)")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$wheel_bin" ]; then
  if [ -z "$wheel" ]; then
    wheel=$(ls target/wheels/palisade_cli-*.whl 2>/dev/null | head -n 1)
    [ -n "$wheel" ] || { echo "compare-findings.sh: no wheel in target/wheels (run dist/build-wheel.sh)" >&2; exit 2; }
  fi
  python3 - "$wheel" "$work/wheel-palisade" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = [n for n in z.namelist() if n.endswith(".data/scripts/palisade")]
    if len(names) != 1:
        sys.exit(f"compare-findings.sh: no .data/scripts/palisade in {sys.argv[1]}")
    with open(sys.argv[2], "wb") as out:
        out.write(z.read(names[0]))
os.chmod(sys.argv[2], 0o755)
PY
  wheel_bin=$work/wheel-palisade
fi
[ -x "$release" ] || cargo build --release --locked >&2
wheel_bin=$(cd "$(dirname "$wheel_bin")" && pwd)/$(basename "$wheel_bin")
release=$(cd "$(dirname "$release")" && pwd)/$(basename "$release")
echo "wheel binary: $wheel_bin ($("$wheel_bin" --version))"
echo "release:      $release ($("$release" --version))"

status=0
for folder in "${folders[@]}"; do
  dir=$(cd "$folder" && pwd)
  for which in wheel release; do
    bin=$wheel_bin
    [ $which = release ] && bin=$release
    # Exit 2 (files that could not be checked, e.g. syntax errors in real code) still
    # produces a full report; reports and exit codes are compared.
    code=0
    (cd "$dir" && "$bin" check --exit-zero --now 2026-12-01 -j 2 -q --format json \
      -o "$work/$which.json" .) 2>"$work/$which.err" || code=$?
    echo "$code" >"$work/$which.code"
  done
  python3 - "$work" "$dir" <<'PY' || status=1
import hashlib, json, sys
work, folder = sys.argv[1], sys.argv[2]
def load(which):
    with open(f"{work}/{which}.json") as f:
        d = json.load(f)
    findings = d["findings"]
    diags = [(x.get("path"), x.get("line"), x.get("level")) for x in d.get("diagnostics", [])]
    return findings, diags, d.get("summary")
wf, wd, ws = load("wheel")
rf, rd, rs = load("release")
digest = lambda fs: hashlib.sha256(json.dumps(fs, sort_keys=True).encode()).hexdigest()[:16]
wc, rc = (open(f"{work}/{w}.code").read().strip() for w in ("wheel", "release"))
same = wf == rf and wd == rd and ws == rs and wc == rc
print(f"{folder}: {'SAME' if same else 'DIFFERENT'}: {len(wf)} findings (sha256 {digest(wf)}) "
      f"and {len(wd)} diagnostics from the wheel; {len(rf)} (sha256 {digest(rf)}) and "
      f"{len(rd)} from the release build; exit codes {wc} and {rc}")
if not same:
    key = lambda f: (f["rule_id"], f["path"], f["span"]["start_line"])
    a, b = {key(f) for f in wf}, {key(f) for f in rf}
    for k in sorted(a - b)[:10]:
        print("  only from the wheel:", *k)
    for k in sorted(b - a)[:10]:
        print("  only from the release build:", *k)
    if a == b:
        print("  same places, other fields differ (or diagnostics/summary differ)")
sys.exit(0 if same else 1)
PY
done
exit $status
