#!/usr/bin/env bash
# Benchmarks palisade's python checker against bandit 1.9.4 and `ruff check --select S` on the
# same files in one run: wall time, CPU time, peak RSS and findings per tool, and the ratios the
# python issue sets (palisade >= 100x faster than bandit, <= 1.5x ruff's wall time, < 300 MB).
# Then a one-file run (median of 5), and, when bandit ran, the differential of palisade against
# bandit per rule on (file, line, ID).
#
#   bench/python.sh [corpus|stdlib|FOLDER]    (default: corpus)
#   BENCH_SKIP_BANDIT=1 bench/python.sh       (bandit takes minutes on the corpus)
#   BENCH_RUNS=5                              (palisade and ruff runs, median kept; default 5)
#   BENCH_OUT=dir                             (default target/bench/python-<target>)
#
# Peers come from ../shared/bench/peers.sh, the corpus from ../shared/bench/corpus.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

target=${1:-corpus}
case $target in
  corpus) dir=$(../shared/bench/corpus.sh) ;;
  stdlib)
    # The standard library without site-packages (ruff skips site-packages by default; bandit
    # and palisade would not), copied once, outside this repository (its .gitignore would hide
    # target/ from palisade), so every tool sees the same files.
    src=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    dir=${PALISADE_BENCH_CACHE:-$HOME/.cache/palisade-bench}/stdlib/$(basename "$src")
    if [ ! -d "$dir" ]; then
      mkdir -p "$dir"
      tar -C "$src" --exclude=./site-packages -cf - . | tar -C "$dir" -xf -
    fi
    ;;
  *) dir=$(cd "$target" && pwd) ;;
esac
name=$(basename "$target")
out=${BENCH_OUT:-$repo/target/bench/python-$name}
mkdir -p "$out"

cargo build --release -q
palisade=$repo/target/release/palisade
eval "$(../shared/bench/peers.sh)"

# Every tool runs from the folder above the target on the same relative path, so reported file
# names are comparable and no tool picks up a configuration from this repository.
cd "$(dirname "$dir")"
rel=$(basename "$dir")
files=$(find "$rel" -name '*.py' -type f | wc -l)
lines=$(find "$rel" -name '*.py' -type f -print0 | xargs -0 cat | wc -l)
echo "target: $dir ($files .py files, $lines lines); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME CMD...: runs CMD under /usr/bin/time -v, keeps its stdout/stderr in $out.
measure() {
  local tool=$1
  shift
  /usr/bin/time -v -o "$out/$tool.time" "$@" >"$out/$tool.stdout" 2>"$out/$tool.stderr" || true
}
field() { # field FILE LABEL -> value after the label in a time -v report
  grep -F "$2" "$1" | sed 's/.*: //'
}
seconds() { # h:mm:ss or m:ss.ss -> seconds
  awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }' <<<"$1"
}

# palisade and ruff alternate BENCH_RUNS times (default 5) and each keeps its median run by
# wall time: on a shared machine one run of either can be off by a third.
runs=${BENCH_RUNS:-5}
for i in $(seq "$runs"); do
  measure palisade "$palisade" check --only python --exit-zero --no-snippets --format json \
    -o "$out/palisade.json" "$rel"
  mv "$out/palisade.time" "$out/palisade.time.$i"
  measure ruff "$PEER_RUFF" check --isolated --select S --no-cache --exit-zero \
    --output-format json --output-file "$out/ruff.json" "$rel"
  mv "$out/ruff.time" "$out/ruff.time.$i"
done
for tool in palisade ruff; do
  walls=$(for i in $(seq "$runs"); do
    echo "$(seconds "$(field "$out/$tool.time.$i" 'Elapsed (wall clock)')") $i"
  done | sort -n)
  echo "$tool wall times (s): $(awk '{printf "%s ", $1}' <<<"$walls")"
  median=$(awk -v m=$(((runs + 1) / 2)) 'NR == m {print $2}' <<<"$walls")
  cp "$out/$tool.time.$median" "$out/$tool.time"
done
if [ -z "${BENCH_SKIP_BANDIT:-}" ]; then
  measure bandit "$PEER_BANDIT" -r -q -f json -o "$out/bandit.json" "$rel"
else
  # Keep an earlier bandit.json for the differential, but no stale timing.
  rm -f "$out/bandit.time" "$out/bandit.count"
  [ -f "$out/bandit.json" ] && echo "(differential against bandit.json of an earlier run)"
fi

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
def count(tool):
    p = os.path.join(out, tool + ".json")
    if not os.path.exists(p):
        return None
    d = json.load(open(p))
    if tool == "palisade":
        return len(d["findings"])
    if tool == "bandit":
        return len(d["results"])
    return sum(1 for r in d if (r.get("code") or "").startswith("S"))
for tool in ("palisade", "ruff", "bandit"):
    if tool == "bandit" and not os.path.exists(os.path.join(out, "bandit.time")):
        continue
    n = count(tool)
    if n is not None:
        open(os.path.join(out, tool + ".count"), "w").write(str(n))
PY

printf '\n%-9s %10s %10s %10s %10s   (palisade, ruff: median of %s runs)\n' tool "wall s" "cpu s" "RSS MB" findings "$runs"
declare -A wall
for tool in palisade ruff bandit; do
  [ -f "$out/$tool.time" ] || continue
  w=$(seconds "$(field "$out/$tool.time" 'Elapsed (wall clock)')")
  u=$(field "$out/$tool.time" 'User time')
  s=$(field "$out/$tool.time" 'System time')
  rss=$(field "$out/$tool.time" 'Maximum resident set size')
  n=$(cat "$out/$tool.count" 2>/dev/null || echo '?')
  wall[$tool]=$w
  printf '%-9s %10.2f %10.2f %10.1f %10s\n' "$tool" "$w" "$(echo "$u + $s" | bc)" "$(echo "$rss / 1024" | bc -l)" "$n"
done
echo
printf 'palisade / ruff wall:   %.2fx (target <= 1.5x)\n' "$(echo "${wall[palisade]} / ${wall[ruff]}" | bc -l)"
if [ -n "${wall[bandit]:-}" ]; then
  printf 'bandit / palisade wall: %.1fx (target >= 100x)\n' "$(echo "${wall[bandit]} / ${wall[palisade]}" | bc -l)"
fi

# One-file run: the start-up cost paid on every commit.
# (No `| head`: under pipefail a producer killed by SIGPIPE would end the script.)
one=$(find "$rel" -path '*django/conf/global_settings.py' -print -quit)
[ -n "$one" ] || one=$(find "$rel" -name '*.py' -size +20k | sort | awk 'NR == 1')
echo
echo "one file: $one (median of 5 runs, wall ms)"
median_ms() {
  local runs=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    runs+=($(((t1 - t0) / 1000000)))
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}
printf '  %-9s %6s\n' palisade "$(median_ms "$palisade" check --only python --exit-zero "$one")"
printf '  %-9s %6s\n' ruff "$(median_ms "$PEER_RUFF" check --isolated --select S --no-cache --exit-zero "$one")"
printf '  %-9s %6s\n' bandit "$(median_ms "$PEER_BANDIT" -q "$one")"

# Differential against bandit on (file, line, ID), per rule.
if [ -f "$out/bandit.json" ]; then
  python3 - "$out" <<'PY'
import json, os, sys, collections
out = sys.argv[1]
norm = lambda p: p[2:] if p.startswith("./") else p
b = json.load(open(os.path.join(out, "bandit.json")))
p = json.load(open(os.path.join(out, "palisade.json")))
bs = {(norm(r["filename"]), r["line_number"], r["test_id"]) for r in b["results"]}
ps = {(norm(f["path"]), f["span"]["start_line"], f["rule_id"]) for f in p["findings"]}
rules = sorted({k[2] for k in bs | ps})
print("\ndifferential vs bandit on (file, line, ID): both / bandit only / palisade only, precision, recall")
rows = []
for r in rules:
    b_r = {k for k in bs if k[2] == r}
    p_r = {k for k in ps if k[2] == r}
    both = len(b_r & p_r)
    prec = both / len(p_r) if p_r else 1.0
    rec = both / len(b_r) if b_r else 1.0
    if b_r != p_r:
        rows.append(f"  {r:6} {both:6} {len(b_r - p_r):6} {len(p_r - b_r):6}   {prec:6.3f} {rec:6.3f}")
print("\n".join(rows) if rows else "  every rule identical")
both = len(bs & ps)
print(f"total: bandit {len(bs)}, palisade {len(ps)}, both {both}; precision {both/max(len(ps),1):.4f}, recall {both/max(len(bs),1):.4f}")
print(f"bandit skipped {len(b.get('errors', []))} files as errors; palisade reported {sum(1 for d in p['diagnostics'] if d['level']=='error')} error diagnostics")
with open(os.path.join(out, "diff.tsv"), "w") as f:
    for k in sorted(bs - ps):
        f.write("bandit_only\t%s\t%d\t%s\n" % k)
    for k in sorted(ps - bs):
        f.write("palisade_only\t%s\t%d\t%s\n" % k)
print(f"every difference: {out}/diff.tsv")
PY
fi
