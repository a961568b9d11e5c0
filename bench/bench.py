#!/usr/bin/env python3
"""Times palisade against its peers on the same inputs, in one run, and prints a table.

Jobs:
  one-file   one Python file, as a one-file commit hands it to a pre-commit hook
  staged     the same file staged in a scratch git repository, checked from the index
             (palisade check --staged, gitleaks/betterleaks/kingfisher --staged)
             (django/conf/global_settings.py from the corpus, else bench/data/settings.py)
  manifest   one pinned requirements file (bench/data/requirements.txt); pip-audit needs PyPI
  corpus     the real-world corpus (../shared/bench/corpus.sh): Django, ansible-core, Salt

For each (tool, job) it reports the median and minimum wall time over the runs, the peak
resident memory of the process tree (wait4 rusage), the exit code, and the ratio of the matching
palisade run's median to the peer's (palisade --only secrets for secret scanners, --only python
for bandit/ruff, --only deps for pip-audit). Python 3.11 standard library only.

Usage: bench/bench.py [--jobs one-file,staged,manifest,corpus] [--runs 5] [--skip a,b] [--slow]
See bench/README.md for the exact commands and how to add a peer.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
DATA = REPO / "bench" / "data"
CORPUS_ONE_FILE = "django-5.2.8/django/conf/global_settings.py"

# Exit codes that mean "ran fine" (findings included) for every tool here.
OK_CODES = {0, 1}


@dataclass
class Tool:
    """A command to time. `argv` maps a job to the arguments after the binary; `{path}` is the
    job's target, relative to the job's working directory. A job missing from `argv` does not
    apply to the tool."""

    name: str
    kind: str  # all | secrets | python | deps: which palisade run it is compared with
    binary: str  # a PEER_* variable name, or "palisade"
    argv: dict[str, list[str]]
    ok_codes: set[int] = field(default_factory=lambda: set(OK_CODES))
    slow_on_corpus: bool = False  # skipped on the corpus unless --slow
    network: bool = False  # needs the network; skipped with --offline


def palisade(kind: str) -> Tool:
    only = [] if kind == "all" else ["--only", kind]
    name = "palisade" if kind == "all" else f"palisade --only {kind}"
    jobs = {
        "one-file": ["check", *only, "{path}"],
        "manifest": ["check", *only, "{path}"],
        "corpus": ["check", *only, "{path}"],
    }
    if kind == "python":
        del jobs["manifest"]
    if kind in ("all", "secrets"):
        jobs["staged"] = ["check", *only, "--staged"]
    # Exit 2 means some file could not be checked (the rest was): still a complete timing.
    return Tool(name, kind, "palisade", jobs, ok_codes={0, 1, 2})


# The peers, with the closest equivalent of what palisade does in each job. Add a peer here
# (and its binary to ../shared/bench/peers.sh), then document its command in bench/README.md.
PEERS = [
    Tool(
        "bandit",
        "python",
        "PEER_BANDIT",
        {"one-file": ["-q", "{path}"], "corpus": ["-r", "-q", "{path}"]},
        slow_on_corpus=True,  # about 5.5 min
    ),
    Tool(
        "ruff",
        "python",
        "PEER_RUFF",
        {
            "one-file": ["check", "--isolated", "--select", "S", "--no-cache", "{path}"],
            "corpus": ["check", "--isolated", "--select", "S", "--no-cache", "{path}"],
        },
    ),
    Tool(
        "detect-secrets",
        "secrets",
        "PEER_DETECT_SECRETS",
        {"one-file": ["scan", "{path}"], "corpus": ["scan", "--all-files", "{path}"]},
        ok_codes={0},
        slow_on_corpus=True,  # about 15 min
    ),
    Tool(
        "gitleaks",
        "secrets",
        "PEER_GITLEAKS",
        {
            "one-file": ["dir", "--no-banner", "--redact", "{path}"],
            "staged": ["git", "--pre-commit", "--staged", "--redact", "--no-banner", "."],
            "corpus": ["dir", "--no-banner", "--redact", "{path}"],
        },
    ),
    Tool(
        "betterleaks",
        "secrets",
        "PEER_BETTERLEAKS",
        {
            "one-file": ["--no-banner", "--redact", "{path}"],
            "staged": ["git", "--staged", "--no-banner", "--redact", "."],
            "corpus": ["--no-banner", "--redact", "{path}"],
        },
    ),
    Tool(
        "kingfisher",
        "secrets",
        "PEER_KINGFISHER",
        {
            "one-file": ["scan", "{path}", "--no-validate", "--no-update-check", "-q"],
            "staged": ["scan", ".", "--staged", "--no-validate", "--no-update-check", "-q"],
            "corpus": ["scan", "{path}", "--no-validate", "--no-update-check", "-q"],
        },
        # 200-range codes report findings.
        ok_codes={0, 1, *range(200, 210)},
    ),
    Tool(
        "ripsecrets",
        "secrets",
        "PEER_RIPSECRETS",
        {"one-file": ["{path}"], "corpus": ["{path}"]},
        slow_on_corpus=True,  # about 96 s
    ),
    Tool(
        "pip-audit",
        "deps",
        "PEER_PIP_AUDIT",
        {
            "manifest": [
                "-r",
                "{path}",
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
            ]
        },
        network=True,
    ),
]


@dataclass
class Job:
    name: str
    cwd: Path
    path: str
    runs: int


@dataclass
class Result:
    tool: str
    kind: str
    job: str
    command: str
    walls: list[float] = field(default_factory=list)
    rss_kib: int = 0
    exit_code: int | None = None
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_palisade() -> Path:
    log("building palisade (cargo build --release) ...")
    subprocess.run(["cargo", "build", "--release", "--bin", "palisade"], cwd=REPO, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"]) / "release" / "palisade"


def peer_binaries() -> dict[str, str]:
    """PEER_* variables from the environment, completed by ../shared/bench/peers.sh."""
    found = {k: v for k, v in os.environ.items() if k.startswith("PEER_")}
    wanted = {t.binary for t in PEERS}
    script = SHARED_BENCH / "peers.sh"
    if not wanted <= found.keys() and script.exists():
        log(f"locating peers with {script} (installs them on first use) ...")
        out = subprocess.run(
            ["bash", str(script)], check=True, capture_output=True, text=True
        ).stdout
        for line in out.splitlines():
            if line.startswith("export ") and "=" in line:
                key, _, value = line[len("export ") :].partition("=")
                found.setdefault(key.strip(), value.strip().strip("'\""))
    return found


def corpus_dir(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    script = SHARED_BENCH / "corpus.sh"
    if not script.exists():
        return None
    log(f"locating the corpus with {script} (downloads it on first use) ...")
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        log(f"corpus unavailable: {out.stderr.strip()[-300:]}")
        return None
    return Path(out.stdout.strip())


def stage_one_file(repo: Path, source: Path, rel: str) -> None:
    """A scratch repository with one commit, and `source` staged as a new file at `rel`."""
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@palisade.invalid",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@palisade.invalid",
    )
    repo.mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q")
    (repo / "README").write_text("scratch repository of the palisade benchmark\n")
    git("add", "README")
    git("commit", "-q", "-m", "initial")
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, repo / rel)
    git("add", rel)


def warm_page_cache(root: Path) -> None:
    """Reads every file once, so the first tool timed does not pay for a cold cache alone."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            try:
                with open(os.path.join(dirpath, name), "rb") as fh:
                    while fh.read(1 << 20):
                        pass
            except OSError:
                pass


def gnu_time() -> str | None:
    """GNU time, if installed. It measures peak RSS better than wait4 from here: a child forked
    from this Python process inherits its ~17 MiB high-water mark, which exec does not reset,
    while GNU time is a small C program, so its child starts near zero."""
    path = shutil.which("time", path="/usr/bin:/bin")
    if not path:
        return None
    probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, text=True)
    return path if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


def run_once(argv: list[str], cwd: Path, env: dict[str, str], timeout: float, timer: str | None):
    """Runs argv to completion. Returns (wall seconds, peak RSS KiB, exit code, output tail)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss_file:
        if timer:
            argv = [timer, "-f", "%M", "-o", rss_file.name, "--", *argv]
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,  # so a timeout can kill the whole process group
        )
        # A timer thread kills a run that overstays; wait4 itself blocks, so no polling delay is
        # added to the wall time. Its rusage covers the child and the descendants it waited for.
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

        killer = threading.Timer(timeout, kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if timer:
            # GNU time writes "Command exited with non-zero status N" before the figure.
            lines = rss_file.read().split()
            rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        out.seek(0, os.SEEK_END)
        size = out.tell()
        out.seek(max(0, size - 600))
        tail = out.read().decode("utf-8", "replace")
    return wall, rss, (None if killed.is_set() else proc.returncode), tail


def last_line(output: str, width: int = 110) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:width] if lines else ""


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def table(results: list[Result], markdown: bool) -> str:
    by_key = {(r.job, r.kind): r for r in results if r.tool.startswith("palisade")}
    header = ["tool", "job", "runs", "median", "min", "peak RSS", "exit", "palisade/peer", "note"]
    rows = []
    for r in results:
        ratio = ""
        ref = by_key.get((r.job, r.kind))
        if not r.tool.startswith("palisade") and ref and ref.median and r.median:
            speedup = r.median / ref.median
            if speedup >= 1:
                ratio = (
                    f"{ref.median / r.median:.3f} ({speedup:.{0 if speedup >= 10 else 1}f}x faster)"
                )
            else:
                ratio = f"{ref.median / r.median:.2f} ({1 / speedup:.1f}x slower)"
        rows.append(
            [
                r.tool,
                r.job,
                str(len(r.walls)),
                fmt_seconds(r.median),
                fmt_seconds(min(r.walls) if r.walls else None),
                f"{r.rss_kib / 1024:.0f} MiB" if r.walls else "-",
                "-" if r.exit_code is None else str(r.exit_code),
                ratio,
                r.note,
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--jobs",
        default="one-file,staged,manifest,corpus",
        help="comma-separated jobs to run (default: %(default)s)",
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=5,
        help="timed runs per tool for one-file, staged and manifest (median reported)",
    )
    ap.add_argument("--corpus-runs", type=int, default=1, help="timed runs per tool on the corpus")
    ap.add_argument("--skip", default="", help="comma-separated tool names to leave out")
    ap.add_argument(
        "--only-tools",
        default="",
        help="comma-separated tool names to run (palisade rows are always run)",
    )
    ap.add_argument(
        "--slow",
        action="store_true",
        help="also run the slow peers on the corpus (bandit, detect-secrets, ripsecrets)",
    )
    ap.add_argument("--offline", action="store_true", help="leave out peers that need the network")
    ap.add_argument("--palisade", help="use this palisade binary instead of building one")
    ap.add_argument("--corpus", help="corpus folder (default: ../shared/bench/corpus.sh)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run (default 1800)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--json", help="also write the raw results to this file")
    args = ap.parse_args()

    jobs_wanted = [j for j in args.jobs.split(",") if j]
    unknown = set(jobs_wanted) - {"one-file", "staged", "manifest", "corpus"}
    if unknown:
        ap.error(f"unknown job(s): {', '.join(sorted(unknown))}")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    only = {s.strip() for s in args.only_tools.split(",") if s.strip()}

    binary = Path(args.palisade) if args.palisade else build_palisade()
    scratch = Path(tempfile.mkdtemp(prefix="palisade-bench-"))
    # Time a private copy: the shared target folder may be rebuilt by someone else mid-run.
    private = scratch / "palisade"
    shutil.copy2(binary, private)
    binaries = {"palisade": str(private), **peer_binaries()}

    wants_file = {"one-file", "staged", "corpus"} & set(jobs_wanted)
    corpus = corpus_dir(args.corpus) if wants_file else None
    jobs = []
    if corpus and (corpus / CORPUS_ONE_FILE).is_file():
        project, rel = CORPUS_ONE_FILE.split("/", 1)
        one_file = Job("one-file", corpus / project, rel, args.runs)
    else:
        one_file = Job("one-file", DATA, "settings.py", args.runs)
    if "one-file" in jobs_wanted:
        jobs.append(one_file)
    if "staged" in jobs_wanted:
        repo = scratch / "repo"
        stage_one_file(repo, one_file.cwd / one_file.path, one_file.path)
        jobs.append(Job("staged", repo, ".", args.runs))
    if "manifest" in jobs_wanted:
        jobs.append(Job("manifest", DATA, "requirements.txt", args.runs))
    if "corpus" in jobs_wanted:
        if corpus and corpus.is_dir():
            jobs.append(Job("corpus", corpus, ".", args.corpus_runs))
        else:
            log("no corpus: the corpus job is left out")

    env = dict(os.environ, NO_COLOR="1")
    timer = gnu_time()
    if not timer:
        log("GNU time not found (/usr/bin/time): peak RSS comes from wait4 and has a ~17 MiB floor")
    tools = [palisade(k) for k in ("all", "secrets", "python", "deps")] + PEERS
    results: list[Result] = []
    for job in jobs:
        if job.name == "corpus":
            log(f"warming the page cache over {job.cwd} ...")
            warm_page_cache(job.cwd)
        for tool in tools:
            if job.name not in tool.argv:
                continue
            is_peer = tool.binary != "palisade"
            exe = binaries.get(tool.binary) or shutil.which(tool.name.split()[0])
            argv = [exe or tool.binary] + [
                a.replace("{path}", job.path) for a in tool.argv[job.name]
            ]
            res = Result(
                tool.name, tool.kind, job.name, shlex.join([Path(argv[0]).name, *argv[1:]])
            )
            results.append(res)
            if is_peer and (tool.name in skip or (only and tool.name not in only)):
                res.note = "skipped (--skip/--only-tools)"
                continue
            if is_peer and tool.network and args.offline:
                res.note = "skipped (--offline)"
                continue
            if job.name == "corpus" and tool.slow_on_corpus and not args.slow:
                res.note = "skipped (slow; --slow runs it)"
                continue
            if not exe or not os.access(exe, os.X_OK):
                res.note = f"not installed ({tool.binary})"
                continue
            log(f"{job.name}: {res.command}")
            if job.runs > 1:  # one unmeasured warm-up run (page cache, rule caches)
                run_once(argv, job.cwd, env, args.timeout, timer)
            for _ in range(job.runs):
                wall, rss, code, tail = run_once(argv, job.cwd, env, args.timeout, timer)
                res.walls.append(wall)
                res.rss_kib = max(res.rss_kib, rss)
                res.exit_code = code
                if code is None:
                    res.note = f"timed out after {args.timeout:.0f} s"
                    break
                if code not in tool.ok_codes:
                    res.note = "unexpected exit code: " + last_line(tail)
                    break
                if tool.binary == "palisade" and code == 2:
                    res.note = "exit 2, some files not checked: " + last_line(tail)
            if tool.network and not res.note:
                res.note = "queries PyPI over the network"

    print(table(results, args.markdown))
    print()
    print("commands (working directory = the job's folder):")
    for job in jobs:
        print(f"  {job.name}: cwd {job.cwd}, target {job.path}")
    for r in results:
        if r.walls:
            print(f"  [{r.job}] {r.command}")
    if args.json:
        Path(args.json).write_text(
            json.dumps([r.__dict__ | {"median": r.median} for r in results], indent=2) + "\n"
        )
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
