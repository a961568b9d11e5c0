#!/usr/bin/env bash
# Builds the `palisade-cli` wheel for this machine's platform (Linux x86_64 here) into
# target/wheels/ (or --out DIR), then prints its tag, size and what auditwheel says of it.
#
#   dist/build-wheel.sh            the shipping wheel: `dist` profile (strip, fat LTO), linked
#                                  against glibc 2.17 through zig -> manylinux_2_17
#   dist/build-wheel.sh --target aarch64-unknown-linux-musl   another Linux target (through zig;
#                                  musl targets are tagged musllinux_1_2)
#   dist/build-wheel.sh --quick    a test wheel from the `dev` profile (or --profile NAME) for
#                                  this host only (tag linux_x86_64); it reuses the build that
#                                  `cargo build`/`cargo nextest run` already made, so CI pays no
#                                  second compile
#
# The tools (maturin, ziglang, auditwheel) live in a venv of their own, target/dist-venv, or
# $PALISADE_DIST_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
profile=""
target="x86_64-unknown-linux-gnu"
out="target/wheels"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --profile) profile="$2"; shift ;;
    --target) target="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "build-wheel.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

venv="${PALISADE_DIST_VENV:-$PWD/target/dist-venv}"
if [ ! -x "$venv/bin/maturin" ] || [ ! -x "$venv/bin/auditwheel" ] \
  || { [ "$quick" = 0 ] && ! "$venv/bin/python" -c 'import ziglang' 2>/dev/null; }; then
  python3 -m venv "$venv"
  pkgs=(maturin==1.16.0 auditwheel==6.8.2)
  [ "$quick" = 0 ] && pkgs+=(ziglang==0.17.1)
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pkgs[@]}"
fi
export PATH="$venv/bin:$PATH"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Only this build's wheel in the folder, so callers can pick it up with a glob.
rm -f "$out"/palisade_cli-*.whl

start=$(date +%s)
if [ "$quick" = 1 ]; then
  # `--compatibility linux`: a plain linux_x86_64 tag, no glibc-version check; fine for pip on
  # this same machine and never uploaded.
  maturin build --locked --profile "${profile:-dev}" --compatibility linux --out "$out"
else
  compat=()
  case "$target" in *musl*) compat=(--compatibility musllinux_1_2) ;; esac
  # maturin finds zig through the ziglang package (`python -m ziglang`).
  maturin build --locked ${profile:+--profile "$profile"} --zig "${compat[@]}" \
    --target "$target" --out "$out"
fi
end=$(date +%s)

wheel=$(ls "$out"/palisade_cli-*.whl)
echo "wheel: $wheel"
echo "built in $((end - start)) s"
echo "wheel size: $(stat -c %s "$wheel") bytes"
python3 - "$wheel" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for i in z.infolist():
        if i.filename.endswith(".data/scripts/palisade"):
            print(f"binary size: {i.file_size} bytes ({i.filename})")
PY
auditwheel show "$wheel" || true
