#!/usr/bin/env bash
# Hostile inputs (issue 11): for each input class, palisade's wall time, CPU time (user + system)
# and peak memory at a size n and at 4n, and the 4n/n ratios. On a shared machine the CPU time is
# the steadier figure: wall time also counts the time the other processes held the cores. A scaling benchmark, not a test: linear work shows a time
# ratio near 4, quadratic work near 16. Each run has a time limit (`--timeout`, default 60 s); a
# run that hits it is shown as `>limit`.
#
#   bench/hostile.sh [--palisade PATH] [--timeout S] [--mem-limit MB] [--only CLASS,...]
#                    [--size CLASS:N] [--sixteen]
#
# `--size CLASS:N` runs CLASS at N and 4N instead of its stated size (repeatable): issue 11 asks
# for bounded memory up to 16 MB, e.g. `--only long-line --size long-line:4194304`.
# `--sixteen` sizes every class whose input grows with n so that its 4n input is about 16 MB
# (the `in_MB` column gives the size of the 4n input).
#
# Each run's address space is capped (`--mem-limit`, default 4096 MB) so that a binary that
# needs gigabytes (main before issue 11 needed 5.3 GB for one 256 KB line) fails with `abort`
# instead of pushing the shared machine into swap.
#
# Without --palisade it builds the release binary of this checkout. The machine is shared: run
# it by hand, never in a loop.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

palisade=
limit=60
mem=4096
only=
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --palisade) palisade=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --mem-limit) mem=$2; shift 2 ;;
    --size) sizes+=("$2"); shift 2 ;;
    --sixteen)
      sizes+=(b608-concat:240000 b608-percent:360000 long-line:4194304 python-nesting:2097152
        python-lists:2097152 fullwidth:180000 yaml-flow:800000 workflow-flow:2097152
        toml-nesting:2097152 json-nesting:600000)
      shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$palisade" ]; then
  cargo build --release -q
  palisade=$repo/target/release/palisade
fi
palisade=$(cd "$(dirname "$palisade")" && pwd)/$(basename "$palisade")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gen CLASS N DIR: writes the input of CLASS at size N into DIR and prints the arguments of
# `palisade check` (run inside DIR).
gen() {
  python3 - "$@" <<'PY'
import os, sys, zipfile
cls, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(d, exist_ok=True)
def w(name, data, mode="w"):
    p = os.path.join(d, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, mode) as f:
        f.write(data)
big = "--max-file-size 100000000"
if cls == "b608-concat":
    # n string literals in one `+` expression.
    w("q.py", "q = (\"SELECT a FROM t WHERE b = '\"\n" + "".join(f"     + 'x{i}'\n" for i in range(n)) + ")\n")
    print(f"{big} --only python q.py")
elif cls == "b608-percent":
    w("q.py", "q = 'SELECT %s FROM t' " + "".join(f"% 'a{i}' " for i in range(n)) + "\n")
    print(f"{big} --only python q.py")
elif cls == "long-line":
    # One line of n bytes, a finding every 8 bytes.
    w("l.py", "eval(x);" * (n // 8) + "\n")
    print(f"{big} --only python l.py")
elif cls == "python-nesting":
    # Brackets n deep in a call a rule looks at (CPython refuses more than 200).
    w("n.py", "x = eval(" + "(" * n + "1" + ")" * n + ")\n")
    print(f"{big} --only python n.py")
elif cls == "python-lists":
    # Lists n deep as an argument a rule converts (a recursion before issue 11).
    w("n.py", "subprocess.call(" + "[" * n + "]" * n + ", shell=True)\n")
    print(f"{big} --only python n.py")
elif cls == "fullwidth":
    # n lines calling eval and os.system through full-width names.
    w("f.py", "import ｏｓ\n" + "ｅｖａｌ(x)\nｏｓ.ｓｙｓｔｅｍ(x)\n" * (n // 2))
    print(f"{big} --only python f.py")
elif cls == "yaml-flow":
    w(".pre-commit-config.yaml", "repos: " + "{a: " * n + "b" + "}" * n + "\n")
    print(f"{big} --only deps .pre-commit-config.yaml")
elif cls == "workflow-flow":
    w(".github/workflows/ci.yml", "on: push\njobs: " + "[" * n + "x" + "]" * n + "\n")
    print(f"{big} --only deps .github/workflows/ci.yml")
elif cls == "toml-nesting":
    w("pyproject.toml", "[project]\nname = 'x'\ndependencies = " + "[" * n + "'a'" + "]" * n + "\n")
    print(f"{big} --only deps pyproject.toml")
elif cls == "json-nesting":
    w("Pipfile.lock", '{"default": ' + '{"a": ' * n + "1" + "}" * n + "}\n")
    print(f"{big} --only deps Pipfile.lock")
elif cls == "includes":
    # requirements.txt includes n files of one pin each.
    w("requirements.txt", "".join(f"-r r/{i}.txt\n" for i in range(n)))
    for i in range(n):
        w(f"r/{i}.txt", f"pkg{i}=={i}.0\n")
    print(f"{big} --only deps requirements.txt")
elif cls == "zip-bomb":
    # An advisory archive whose one record inflates to n MiB of blanks.
    with zipfile.ZipFile(os.path.join(d, "all.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("PYSEC-1.json", "w", force_zip64=True) as f:
            f.write(b"{")
            chunk = b" " * (1 << 20)
            for _ in range(n):
                f.write(chunk)
            f.write(b"}")
    w("requirements.txt", "requests==2.19.0\n")
    print(f"--only deps --advisory-db all.zip --allow-stale requirements.txt")
elif cls == "fifo-include":
    os.mkfifo(os.path.join(d, "fifo.txt"))
    w("requirements.txt", "-r fifo.txt\n" + "".join(f"pkg{i}=={i}.0\n" for i in range(n)))
    print(f"--only deps requirements.txt")
else:
    sys.exit(f"unknown class {cls}")
PY
}

classes="b608-concat:10000 b608-percent:10000 long-line:262144 python-nesting:5000 python-lists:5000
fullwidth:10000
yaml-flow:5000 workflow-flow:5000 toml-nesting:5000 json-nesting:5000 includes:1000 zip-bomb:256
fifo-include:1000"

# run DIR ARGS: prints "seconds cpu-seconds peak-MB exit" of one palisade run in DIR.
run() {
  local dir=$1 rc=0 secs kb user sys cpu
  shift
  (cd "$dir" && ulimit -v $((mem * 1024)) && /usr/bin/time -o "$tmp/time" -f '%e %M %U %S' \
    timeout "$limit" "$palisade" check -q --exit-zero --format json "$@" > /dev/null 2>&1) || rc=$?
  read -r secs kb user sys < <(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$tmp/time" | tail -1)
  cpu=$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.2f}')" "$user" "$sys")
  if [ "$rc" = 124 ]; then secs=">$limit" cpu=">$limit"; fi
  # An allocation refused under the cap, or a stack overflow, aborts the process.
  if [ "$rc" = 134 ] || [ "$rc" = 137 ]; then secs="abort" cpu="abort"; fi
  echo "$secs $cpu $((kb / 1024)) $rc"
}

fmt='%-15s %8s %8s %8s %8s %8s %6s %8s %8s %8s %7s %7s %7s\n'
# shellcheck disable=SC2059
printf "$fmt" class n time_s cpu_s peak_MB 4n in_MB time_s cpu_s peak_MB t_ratio c_ratio m_ratio
for entry in $classes; do
  cls=${entry%%:*}; n=${entry##*:}
  for s in "${sizes[@]}"; do
    if [ "${s%%:*}" = "$cls" ]; then n=${s##*:}; fi
  done
  if [ -n "$only" ] && [[ ",$only," != *",$cls,"* ]]; then continue; fi
  rows=()
  for size in "$n" "$((n * 4))"; do
    dir=$tmp/$cls-$size
    args=$(gen "$cls" "$size" "$dir")
    # shellcheck disable=SC2086
    rows+=("$(run "$dir" $args)")
    in_mb=$(du -sb "$dir" | awk '{printf "%.1f", $1 / 1048576}')
    rm -rf "$dir"
  done
  read -r t1 c1 m1 rc1 <<< "${rows[0]}"
  read -r t2 c2 m2 rc2 <<< "${rows[1]}"
  ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print('-' if not a.replace('.','').isdigit() or not b.replace('.','').isdigit() or float(a)==0 else f'{float(b)/float(a):.1f}')" "$1" "$2"; }
  # shellcheck disable=SC2059
  printf "$fmt" "$cls" "$n" "$t1" "$c1" "$m1" "$((n * 4))" "$in_mb" "$t2" "$c2" "$m2" \
    "$(ratio "$t1" "$t2")" "$(ratio "$c1" "$c2")" "$(ratio "$m1" "$m2")"
  if [ "$rc1" != 0 ] && [ "$rc1" != 1 ] && [ "$rc1" != 2 ]; then echo "  (n: exit $rc1)"; fi
  if [ "$rc2" != 0 ] && [ "$rc2" != 1 ] && [ "$rc2" != 2 ]; then echo "  (4n: exit $rc2)"; fi
done
