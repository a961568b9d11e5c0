#!/usr/bin/env python3
"""Compares the findings of palisade's secrets checker with gitleaks, betterleaks, kingfisher and
detect-secrets on the real-world corpus, and writes a random sample of each tool's findings for
review by hand.

It runs each tool once on the corpus (skipped when its JSON report is already in --reports; pass
--rerun to redo it), normalises every finding to (path, line, rule), prints the counts per tool
and per project, the overlap of each peer with palisade by location (path, line), the rules behind
each peer's findings that palisade does not report, and writes a sample of N findings per tool
(fixed seed) with three lines of source context to --sample-out. With --labels it computes a
precision estimate per tool from hand labels.

Secrets are never printed whole: every value a tool reported is masked in what this script
prints, down to its first 4 characters, and any other long high-entropy token in the context is
masked the same way. The raw reports in --reports do hold the values the tools matched (as the
corpus itself does); the folder is created private (0700).

Usage:
  bench/compare_secrets.py                                   # run missing reports, print tables
  bench/compare_secrets.py --sample 25 --palisade-sample 50 --sample-out sample.md
  bench/compare_secrets.py --labels labels.tsv               # precision from hand labels
  bench/compare_secrets.py --detect-secrets-subset django-5.2.8   # detect-secrets on one project

detect-secrets needs ~15 minutes on the whole corpus. With --detect-secrets-subset it scans one
project folder of the corpus only, and all overlap figures for it are computed on that folder.

Labels file: tab-separated `path<TAB>line<TAB>label[<TAB>note]`, label one of `secret` (looks like
a live credential), `fixture` (a test or example credential: not a leak, but a plausible finding)
or `fp` (not a credential at all). A label is about the text at that location, so it serves every
tool that reported the location. Lines starting with `#` are comments.

Peers come from ../shared/bench/peers.sh and the corpus from ../shared/bench/corpus.sh (relative
to the repository root). The machine is shared: tools run one after another, under `nice -n 10`.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
TOOLS = ["palisade", "gitleaks", "betterleaks", "kingfisher", "detect-secrets"]
PEERS = TOOLS[1:]
PEER_ENV = {
    "gitleaks": "PEER_GITLEAKS",
    "betterleaks": "PEER_BETTERLEAKS",
    "kingfisher": "PEER_KINGFISHER",
    "detect-secrets": "PEER_DETECT_SECRETS",
}
LABELS = ("secret", "fixture", "fp")


@dataclass(frozen=True)
class Finding:
    tool: str
    path: str  # relative to the corpus folder, forward slashes, no leading ./
    line: int  # 1-based
    rule: str
    value: str | None  # the matched secret when the tool reports it (never printed whole)
    confidence: str = ""


# ---------------------------------------------------------------------------------------------
# Running the tools


def peer_paths() -> dict[str, str]:
    out = subprocess.run(
        [str(SHARED_BENCH / "peers.sh")], capture_output=True, text=True, check=True
    ).stdout
    env = {}
    for line in out.splitlines():
        m = re.match(r"export (\w+)=(.*)$", line.strip())
        if m:
            env[m.group(1)] = m.group(2).strip("'\"")
    return {tool: env[var] for tool, var in PEER_ENV.items() if var in env}


def corpus_dir() -> Path:
    out = subprocess.run(
        [str(SHARED_BENCH / "corpus.sh")], capture_output=True, text=True, check=True
    ).stdout
    return Path(out.strip().splitlines()[-1])


def command(tool: str, exe: str, target: str, report: Path) -> tuple[list[str], bool]:
    """The command line for `tool` on `target`, and whether the report comes on stdout."""
    if tool == "palisade":
        return [exe, "check", "--only", "secrets", "--all", "--format", "json", "--exit-zero",
                target], True
    if tool == "gitleaks":
        return [exe, "dir", target, "--no-banner", "-f", "json", "-r", str(report),
                "--exit-code", "0"], False
    if tool == "betterleaks":
        return [exe, "fs", target, "--no-banner", "-o", str(report), "--exit-code", "0"], False
    if tool == "kingfisher":
        # --no-validate: never call provider APIs with what was found.
        return [exe, "scan", target, "--no-validate", "--no-update-check", "-f", "json",
                "-o", str(report)], False
    if tool == "detect-secrets":
        # -n: no verification network calls; --all-files: the corpus is not a git checkout.
        return [exe, "scan", "-n", "--all-files", target], True
    raise ValueError(tool)


def run_tool(tool: str, exe: str, corpus: Path, target: str, report: Path) -> None:
    if not Path(exe).is_file():
        hint = " (cargo build --release, or pass --palisade)" if tool == "palisade" else ""
        raise SystemExit(f"{tool}: no executable at {exe}{hint}")
    argv, to_stdout = command(tool, exe, target, report)
    argv = ["nice", "-n", "10", *argv]
    print(f"running {tool}: (cd {corpus} && {' '.join(argv)})", file=sys.stderr)
    start = time.monotonic()
    tmp = report.with_suffix(report.suffix + ".part")
    with open(tmp if to_stdout else os.devnull, "wb") as out:
        proc = subprocess.run(argv, cwd=corpus, stdout=out, stderr=subprocess.PIPE)
    took = time.monotonic() - start
    if proc.returncode not in (0, 1, 200, 205):
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"{tool} failed with exit code {proc.returncode}")
    if to_stdout:
        tmp.replace(report)
    print(f"  {tool}: {took:.1f} s, exit {proc.returncode}", file=sys.stderr)
    meta = report.with_suffix(".cmd")
    meta.write_text(f"cd {corpus} && {' '.join(argv)}\n# {took:.1f} s, exit {proc.returncode}\n")


# ---------------------------------------------------------------------------------------------
# Reading the reports


def norm_path(p: str, corpus: Path, prefix: str = "") -> str:
    p = p.replace("\\", "/")
    cs = str(corpus).rstrip("/") + "/"
    if p.startswith(cs):
        p = p[len(cs):]
    while p.startswith("./"):
        p = p[2:]
    return (prefix + p) if prefix else p


PALISADE_SKIPPED: set[str] = set()  # files palisade reported as not scanned (diagnostics)


def load_palisade(report: Path, corpus: Path, prefix: str) -> list[Finding]:
    doc = json.loads(report.read_text())
    for d in doc.get("diagnostics", []):
        if d.get("path") and "skipped" in d.get("message", ""):
            PALISADE_SKIPPED.add(norm_path(d["path"], corpus, prefix))
    out = []
    for f in doc["findings"]:
        path = norm_path(f["path"], corpus, prefix)
        span = f["span"]
        value = span_text(corpus / path, span)
        out.append(Finding("palisade", path, span["start_line"], f["rule_id"], value,
                           f.get("confidence", "")))
    return out


def span_text(file: Path, span: dict) -> str | None:
    """The text under a palisade span (1-based character columns, end exclusive)."""
    lines = read_lines(file)
    if not lines:
        return None
    sl, el = span["start_line"] - 1, span["end_line"] - 1
    if sl >= len(lines):
        return None
    if sl == el:
        return lines[sl][span["start_col"] - 1:span["end_col"] - 1] or None
    return lines[sl][span["start_col"] - 1:] or None


def load_leaks(tool: str, report: Path, corpus: Path, prefix: str) -> list[Finding]:
    text = report.read_text().strip()
    if not text:
        return []
    if text.startswith("["):
        items = json.loads(text)  # gitleaks: a list of flat records
    elif text.startswith("{") and '"findings"' in text[:200]:
        items = json.loads(text)["findings"]  # betterleaks 2.x: nested records
    else:
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    out = []
    for it in items:
        if "location" in it:
            loc, match = it["location"], it.get("match", {})
            out.append(Finding(tool, norm_path(loc.get("path", ""), corpus, prefix),
                               int(loc.get("start_line", 0)), it.get("rule_id", "?"),
                               match.get("value") or None, str(it.get("confidence", ""))))
            continue
        path = it.get("File") or it.get("file") or ""
        out.append(Finding(tool, norm_path(path, corpus, prefix), int(it.get("StartLine", 0)),
                           it.get("RuleID", "?"), it.get("Secret") or None, ""))
    return out


def load_kingfisher(report: Path, corpus: Path, prefix: str) -> list[Finding]:
    text = report.read_text().strip()
    if not text:
        return []
    try:
        doc = json.loads(text)
        items = doc.get("findings", []) if isinstance(doc, dict) else doc
    except json.JSONDecodeError:
        items = [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]
    out = []
    for it in items:
        rule = it.get("rule", {})
        fnd = it.get("finding", it)
        path = fnd.get("path") or ""
        line = int(fnd.get("line") or fnd.get("line_num") or 0)
        out.append(Finding("kingfisher", norm_path(path, corpus, prefix), line,
                           rule.get("id") or rule.get("name") or "?",
                           fnd.get("snippet") or None, str(fnd.get("confidence", "") or "")))
    return out


def load_detect_secrets(report: Path, corpus: Path, prefix: str) -> list[Finding]:
    doc = json.loads(report.read_text())
    out = []
    for path, items in doc.get("results", {}).items():
        p = norm_path(path, corpus, prefix)
        for it in items:
            line = int(it["line_number"])
            value = ds_value(corpus / p, line, it.get("hashed_secret", ""))
            out.append(Finding("detect-secrets", p, line, it["type"], value))
    return out


def ds_value(file: Path, line: int, sha1: str) -> str | None:
    """detect-secrets stores a SHA-1 of the secret: find the substring of the line with it."""
    lines = read_lines(file)
    if not sha1 or line - 1 >= len(lines):
        return None
    text = lines[line - 1]
    cands = set(re.findall(r"""[^\s'"`=:,;()\[\]{}<>]+""", text))
    cands.update(a or b for a, b in re.findall(r"""'([^']*)'|"([^"]*)\"""", text))
    cands.update(m.strip().strip("'\"") for m in re.split(r"[=:]", text)[1:])
    for c in cands:
        if c and hashlib.sha1(c.encode()).hexdigest() == sha1:
            return c
    return None


_lines_cache: dict[Path, list[str]] = {}


def read_lines(file: Path) -> list[str]:
    if file not in _lines_cache:
        try:
            _lines_cache[file] = file.read_bytes().decode("utf-8", "replace").splitlines()
        except OSError:
            _lines_cache[file] = []
    return _lines_cache[file]


def load(tool: str, report: Path, corpus: Path, prefix: str) -> list[Finding]:
    if tool == "palisade":
        return load_palisade(report, corpus, prefix)
    if tool in ("gitleaks", "betterleaks"):
        return load_leaks(tool, report, corpus, prefix)
    if tool == "kingfisher":
        return load_kingfisher(report, corpus, prefix)
    return load_detect_secrets(report, corpus, prefix)


def dedup(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.path, f.line, f.rule)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# ---------------------------------------------------------------------------------------------
# Redaction and review context


def entropy(s: str) -> float:
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in collections.Counter(s).values())


def mask(value: str) -> str:
    armour = re.match(r"-----BEGIN[A-Z0-9 ]*-----", value)
    if armour:  # the PEM header is not secret; what follows it is
        return armour.group(0) + "…"
    return value[:4] + "…"


def shape(value: str | None) -> str:
    if not value:
        return "value not reported"
    v = value
    classes = []
    if re.fullmatch(r"[0-9a-fA-F]+", v):
        classes.append("hex")
    else:
        for name, rx in (("lower", "[a-z]"), ("upper", "[A-Z]"), ("digit", "[0-9]"),
                         ("symbol", r"[^A-Za-z0-9]")):
            if re.search(rx, v):
                classes.append(name)
    return f"len {len(value)}, {'+'.join(classes)}, entropy {entropy(v):.2f}"


TOKEN = re.compile(r"[A-Za-z0-9+/=_\-.~]{16,}")


def redact_line(text: str, values: list[str]) -> str:
    for v in sorted({v for v in values if v}, key=len, reverse=True):
        for part in v.splitlines():
            part = part.strip()
            if len(part) >= 4 and not part.startswith("-----"):
                # Not where the value is the key of an assignment (`password="password"`).
                text = re.sub(re.escape(part) + r"(?![=:])", lambda _m, p=part: mask(p), text)

    def fallback(m: re.Match) -> str:
        tok = m.group(0)
        if entropy(tok) >= 3.5 and re.search(r"\d", tok) and re.search(r"[A-Za-z]", tok):
            return mask(tok)
        return tok

    return TOKEN.sub(fallback, text)


def context(corpus: Path, f: Finding, values: dict[tuple[str, int], list[str]],
            width: int = 180) -> list[str]:
    lines = read_lines(corpus / f.path)
    out = []
    for n in range(max(1, f.line - 1), min(len(lines), f.line + 1) + 1):
        # Values found on any line shown (a multi-line match may sit on the next one).
        shown = [v for k in range(f.line - 2, f.line + 3) for v in values.get((f.path, k), [])]
        t = redact_line(lines[n - 1], shown)
        if len(t) > width:
            t = t[:width] + " […]"
        out.append(f"{'>' if n == f.line else ' '}{n:6} | {t}")
    return out


# ---------------------------------------------------------------------------------------------
# Reporting


def project(path: str) -> str:
    return path.split("/", 1)[0]


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    fmt = "| " + " | ".join("{:%s%d}" % ("<" if i == 0 else ">", w)
                            for i, w in enumerate(widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt.format(*header), sep, *(fmt.format(*map(str, r)) for r in rows)])


def wilson(k: int, n: int, z: float = 1.96) -> str:
    """95% Wilson score interval of a proportion k/n, as 'lo-hi%'."""
    if n == 0:
        return "-"
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return f"{max(0.0, c - h):.0%}-{min(1.0, c + h):.0%}"


def read_labels(path: Path) -> dict[tuple[str, int], str]:
    labels = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or parts[2] not in LABELS:
            raise SystemExit(f"{path}:{n}: expected path<TAB>line<TAB>{'|'.join(LABELS)}")
        labels[(parts[0], int(parts[1]))] = parts[2]
    return labels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="default: ../shared/bench/corpus.sh")
    ap.add_argument("--reports", type=Path,
                    default=Path.home() / ".cache" / "palisade-eval" / "reports")
    ap.add_argument("--palisade", default=str(REPO / "target" / "release" / "palisade"))
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--rerun", action="store_true", help="rerun tools whose report exists")
    ap.add_argument("--no-run", action="store_true", help="only read existing reports")
    ap.add_argument("--detect-secrets-subset", metavar="DIR",
                    help="scan only this folder of the corpus with detect-secrets")
    ap.add_argument("--sample", type=int, default=25, help="findings sampled per peer")
    ap.add_argument("--palisade-sample", type=int, default=50)
    ap.add_argument("--peer-only-sample", type=int, default=10,
                    help="findings sampled per peer among those palisade does not report")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--sample-out", type=Path, help="write the review sample (markdown) here")
    ap.add_argument("--labels", type=Path, help="hand labels: path<TAB>line<TAB>label")
    args = ap.parse_args()

    tools = [t for t in args.tools.split(",") if t]
    corpus = (args.corpus or corpus_dir()).resolve()
    args.reports.mkdir(parents=True, exist_ok=True)
    os.chmod(args.reports, 0o700)
    exes = {"palisade": args.palisade, **(peer_paths() if not args.no_run else {})}

    findings: dict[str, list[Finding]] = {}
    scope: dict[str, str] = {}
    for tool in tools:
        report = args.reports / f"{tool}.json"
        target, prefix = ".", ""
        if tool == "detect-secrets" and args.detect_secrets_subset:
            target = args.detect_secrets_subset.strip("/")
            prefix = ""
            report = args.reports / f"{tool}-{target.replace('/', '_')}.json"
        if not args.no_run and (args.rerun or not report.exists()):
            run_tool(tool, exes[tool], corpus, target, report)
        if not report.exists():
            print(f"no report for {tool} at {report}: skipped", file=sys.stderr)
            continue
        findings[tool] = dedup(load(tool, report, corpus, prefix))
        scope[tool] = target

    # Values reported by any tool at a location, to mask them in every printed context.
    values: dict[tuple[str, int], list[str]] = collections.defaultdict(list)
    for fs in findings.values():
        for f in fs:
            if f.value:
                values[(f.path, f.line)].append(f.value)

    def in_scope(f: Finding, target: str) -> bool:
        return target == "." or f.path == target or f.path.startswith(target.rstrip("/") + "/")

    projects = sorted({project(f.path) for fs in findings.values() for f in fs})
    print(f"corpus: {corpus}\n")
    print("## Findings per tool (unique path, line, rule)\n")
    rows = []
    for tool, fs in findings.items():
        locs = {(f.path, f.line) for f in fs}
        per = collections.Counter(project(f.path) for f in fs)
        rows.append([tool + ("" if scope[tool] == "." else f" ({scope[tool]} only)"), len(fs),
                     len(locs), len({f.path for f in fs}),
                     *(per.get(p, 0) for p in projects)])
    print(table(rows, ["tool", "findings", "locations", "files", *projects]))

    if "palisade" in findings:
        print("\n## Overlap with palisade by location (path, line), within each peer's scope\n")
        rows = []
        for tool in PEERS:
            if tool not in findings:
                continue
            peer = {(f.path, f.line) for f in findings[tool]}
            pal = {(f.path, f.line) for f in findings["palisade"]
                   if in_scope(f, scope[tool])}
            only = peer - pal
            pal_lines = collections.defaultdict(set)
            for p, n in pal:
                pal_lines[p].add(n)
            near = {(p, n) for p, n in only if any(abs(n - m) <= 2 for m in pal_lines[p])}
            skipped = {(p, n) for p, n in only if p in PALISADE_SKIPPED}
            rows.append([tool, len(peer), len(pal), len(peer & pal), len(only), len(near),
                         len(skipped), len(pal - peer)])
        print(table(rows, ["peer", "peer locs", "palisade locs", "both", "only peer",
                           "of which palisade within 2 lines", "of which in files palisade "
                           "skipped", "only palisade"]))

        pal_locs = {(f.path, f.line) for f in findings["palisade"]}
        print("\n## Rules behind peer findings that palisade does not report (by location)\n")
        for tool in PEERS:
            if tool not in findings:
                continue
            miss = collections.Counter(f.rule for f in findings[tool]
                                       if (f.path, f.line) not in pal_locs)
            if miss:
                top = ", ".join(f"{r} {n}" for r, n in miss.most_common(12))
                print(f"- {tool}: {top}")

        peer_locs = {(f.path, f.line) for t in PEERS if t in findings for f in findings[t]}
        alone = collections.Counter(f.rule for f in findings["palisade"]
                                    if (f.path, f.line) not in peer_locs)
        print(f"- palisade, reported by no peer ({sum(alone.values())}): "
              + ", ".join(f"{r} {n}" for r, n in alone.most_common(12)))

    print("\n## Rules per tool (top 15)\n")
    for tool, fs in findings.items():
        c = collections.Counter(f.rule for f in fs)
        print(f"- {tool} ({len(c)} rules): "
              + ", ".join(f"{r} {n}" for r, n in c.most_common(15)))

    if "betterleaks" in findings and any(f.confidence for f in findings["betterleaks"]):
        c = collections.Counter(f.confidence or "?" for f in findings["betterleaks"])
        print(f"\nbetterleaks by confidence: {dict(c)}")
    if "palisade" in findings:
        c = collections.Counter(f.confidence or "?" for f in findings["palisade"])
        print(f"palisade by confidence: {dict(c)}")

    # One generator per tool and purpose, so a tool's sample does not depend on the others run.
    samples: dict[str, list[Finding]] = {}
    for tool, fs in findings.items():
        rng = random.Random(f"{args.seed}-{tool}")
        n = args.palisade_sample if tool == "palisade" else args.sample
        ordered = sorted(fs, key=lambda f: (f.path, f.line, f.rule))
        samples[tool] = sorted(rng.sample(ordered, min(n, len(ordered))),
                               key=lambda f: (f.path, f.line, f.rule))
    peer_only: dict[str, list[Finding]] = {}
    if "palisade" in findings:
        pal_locs = {(f.path, f.line) for f in findings["palisade"]}
        for tool in PEERS:
            if tool in findings:
                only = sorted((f for f in findings[tool] if (f.path, f.line) not in pal_locs),
                              key=lambda f: (f.path, f.line, f.rule))
                rng = random.Random(f"{args.seed}-{tool}-only")
                peer_only[tool] = sorted(rng.sample(only, min(args.peer_only_sample, len(only))),
                                         key=lambda f: (f.path, f.line, f.rule))

    by_loc: dict[tuple[str, int], set[str]] = collections.defaultdict(set)
    for tool, fs in findings.items():
        for f in fs:
            by_loc[(f.path, f.line)].add(tool)

    if args.sample_out:
        out = [f"# Review sample (seed {args.seed})\n",
               "Values are masked to their first 4 characters. Label each location in a TSV: "
               "path<TAB>line<TAB>secret|fixture|fp.\n"]
        for title, group in ([(f"{t}: random sample", s) for t, s in samples.items()]
                             + [(f"{t}: not reported by palisade", s)
                                for t, s in peer_only.items()]):
            out.append(f"\n## {title} ({len(group)})\n")
            for i, f in enumerate(group, 1):
                others = sorted(by_loc[(f.path, f.line)] - {f.tool})
                out.append(f"### {f.tool} {i}: `{f.rule}` {f.path}:{f.line}")
                out.append(f"value: {mask(f.value) if f.value else '?'} ({shape(f.value)})"
                           + (f"; confidence {f.confidence}" if f.confidence else "")
                           + f"; also reported by: {', '.join(others) or 'none'}")
                out.append("```")
                out.extend(context(corpus, f, values))
                out.append("```")
        args.sample_out.write_text("\n".join(out) + "\n")
        print(f"\nreview sample written to {args.sample_out}")

    if args.labels:
        labels = read_labels(args.labels)
        print("\n## Precision from hand labels (sampled findings)\n")
        rows = []
        per_rule: dict[str, str] = {}
        for tool, group in samples.items():
            got = [labels.get((f.path, f.line)) for f in group]
            c = collections.Counter(g for g in got if g)
            n = sum(c.values())
            if not n:
                continue
            ok = c["secret"] + c["fixture"]
            rows.append([tool, len(group), n, c["secret"], c["fixture"], c["fp"],
                         f"{c['secret'] / n:.0%}", f"{ok / n:.0%}", wilson(ok, n)])
            by_rule = collections.defaultdict(collections.Counter)
            for f, g in zip(group, got):
                if g:
                    by_rule[f.rule][g] += 1
            per_rule[tool] = ", ".join(
                f"{r} {k['secret'] + k['fixture']}/{sum(k.values())}"
                for r, k in sorted(by_rule.items(), key=lambda kv: -sum(kv[1].values())))
            missing = [f"{f.path}:{f.line}" for f, g in zip(group, got) if not g]
            if missing:
                print(f"{tool}: {len(missing)} sampled findings unlabelled: "
                      + ", ".join(missing[:5]), file=sys.stderr)
        print(table(rows, ["tool", "sampled", "labelled", "secret", "fixture", "fp",
                           "precision (live-looking)", "precision (credential incl. fixtures)",
                           "95% interval"]))
        print("\nsampled findings that are credentials (secret or fixture) per rule:")
        for tool, text in per_rule.items():
            print(f"- {tool}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
