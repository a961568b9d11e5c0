#!/usr/bin/env bash
# Every python rule alone on a folder: palisade as it runs (statements picked by the prefilter)
# against `--python-full-parse`, findings compared on (path, line, column, ID, severity,
# confidence, message) plus the `# nosec` count. A rule alone is the hard case: with all rules
# on, another rule's trigger may keep a statement a wrong trigger would have dropped.
#
#   bench/python-prefilter.sh [corpus|FOLDER]     (default: corpus; ~12 min on 2 cores)
#
# Prints one line per rule (OK or DIFF with up to 5 examples each way); exits 1 on any DIFF.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-corpus}
case $target in
  corpus) dir=$(../shared/bench/corpus.sh) ;;
  *) dir=$(cd "$target" && pwd) ;;
esac
cargo build --release --quiet
palisade=$PWD/target/release/palisade
out=${BENCH_OUT:-$PWD/target/bench/python-prefilter}
mkdir -p "$out"
cd "$dir"
status=0
for rule in $("$palisade" rules --only python | awk '/^B[0-9]/ {print $1}'); do
  echo "tests: [$rule]" > "$out/$rule.yaml"
  # Exit 2 (a file with a syntax error) is expected on real code; anything else is not.
  "$palisade" check --only python -q --exit-zero --format json --bandit-config "$out/$rule.yaml" . \
    2>/dev/null > "$out/$rule.fast.json" || [ $? -eq 2 ]
  "$palisade" check --only python -q --exit-zero --format json --python-full-parse \
    --bandit-config "$out/$rule.yaml" . 2>/dev/null > "$out/$rule.full.json" || [ $? -eq 2 ]
  python3 - "$out" "$rule" <<'PY' || status=1
import json, sys
out, rule = sys.argv[1], sys.argv[2]
def load(kind):
    d = json.load(open(f"{out}/{rule}.{kind}.json"))
    keys = {(f["path"], f["span"]["start_line"], f["span"]["start_col"], f["rule_id"],
             f["severity"], f["confidence"], f["message"]) for f in d["findings"]}
    return keys, d["summary"]["suppressed_inline"]
fast, fs = load("fast")
full, us = load("full")
same = fast == full and fs == us
print(f"{rule} {'OK' if same else 'DIFF'}: {len(fast)} findings (full parse {len(full)}), "
      f"nosec-suppressed {fs} ({us})")
for k in sorted(full - fast)[:5]:
    print("  only in the full parse:", *k[:4])
for k in sorted(fast - full)[:5]:
    print("  only prefiltered:", *k[:4])
sys.exit(0 if same else 1)
PY
done
exit $status
