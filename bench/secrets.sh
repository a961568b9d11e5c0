#!/usr/bin/env bash
# Times `palisade check --only secrets` against gitleaks, betterleaks, kingfisher, detect-secrets
# and ripsecrets, in one run, on (a) one file — django/conf/global_settings.py, what a one-file
# commit hands a pre-commit hook — and (b) the real-world corpus (Django, ansible-core, Salt:
# 207 MB, 18.9k files). Prints wall time (median of --runs for one file, one run for the
# corpus), peak RSS of the process tree, and each peer's time over palisade's.
#
#   bench/secrets.sh                        # detect-secrets on the Django subset of the corpus
#   bench/secrets.sh --detect-secrets full  # detect-secrets on the whole corpus (~15 min)
#   bench/secrets.sh --detect-secrets skip --runs 3 --no-build
#   bench/secrets.sh --count                # also count each tool's findings on the corpus
#   bench/secrets.sh --history              # also the history benchmark (bench/history.sh):
#                                           # `check --history` against gitleaks and betterleaks
#                                           # `git` on flask and requests, same --runs
#
# Peers come from ../shared/bench/peers.sh, the corpus from ../shared/bench/corpus.sh. The
# machine is shared: run it by hand, never in a loop.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

runs=5
ds_mode=subset
build=1
count=0
history=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --detect-secrets) ds_mode=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --count) count=1; shift ;;
    --history) history=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$ds_mode" in full|subset|skip) ;; *) echo "--detect-secrets full|subset|skip" >&2; exit 2 ;; esac

eval "$(../shared/bench/peers.sh)"
corpus=$(../shared/bench/corpus.sh)
django=$corpus/django-5.2.8
one_file=django/conf/global_settings.py

if [ "$build" = 1 ]; then
  cargo build --release -q
fi
palisade=$repo/target/release/palisade
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Warm the page cache so the first tool timed does not pay for a cold read alone.
find "$corpus" -type f -exec cat {} + > /dev/null

# The command line of each tool for a target path (relative to the working directory).
cmd() { # tool path
  case "$1" in
    palisade) echo "$palisade check --only secrets $2" ;;
    gitleaks) echo "$PEER_GITLEAKS dir --no-banner --redact $2" ;;
    betterleaks) echo "$PEER_BETTERLEAKS --no-banner --redact $2" ;;
    kingfisher) echo "$PEER_KINGFISHER scan $2 --no-validate --no-update-check -q" ;;
    detect-secrets) echo "$PEER_DETECT_SECRETS scan --all-files $2" ;;
    ripsecrets) echo "$PEER_RIPSECRETS $2" ;;
  esac
}

# Runs a tool `n` times in `dir` on `path` after one unmeasured warm-up when n > 1; prints
# "median_seconds peak_rss_mb exit_code".
measure() { # tool dir path n
  local tool=$1 dir=$2 path=$3 n=$4 times=() rss=0 code=0
  if [ "$n" -gt 1 ]; then
    (cd "$dir" && $(cmd "$tool" "$path") > /dev/null 2>&1) || true
  fi
  for _ in $(seq "$n"); do
    set +e
    (cd "$dir" && /usr/bin/time -f "%e %M" -o "$tmp/time" $(cmd "$tool" "$path") > /dev/null 2> "$tmp/err")
    code=$?
    set -e
    read -r t m < <(tail -n 1 "$tmp/time")
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  echo "$median $((rss / 1024)) $code"
}

row() { # job tool median rss code base_median
  local ratio
  ratio=$(awk -v p="$3" -v b="$6" 'BEGIN { if (b > 0) printf "%.1fx", p / b; else print "-" }')
  printf '%-10s %-15s %9ss %8s MB %5s %12s\n' "$1" "$2" "$3" "$4" "$5" "$ratio"
}

header() {
  printf '%-10s %-15s %10s %11s %5s %12s\n' job tool wall "peak RSS" exit "vs palisade"
}

echo "palisade $($palisade --version 2>/dev/null || echo '?'), corpus $corpus, $(nproc) cores"
header

# (a) one file
read -r base brss bcode < <(measure palisade "$django" "$one_file" "$runs")
row one-file palisade "$base" "$brss" "$bcode" "$base"
for tool in gitleaks betterleaks kingfisher detect-secrets ripsecrets; do
  read -r t r c < <(measure "$tool" "$django" "$one_file" "$runs")
  row one-file "$tool" "$t" "$r" "$c" "$base"
done

# (b) the corpus, one run each
read -r cbase crss ccode < <(measure palisade "$corpus" . 1)
row corpus palisade "$cbase" "$crss" "$ccode" "$cbase"
for tool in gitleaks betterleaks kingfisher ripsecrets; do
  read -r t r c < <(measure "$tool" "$corpus" . 1)
  row corpus "$tool" "$t" "$r" "$c" "$cbase"
done
case "$ds_mode" in
  full)
    read -r t r c < <(measure detect-secrets "$corpus" . 1)
    row corpus detect-secrets "$t" "$r" "$c" "$cbase"
    ;;
  subset)
    # detect-secrets needs ~15 min on the whole corpus: compare on the Django sdist only.
    read -r sbase srss scode < <(measure palisade "$django" . 1)
    row django palisade "$sbase" "$srss" "$scode" "$sbase"
    read -r t r c < <(measure detect-secrets "$django" . 1)
    row django detect-secrets "$t" "$r" "$c" "$sbase"
    ;;
esac

if [ "$count" = 1 ]; then
  echo
  echo "findings on the corpus (one run each, JSON reports):"
  (cd "$corpus" && $palisade check --only secrets --format json . > "$tmp/palisade.json" 2> /dev/null || true)
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["findings"] if isinstance(d,dict) else d; print("palisade", len(f))' "$tmp/palisade.json" || echo "palisade ?"
  (cd "$corpus" && $PEER_GITLEAKS dir --no-banner --redact -f json -r "$tmp/gitleaks.json" . > /dev/null 2>&1 || true)
  python3 -c 'import json,sys; print("gitleaks", len(json.load(open(sys.argv[1]))))' "$tmp/gitleaks.json" || echo "gitleaks ?"
  (cd "$corpus" && $PEER_BETTERLEAKS --no-banner --redact -o "$tmp/betterleaks.json" . > /dev/null 2>&1 || true)
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("betterleaks", len(d["findings"] if isinstance(d, dict) else d))' "$tmp/betterleaks.json" || echo "betterleaks ?"
  (cd "$corpus" && $PEER_KINGFISHER scan . --no-validate --no-update-check -q -f json -o "$tmp/kingfisher.json" > /dev/null 2>&1 || true)
  python3 -c '
import json, sys
text = open(sys.argv[1]).read().strip()
try:
    d = json.loads(text)
    n = len(d.get("findings", d)) if isinstance(d, dict) else len(d)
except json.JSONDecodeError:
    n = sum(1 for line in text.splitlines() if line.strip())
print("kingfisher", n)' "$tmp/kingfisher.json" || echo "kingfisher ?"
fi

if [ "$history" = 1 ]; then
  echo
  echo "history (bench/history.sh):"
  bench/history.sh --runs "$runs" --no-build
fi
