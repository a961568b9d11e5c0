#!/usr/bin/env bash
# What a pre-commit user pays for palisade: a cold install of the hook (fresh pre-commit store),
# a warm run on one file, and the store's size on disk. Hooks come from the mirror made by
# dist/make-pre-commit-mirror.sh with the wheel in WHEELS (offline: PIP_NO_INDEX), so the
# figures exclude the download from PyPI (5-6 MB for the wheel).
#
#   bench/pre-commit-install.sh [--wheels DIR] [--runs N]
#
# WHEELS defaults to target/wheels (dist/build-wheel.sh); a setuptools wheel is added to it
# when missing. pre-commit 4.7.0 is installed into target/bench-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
wheels=target/wheels
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --wheels) wheels="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "pre-commit-install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
wheels=$(cd "$wheels" && pwd)
wheel=$(ls "$wheels"/palisade_cli-*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || { echo "no palisade_cli wheel in $wheels: run dist/build-wheel.sh" >&2; exit 2; }
version=$(basename "$wheel" | cut -d- -f2)

venv="${PALISADE_BENCH_VENV:-$repo/target/bench-venv}"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check pre-commit==4.7.0 >&2
fi
ls "$wheels"/setuptools-*.whl >/dev/null 2>&1 || "$venv/bin/pip" download --quiet \
  --disable-pip-version-check --only-binary :all: --dest "$wheels" setuptools >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench \
  GIT_AUTHOR_EMAIL=bench@palisade.invalid GIT_COMMITTER_NAME=bench \
  GIT_COMMITTER_EMAIL=bench@palisade.invalid
export PIP_FIND_LINKS="$wheels" PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PRE_COMMIT_COLOR=never
dist/make-pre-commit-mirror.sh "$version" "$work/mirror" >/dev/null
mkdir "$work/project"
cd "$work/project"
git init -q -b main
cp "$repo/bench/data/startup.py" app.py
printf 'repos:\n  - repo: %s\n    rev: v%s\n    hooks:\n      - id: palisade\n' "$work/mirror" "$version" > .pre-commit-config.yaml
git add .

echo "wheel $(basename "$wheel") ($(stat -c %s "$wheel") bytes); pre-commit $("$venv/bin/pre-commit" --version | cut -d' ' -f2)"
python3 - "$venv/bin/pre-commit" "$work" "$runs" <<'PY'
import os, statistics, subprocess, sys, time
pre_commit, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path)
               for f in fs if not os.path.islink(os.path.join(d, f)))
cold, warm, sizes = [], [], []
for i in range(runs):
    store = os.path.join(work, f"store{i}")
    env = dict(os.environ, PRE_COMMIT_HOME=store)
    t = time.perf_counter()
    r = subprocess.run([pre_commit, "install-hooks"], env=env, capture_output=True, text=True)
    cold.append(time.perf_counter() - t)
    if r.returncode:
        sys.exit(f"install-hooks failed:\n{r.stdout}{r.stderr}")
    sizes.append(du(store))
    for _ in range(3):
        t = time.perf_counter()
        r = subprocess.run([pre_commit, "run", "--files", "app.py"], env=env, capture_output=True, text=True)
        warm.append(time.perf_counter() - t)
        if r.returncode != 1 or "B602" not in r.stdout:
            sys.exit(f"expected the hook to fail on app.py (B602):\n{r.stdout}{r.stderr}")
print(f"cold install (pre-commit install-hooks), {runs} runs: median {statistics.median(cold):.2f} s, "
      f"min {min(cold):.2f}, max {max(cold):.2f}")
print(f"warm run (pre-commit run --files app.py, finding B602), {len(warm)} runs: median "
      f"{statistics.median(warm):.3f} s, min {min(warm):.3f}, max {max(warm):.3f}")
print(f"store size after install: {statistics.median(sizes) / 1e6:.1f} MB")
PY
