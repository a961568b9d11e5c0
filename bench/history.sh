#!/usr/bin/env bash
# History benchmark (issue 13): `palisade check --history` (every commit of every ref) against
# `gitleaks git` and `betterleaks git` on full-history clones of pallets/flask and psf/requests,
# in one run, the tools alternating run by run. Prints per repository and tool the median wall
# time and CPU time (user + system: steadier than wall on a shared machine), peak RSS, exit
# code, finding count and the tool's wall and CPU over palisade's.
#
#   bench/history.sh                          # both repositories, 5 runs per tool
#   bench/history.sh --runs 3 --no-build
#   bench/history.sh --repo /path/to/clone    # another repository (repeatable)
#   bench/history.sh --per-commit             # also the slow parity run: `check --diff P..C`
#                                             # once per commit (minutes), compared with --history
#
# The repositories are regular clones of the mirrors the `fetch` tool brings to /work/.mirror
# (all branches as remote refs, and the tags): FLASK_MIRROR / REQUESTS_MIRROR override where
# they are. Peers come from ../shared/bench/peers.sh. The machine is shared: run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

runs=5
build=1
per_commit=0
repos=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --repo) repos+=("$(cd "$2" && pwd)"); shift 2 ;;
    --per-commit) per_commit=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

eval "$(../shared/bench/peers.sh)"
if [ "$build" = 1 ]; then
  cargo build --release -q
fi
palisade=$repo/target/release/palisade
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ${#repos[@]} -eq 0 ]; then
  for m in "${FLASK_MIRROR:-/work/.mirror/pallets+flask/repo}" "${REQUESTS_MIRROR:-/work/.mirror/psf+requests/repo}"; do
    name=$(basename "$(dirname "$m")" | sed 's/.*+//')
    git clone -q "$m" "$tmp/$name"
    repos+=("$tmp/$name")
  done
fi

cmd() { # tool
  case "$1" in
    palisade) echo "$palisade check --history --format json -o $tmp/out.palisade.json" ;;
    gitleaks) echo "$PEER_GITLEAKS git --no-banner --redact -f json -r $tmp/out.gitleaks.json ." ;;
    betterleaks) echo "$PEER_BETTERLEAKS git --no-banner --redact -o $tmp/out.betterleaks.json ." ;;
  esac
}

count() { # tool
  python3 - "$1" "$tmp/out.$1.json" <<'EOF'
import json, sys
tool, path = sys.argv[1], sys.argv[2]
try:
    d = json.load(open(path))
except Exception:
    print("?"); sys.exit()
f = d["findings"] if isinstance(d, dict) else d
print(len(f))
EOF
}

tools=(palisade gitleaks betterleaks)
echo "palisade $($palisade --version 2>/dev/null | head -1), $(nproc) cores, $runs runs per tool, alternating"
printf '%-10s %-12s %8s %8s %8s %9s %5s %9s %16s\n' repo tool commits wall CPU "peak RSS" exit findings "vs palisade w/c"
for r in "${repos[@]}"; do
  name=$(basename "$r")
  commits=$(git -C "$r" rev-list --all | wc -l)
  # Warm the page cache: every tool reads the same pack.
  cat "$r"/.git/objects/pack/* > /dev/null 2>&1 || true
  for t in "${tools[@]}"; do (cd "$r" && $(cmd "$t") > /dev/null 2>&1) || true; done
  declare -A times=() cpus=() rss=() code=()
  for _ in $(seq "$runs"); do
    for t in "${tools[@]}"; do
      set +e
      (cd "$r" && /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" $(cmd "$t") > /dev/null 2> "$tmp/err")
      c=$?
      set -e
      read -r s m u y < <(tail -n 1 "$tmp/time")
      times[$t]="${times[$t]:-} $s"
      cpus[$t]="${cpus[$t]:-} $(awk -v u="$u" -v y="$y" 'BEGIN { print u + y }')"
      [ "$m" -gt "${rss[$t]:-0}" ] && rss[$t]=$m
      code[$t]=$c
    done
  done
  base=""
  cbase=""
  med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
  for t in "${tools[@]}"; do
    median=$(med ${times[$t]})
    cpu=$(med ${cpus[$t]})
    [ -z "$base" ] && base=$median && cbase=$cpu
    ratio=$(awk -v p="$median" -v b="$base" -v c="$cpu" -v cb="$cbase" 'BEGIN { if (b > 0 && cb > 0) printf "%.2fx/%.2fx", p / b, c / cb; else print "-" }')
    printf '%-10s %-12s %8s %7ss %7ss %6s MB %5s %9s %16s\n' "$name" "$t" "$commits" "$median" "$cpu" "$((${rss[$t]} / 1024))" "${code[$t]}" "$(count "$t")" "$ratio"
  done
  unset times cpus rss code

  if [ "$per_commit" = 1 ]; then
    # The slow path the history mode must agree with: every commit against its first parent
    # (a root commit against the empty tree), each finding credited to the earliest commit
    # (parents first) that reports its rule and secret.
    start=$(date +%s)
    (cd "$r" && $palisade check --history --no-redact --format json -o "$tmp/history.json" > /dev/null 2>&1) || true
    rm -rf "$tmp/per-commit" && mkdir "$tmp/per-commit"
    # N: topological position (parents first), then the commit and its first parent.
    git -C "$r" rev-list --all --topo-order --reverse --parents \
      | awk '{ print NR, $1, ($2 == "" ? "4b825dc642cb6eb9a060e54bf8d69288fbee4904" : $2) }' \
      | (cd "$r" && OUT="$tmp/per-commit" xargs -P "$(nproc)" -n 3 sh -c \
          '"$0" check --only secrets --no-redact --exit-zero --diff "$3..$2" --format json -o "$OUT/$1-$2.json" 2> /dev/null' \
          "$palisade")
    python3 - "$tmp/per-commit" "$tmp/history.json" "$name" "$(( $(date +%s) - start ))" <<'EOF'
import json, os, re, sys
per_commit, history, name, secs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def key(f):
    # rule and secret: the message quotes the value (unredacted here), up to any remark.
    m = re.split(r" \(decoded: |, paired with ", f["message"])[0]
    return (f["rule_id"], m)
first = {}
located = 0
runs = sorted(os.listdir(per_commit), key=lambda n: int(n.split("-")[0]))
for n in runs:
    commit = n.split("-")[1].removesuffix(".json")
    for f in json.load(open(os.path.join(per_commit, n)))["findings"]:
        located += 1
        first.setdefault(key(f), commit)
hist = {key(f): f["provenance"]["commit"] for f in json.load(open(history))["findings"]}
missing = [k for k in first if k not in hist]
moved = [k for k in first if k in hist and hist[k] != first[k]]
print(f"{name}: per-commit run ({len(runs)} commits, {secs} s): {located} findings, {len(first)} distinct rule+secret; --history: {len(hist)}; "
      f"missing from --history: {len(missing)}; credited to another commit: {len(moved)}")
for k in missing + moved:
    print("   ", k[0], "per-commit", first[k][:12], "history", hist.get(k, "-")[:12])
EOF
  fi
done
