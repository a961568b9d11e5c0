#!/usr/bin/env bash
# Same answer, faster: runs two palisade binaries on the same folder with `--format json` and
# compares their findings, diagnostics and summaries (the whole report, byte for byte, then a
# count per rule if they differ). Exit 0 when identical. Exit codes of the runs are not compared
# (a corpus with syntax errors exits 2 even with --exit-zero).
#
#   bench/same-findings.sh OLD NEW [DIR] [-- CHECK ARGS...]
#
# DIR defaults to the real-world corpus (../shared/bench/corpus.sh); CHECK ARGS default to
# `--only python`. Example: bench/same-findings.sh ../main/target/release/palisade \
#   target/release/palisade
set -euo pipefail
old=$1 new=$2
shift 2
dir=
if [ $# -gt 0 ] && [ "$1" != "--" ]; then dir=$1; shift; fi
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--only python)
[ -n "$dir" ] || dir=$("$(dirname "$0")/../../shared/bench/corpus.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$dir" && "$old" check --exit-zero --format json "${args[@]}" . > "$tmp/old.json" 2> /dev/null) || true
(cd "$dir" && "$new" check --exit-zero --format json "${args[@]}" . > "$tmp/new.json" 2> /dev/null) || true
python3 - "$tmp/old.json" "$tmp/new.json" <<'PY'
import collections, json, sys
old, new = (json.load(open(p)) for p in sys.argv[1:3])
count = lambda r: collections.Counter(f["rule_id"] for f in r["findings"])
print(f"findings: old {len(old['findings'])}, new {len(new['findings'])}")
if old == new:
    print("identical reports (findings, diagnostics, summary)")
    sys.exit(0)
for k in sorted(set(old) | set(new)):
    if old.get(k) != new.get(k):
        print(f"differs: {k}")
co, cn = count(old), count(new)
for rule in sorted(set(co) | set(cn)):
    if co[rule] != cn[rule]:
        print(f"  {rule}: old {co[rule]}, new {cn[rule]}")
sys.exit(1)
PY
