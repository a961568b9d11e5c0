#!/usr/bin/env bash
# Start-up cost of one small commit: palisade (all checkers, then each checker alone) against
# `ruff check --select S` and banditrs, on bench/data/startup.py (31 lines; B602 and B324).
#
# 1. Instructions, counted with valgrind's callgrind (all threads; repeatable on a noisy
#    machine, unlike wall time).
# 2. Wall time, paired and alternating: every round runs each command once, in a rotating
#    order, so drift in the machine's load hits all of them alike; medians and the median of
#    the per-round ratios to ruff are printed.
#
#   bench/startup.sh [--palisade BIN] [--rounds N]
#
# BIN defaults to target/release/palisade (built with `cargo build --release` when missing);
# pass target/x86_64-unknown-linux-gnu/dist/palisade to measure the shipped build. ruff 0.17.5
# and banditrs 0.2.1 are installed from PyPI into target/bench-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

palisade=""
rounds=21
while [ $# -gt 0 ]; do
  case "$1" in
    --palisade) palisade="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "startup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$palisade" ]; then
  palisade=target/release/palisade
  [ -x "$palisade" ] || cargo build --release --locked >&2
fi
palisade=$(cd "$(dirname "$palisade")" && pwd)/$(basename "$palisade")
command -v valgrind >/dev/null || { echo "startup.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }

venv="${PALISADE_BENCH_VENV:-$repo/target/bench-venv}"
if [ ! -x "$venv/bin/ruff" ] || [ ! -x "$venv/bin/banditrs" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check ruff==0.17.5 banditrs==0.2.1 >&2
fi

# The file alone in a scratch folder: no configuration of this repository is found upward.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp bench/data/startup.py "$work/"
cd "$work"

names=("palisade (all)" "palisade secrets" "palisade python" "palisade deps" "ruff --select S" "banditrs")
cmds=(
  "$palisade check startup.py"
  "$palisade check --only secrets startup.py"
  "$palisade check --only python startup.py"
  "$palisade check --only deps startup.py"
  "$venv/bin/ruff check --no-cache --isolated --select S startup.py"
  "$venv/bin/banditrs -q startup.py"
)

echo "file: bench/data/startup.py ($(wc -l < startup.py) lines); palisade: $("$palisade" --version)"
echo "ruff $("$venv/bin/ruff" --version | cut -d' ' -f2), banditrs 0.2.1; $(nproc) cores"
echo
printf '%-18s %14s %8s\n' command instructions exit
for i in "${!names[@]}"; do
  # Word splitting of the command is intended: paths hold no spaces (checked above by cd).
  # shellcheck disable=SC2086
  out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null ${cmds[$i]} 2>&1 >/dev/null) && code=0 || code=$?
  n=$(printf '%s\n' "$out" | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -n 1)
  [ -n "$n" ] || { echo "startup.sh: no instruction count for ${names[$i]}: $out" >&2; exit 1; }
  # valgrind passes the program's exit code through.
  printf '%-18s %14s %8s\n' "${names[$i]}" "$n" "$code"
done | tee "$work/ir.txt"
python3 - "$work/ir.txt" <<'PY'
import sys
rows = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
counts = {}
for r in rows:
    name, n = r[:18].strip(), int(r[18:33])
    counts[name] = n
ruff = counts["ruff --select S"]
band = counts["banditrs"]
print()
for name, n in counts.items():
    print(f"{name:<18} {n / 1e6:8.2f} M instructions  {n / ruff:5.2f}x ruff  {n / band:5.2f}x banditrs")
PY

echo
echo "wall time, $rounds paired rounds (rotating order):"
python3 - "$rounds" "${names[@]}" -- "${cmds[@]}" <<'PY'
import statistics, subprocess, sys, time
args = sys.argv[2:]
sep = args.index("--")
names, cmds = args[:sep], [c.split() for c in args[sep + 1:]]
rounds = int(sys.argv[1])
times = {n: [] for n in names}
for cmd in cmds:  # one unmeasured warm-up each (page cache)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for r in range(rounds):
    order = list(range(len(cmds)))
    order = order[r % len(order):] + order[:r % len(order)]
    for i in order:
        t = time.perf_counter()
        subprocess.run(cmds[i], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[names[i]].append(time.perf_counter() - t)
ruff = times["ruff --select S"]
band = times["banditrs"]
print(f"{'command':<18} {'median ms':>10} {'ratio to ruff (median of pairs)':>32} {'to banditrs':>12}")
for n in names:
    t = times[n]
    to_ruff = statistics.median(a / b for a, b in zip(t, ruff))
    to_band = statistics.median(a / b for a, b in zip(t, band))
    print(f"{n:<18} {statistics.median(t) * 1e3:10.2f} {to_ruff:32.2f} {to_band:12.2f}")
PY
