#!/usr/bin/env bash
# Fuzzes one target for a budget of CPU time (not wall time: the machine is shared, and a niced
# fuzzer gets what the others leave), then stops it with SIGINT so libFuzzer prints its final
# stats. Built first with `cargo +nightly fuzz build -O`.
#
#   fuzz/run-cpu.sh TARGET CPU_SECONDS [libFuzzer options...]
#
# Runs `nice -n 19` (FUZZ_NICE overrides) with `-jobs=1 -workers=1` (one fuzzing process in the background of the
# others), into `fuzz/corpus/TARGET` (new inputs are added there: `cargo fuzz cmin TARGET` before
# committing); a crash is written to `fuzz/artifacts/TARGET/`. The fuzzing process's log is
# `fuzz/logs/TARGET.log`; its last lines (cov, ft, executions) are printed at the end.
set -euo pipefail
cd "$(dirname "$0")"
target=$1 budget=$2
shift 2
bin=target/x86_64-unknown-linux-gnu/release/$target
[ -x "$bin" ] || { echo "build first: cargo +nightly fuzz build -O" >&2; exit 2; }
mkdir -p "artifacts/$target" "corpus/$target" logs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# With -jobs=1 libFuzzer forks one fuzzing process writing to fuzz-0.log in its working folder.
(cd "$work" && exec nice -n "${FUZZ_NICE:-19}" "$OLDPWD/$bin" -jobs=1 -workers=1 -print_final_stats=1 \
  -timeout=60 -artifact_prefix="$OLDPWD/artifacts/$target/" "$@" "$OLDPWD/corpus/$target") \
  > "logs/$target.parent.log" 2>&1 &
parent=$!
# CPU seconds of a process (user + system), 0 once it is gone.
cpu() { awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) / t)}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# The fuzzing process is a grandchild (libFuzzer starts it through a shell): the busiest
# descendant of the parent.
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
used=0
while kill -0 "$parent" 2>/dev/null; do
  sleep 5
  child= best=0
  for p in $(descendants "$parent"); do
    c=$(cpu "$p")
    if [ "$c" -ge "$best" ]; then best=$c child=$p; fi
  done
  [ -n "$child" ] || continue
  [ "$best" -gt "$used" ] && used=$best
  if [ "$used" -ge "$budget" ]; then
    kill -INT "$child" 2>/dev/null || true
    break
  fi
done
wait "$parent" || true
cp "$work/fuzz-0.log" "logs/$target.log" 2>/dev/null || true
echo "$target: ${used} CPU seconds"
grep -E '^(#[0-9]+|stat::|==[0-9]+==|INFO: seed corpus|SUMMARY|Done)' "logs/$target.log" | tail -12 || true
ls "artifacts/$target"
