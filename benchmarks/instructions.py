"""CPU instructions of the current code against another revision's: speed.py --against
counted, not timed.

    python benchmarks/instructions.py --against REV [--sizes 1 100]

On a shared 2-core machine the wall-clock ratios of ``speed.py --against`` swing by
15-40 % from run to run (the same code measured 1.13x and 1.53x within an hour); the
instructions a piece of code executes do not depend on the load.  Under Valgrind's
callgrind (``valgrind`` on PATH; Debian's package), for each corpus size (texts/
replicated N times) and each version (REV in a temporary worktree, as speed.py does,
each with its own index of the same texts):

- the whole ``searcher search "Sakarya zaferi"`` process, as speed.py runs it (after a
  warm-up run that writes the bytecode);
- each query of the development set and of the quotation sets of speed.py (verbatim
  and misremembered), in-process, the index open and warm, caches cleared before each
  query as speed.py clears them: only the query's own instructions are counted (each
  search runs inside ``functools.reduce``, which callgrind is told to count and to dump
  after: one count a query).

Every process runs with ``PYTHONHASHSEED=0``: with a random seed, set and dict orders
moved a query's count by 1-3 % from run to run.  Reported: instructions of the whole
process; per query set the median over its queries and the sum, each with the ratio
current / REV.  Wall time is speed.py's job; this says which way a change moved the
work, in numbers that repeat.  Not a unit test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from speed import (
    AT_TREE,
    BUILD_AT,
    CLI_QUERY,
    ROOT,
    SET_LABELS,
    STARTUP_AT,
    _child_at,
    _git,
    machine,
    query_sets,
    replicate,
    rev_worktree,
    save,
)

# one count a query: each search inside functools.reduce, which nothing else calls
QUERIES_AT = AT_TREE + """
import functools, inspect, json
from searcher import Searcher
queries = json.loads(sys.stdin.read())
with Searcher(index_dir=sys.argv[2], texts_dir=sys.argv[1]) as s:
    clear = getattr(s, "clear_caches", lambda: None)
    kw = {"context": 0} if "context" in inspect.signature(s.search).parameters else {}
    for q in queries:  # warm-up: open the index, load the vocabulary
        s.search(q, 10, **kw)
    for q in queries:
        clear()  # no credit for remembering a query's work between runs
        functools.reduce(lambda a, b: s.search(q, 10, **kw), (0, 0))
check_tree()
"""

_COLLECTED = re.compile(r"Collected : (\d+)")


def _callgrind(args: list[str], tree: Path, env, stdin: str | None = None,
               per_call: bool = False) -> list[int]:
    """Instructions of a child (``python -c ...``): the whole process, or with
    *per_call* one count each ``functools.reduce`` call."""
    with tempfile.TemporaryDirectory() as out:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.%p"]
        if per_call:
            cmd += ["--toggle-collect=functools_reduce", "--dump-after=functools_reduce"]
        proc = subprocess.run(cmd + [sys.executable, *args], input=stdin, text=True,
                              capture_output=True, cwd=tree, env=env)
        if proc.returncode:
            raise RuntimeError(f"callgrind run in {tree} failed:\n{proc.stderr[-3000:]}")
        if not per_call:
            return [int(_COLLECTED.search(proc.stderr).group(1))]
        dumps = sorted(Path(out).glob("cg.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
        return [int(re.search(r"^summary: (\d+)", d.read_text(), re.M).group(1))
                for d in dumps]


def measure(tree: Path, texts: Path, idx: Path, sets: dict[str, list[str]], env) -> dict:
    """One version on one corpus: its whole search process, each query of each set."""
    startup = ["-c", STARTUP_AT, str(tree), str(texts), str(idx), "search", CLI_QUERY]
    subprocess.run([sys.executable, *startup], check=True, capture_output=True, cwd=tree,
                   env=env)  # the warm-up: bytecode written, the page cache warm
    out = {"process": _callgrind(startup, tree, env)[0]}
    for name, queries in sets.items():
        counts = _callgrind(["-c", QUERIES_AT, str(tree), str(texts), str(idx)], tree, env,
                            json.dumps(queries), per_call=True)
        if len(counts) != len(queries):
            raise RuntimeError(f"{name}: {len(counts)} counts for {len(queries)} queries")
        out[name] = counts
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="REV", required=True,
                    help="the revision to compare with (a commit, main~3, a tag)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 100])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    if not shutil.which("valgrind"):
        print("instructions.py needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    sets = query_sets(ROOT / "benchmarks" / "dev.jsonl")  # speed.py's
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # one hash seed for every process: set and dict orders (and so the work of a query)
    # otherwise move its count by 1-3 % from run to run
    env["PYTHONHASHSEED"] = "0"
    rows = []
    with rev_worktree(args.against) as (rev_tree, full, subject), \
            tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            texts = Path(tmp) / f"texts-{n}"
            replicate(n, texts)
            got = {}
            for v, tree in (("cur", ROOT), ("rev", rev_tree)):
                idx = Path(tmp) / f"index-{v}-{n}"
                _child_at(BUILD_AT, tree, str(texts), str(idx), env=env)
                got[v] = measure(tree, texts, idx, sets, env)
                print(f"{n}x {v}: process {got[v]['process']:,}", file=sys.stderr)
            rows.append((n, got))
    head = _git("rev-parse", "--short", "HEAD")
    lines = [f"# Instructions against {args.against} ({time.strftime('%Y-%m-%d')})", "",
             f"Machine: {machine()}", "",
             f"Current code (`{head}`) against `{full[:7]}` ({subject}): CPU instructions "
             "counted by callgrind (benchmarks/instructions.py), the same texts and queries "
             "for both, caches cleared before each query. Ratio = current / "
             f"{full[:7]}.", "",
             f"| corpus | what | n | current | {full[:7]} | ratio | current sum | {full[:7]} sum "
             "| ratio |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, got in rows:
        c, r = got["cur"]["process"], got["rev"]["process"]
        lines.append(f"| {n}× | whole `searcher search {CLI_QUERY}` | 1 | {c / 1e6:.1f}M | "
                     f"{r / 1e6:.1f}M | {c / r:.3f} | | | |")
        for name in sets:
            cm, rm = (statistics.median(got[v][name]) for v in ("cur", "rev"))
            cs, rs = (sum(got[v][name]) for v in ("cur", "rev"))
            lines.append(f"| {n}× | {SET_LABELS[name]}, median a query | {len(sets[name])} | "
                         f"{cm / 1e6:.2f}M | {rm / 1e6:.2f}M | {cm / rm:.3f} | "
                         f"{cs / 1e6:.1f}M | {rs / 1e6:.1f}M | {cs / rs:.3f} |")
    return save(lines, args.out, f"instructions-{args.against}-")


if __name__ == "__main__":
    raise SystemExit(main())
