#!/usr/bin/env bash
# Times `palisade check --only deps` against pip-audit, in one run, on the same inputs and the
# same advisory data (the PyPA snapshot in ../shared/data/pypa-advisory-db):
#   (a) the reference requirements file (requests==2.19.0, django==3.2.0: 27 advisories),
#   (b) a 500-package pylock.toml (PEP 751; the one lock format both tools read),
#   (c) a one-file pre-commit run on a Python file: no manifest, so no database work at all.
# Also prints the time to build palisade's index from the whole snapshot (a cold cache) and
# each tool's finding count as a cross-check.
#
# pip-audit cannot reach PyPI or OSV from this machine (offline it reports "No known
# vulnerabilities" and exits 0), so it is pointed with --osv-url at a loopback OSV /v1/query
# server that answers from the same snapshot; that is the only offline mode it has.
#
#   bench/deps.sh [--runs N] [--no-build]
#
# Peers come from ../shared/bench/peers.sh. The machine is shared: run it by hand, never in a loop.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

runs=5
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

snapshot=$(cd .. && pwd)/shared/data/pypa-advisory-db
[ -d "$snapshot/vulns" ] || { echo "no advisory snapshot at $snapshot" >&2; exit 2; }
eval "$(../shared/bench/peers.sh)"
peer_python=$(dirname "$PEER_PIP_AUDIT")/python

if [ "$build" = 1 ]; then
  cargo build --release -q
fi
palisade=$repo/target/release/palisade
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- inputs -----------------------------------------------------------------------------------
mkdir -p "$tmp/ref" "$tmp/lock" "$tmp/onefile" "$tmp/cache"
printf 'requests==2.19.0\ndjango==3.2.0\n' > "$tmp/ref/requirements.txt"
# 500 packages that have advisories, each at a version taken from its first advisory's
# `versions` list, so the audit has real matching work to do.
"$peer_python" - "$snapshot/vulns" "$tmp/lock/pylock.toml" <<'PY'
import os, sys, yaml
from packaging.version import Version, InvalidVersion
vulns, out = sys.argv[1], sys.argv[2]
rows = []
for pkg in sorted(os.listdir(vulns)):
    d = os.path.join(vulns, pkg)
    if not os.path.isdir(d):
        continue
    version = None
    for f in sorted(os.listdir(d)):
        rec = yaml.load(open(os.path.join(d, f)), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for a in rec.get("affected") or []:
            for v in a.get("versions") or []:
                try:
                    Version(str(v)); version = str(v); break
                except InvalidVersion:
                    pass
            if version: break
        if version: break
    if version:
        rows.append((pkg, version))
    if len(rows) == 500:
        break
with open(out, "w") as fh:
    fh.write('lock-version = "1.0"\ncreated-by = "bench/deps.sh"\n')
    for name, v in rows:
        fh.write(f'\n[[packages]]\nname = "{name}"\nversion = "{v}"\n')
print(f"{len(rows)} packages", file=sys.stderr)
PY
cp "$repo/crates/cli/main.rs" "$tmp/onefile/app.py"

# --- loopback OSV server for pip-audit ---------------------------------------------------------
cat > "$tmp/osv_server.py" <<'PY'
# Answers OSV /v1/query from a PyPA advisory-database checkout, with the OSV matching rules
# (versions list by PEP 440 equality, ECOSYSTEM ranges, withdrawn skipped). Loopback only.
import datetime, json, os, re, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import yaml
from packaging.version import Version, InvalidVersion

def norm(n): return re.sub(r"[-_.]+", "-", n).lower()
def ver(s):
    try: return Version(str(s))
    except InvalidVersion: return None

db = {}
root = sys.argv[1]
for pkg in os.listdir(root):
    d = os.path.join(root, pkg)
    for f in os.listdir(d) if os.path.isdir(d) else []:
        rec = yaml.load(open(os.path.join(d, f)), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if rec.get("withdrawn"):
            continue
        # Unquoted YAML timestamps load as datetimes; pip-audit wants RFC 3339 with `Z`.
        for k in ("modified", "published"):
            if isinstance(rec.get(k), datetime.datetime):
                rec[k] = rec[k].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        for a in rec.get("affected") or []:
            db.setdefault(norm(a["package"]["name"]), []).append(rec)

def affected(rec, name, v):
    for a in rec.get("affected") or []:
        if norm(a["package"]["name"]) != name: continue
        if any(ver(x) == v for x in a.get("versions") or []): return True
        for r in a.get("ranges") or []:
            if r.get("type") != "ECOSYSTEM": continue
            evs = []
            for e in r.get("events") or []:
                for k, x in e.items():
                    p = Version("0") if str(x) == "0" else ver(x)
                    if p is not None: evs.append((p, k))
            evs.sort(key=lambda t: (t[0], t[1] != "introduced"))
            hit = False
            for p, k in evs:
                if k == "introduced" and p <= v: hit = True
                elif k == "fixed" and p <= v: hit = False
                elif k == "last_affected" and p < v: hit = False
            if hit: return True
    return False

class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        q = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name, v = norm(q["package"]["name"]), ver(q.get("version"))
        vulns = [r for r in db.get(name, []) if v is not None and affected(r, name, v)]
        body = json.dumps({"vulns": vulns} if vulns else {}, default=str).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY
"$peer_python" "$tmp/osv_server.py" "$snapshot/vulns" > "$tmp/port" 2> "$tmp/server.err" &
server_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(head -n 1 "$tmp/port")
osv_url=http://127.0.0.1:$port/v1/query

# --- measuring --------------------------------------------------------------------------------
# Each run's wall time comes from /usr/bin/time; the median of `runs` runs is reported.
wall() { # dir cmd...  -> seconds (one run)
  local dir=$1; shift
  (cd "$dir" && /usr/bin/time -f "%e" -o "$tmp/t" "$@" > "$tmp/out" 2> "$tmp/err") || true
  tail -n 1 "$tmp/t"
}
median() { # dir cmd...
  local times=()
  for _ in $(seq "$runs"); do times+=("$(wall "$@")"); done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
row() { # job tool seconds base findings
  local ratio
  ratio=$(awk -v p="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.1fx", p / b; else print "-" }')
  printf '%-18s %-12s %9ss %12s %9s\n' "$1" "$2" "$3" "$ratio" "$5"
}
# palisade with the snapshot, its index cache in $tmp/cache, staleness allowed (the snapshot
# is from 2024-10-10).
export XDG_CACHE_HOME=$tmp/cache
pal=("$palisade" check --only deps --advisory-db "$snapshot" --allow-stale --allow-unauditable --format json)
pal_count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["findings"] if isinstance(d,dict) else d; print(sum(1 for x in f if x["rule_id"]=="DEP009"))' "$tmp/out" 2> /dev/null || echo "?"; }
pa_count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(x.get("vulns",[])) for x in d["dependencies"]))' "$tmp/out" 2> /dev/null || echo "?"; }

echo "palisade $($palisade --version 2>/dev/null || echo '?'), pip-audit $($PEER_PIP_AUDIT --version 2>/dev/null | awk '{print $2}'), $(nproc) cores, snapshot $(head -c 60 "$snapshot/SNAPSHOT.txt")..."
printf '%-18s %-12s %10s %12s %9s\n' job tool wall "vs palisade" findings

# Index build: a cold cache, the whole snapshot parsed and the index written, plus the audit.
cold=()
for _ in $(seq "$runs"); do
  rm -rf "$tmp/cache"/*
  cold+=("$(wall "$tmp/ref" "${pal[@]}" requirements.txt)")
done
cold_med=$(printf '%s\n' "${cold[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
row "index build (cold)" palisade "$cold_med" "$cold_med" "$(pal_count)"

# The index the cold runs left in the cache: what `palisade db update` + `--audit` reads.
index=$(ls "$tmp"/cache/palisade/osv-index-*.bin | head -n 1)
pal_idx=("$palisade" check --only deps --advisory-db "$index" --allow-stale --allow-unauditable --format json)

# (a) reference requirements. "palisade" reads the snapshot folder through its cached index
# (revalidated by a stat of every record file); "palisade/idx" reads the index file directly.
base=$(median "$tmp/ref" "${pal_idx[@]}" requirements.txt); n=$(pal_count)
row "reference req" palisade/idx "$base" "$base" "$n"
t=$(median "$tmp/ref" "${pal[@]}" requirements.txt); n=$(pal_count)
row "reference req" palisade "$t" "$base" "$n"
t=$(median "$tmp/ref" "$PEER_PIP_AUDIT" -r requirements.txt --no-deps --disable-pip -s osv --osv-url "$osv_url" -f json --progress-spinner off); n=$(pa_count)
row "reference req" pip-audit "$t" "$base" "$n"

# (b) 500-package pylock.toml.
base=$(median "$tmp/lock" "${pal_idx[@]}" pylock.toml); n=$(pal_count)
row "500-pkg pylock" palisade/idx "$base" "$base" "$n"
t=$(median "$tmp/lock" "${pal[@]}" pylock.toml); n=$(pal_count)
row "500-pkg pylock" palisade "$t" "$base" "$n"
t=$(median "$tmp/lock" "$PEER_PIP_AUDIT" --locked . -s osv --osv-url "$osv_url" -f json --progress-spinner off); n=$(pa_count)
row "500-pkg pylock" pip-audit "$t" "$base" "$n"

# (c) one-file pre-commit run without a manifest: the database is never opened.
base=$(median "$tmp/onefile" "${pal[@]}" app.py)
row "one .py file" palisade "$base" "$base" "-"
t=$(median "$tmp/onefile" "$PEER_PIP_AUDIT" --version)
row "one .py file" "pip-audit" "$t" "$base" "(--version)"

# In-process figures (best of five for the audit): index build from the whole snapshot, index
# size, and a 500-package lock audit with the index open.
echo
cargo run -q --release -p palisade-deps --example index_timing -- "$snapshot" "$tmp/lock/pylock.toml"
