"""Index build figures for benchmarks/speed.py ``--builds`` (issue 31).

For each size, on two corpora (identical copies of the seed, and the varied copies
of benchmarks/varied.py), the current code and ``--against REV`` each build the
index from scratch in their own process, taking turns which goes first: wall time,
CPU seconds (every process of the build), peak resident memory of the build's own
process and of its largest child (its worker; Whoosh's worker processes before issue
31), how many processes read and indexed texts, and the per-word analysis cache's
hit rate (over every process); SQLite FTS5 indexes the same lines.  Then
the first search on a fresh clone at 1x: a whole ``searcher search`` process with
no index yet (it builds, then answers), each version in turn.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from varied import varied

FIRST_QUERY = "Sakarya zaferi"


def _fresh_clone_search(tree: Path, texts: Path, runs: int, startup_at: str, env) -> float:
    """Median wall time of a whole ``searcher search`` whose index folder is empty."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as idx:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", startup_at, str(tree), str(texts), idx,
                            "search", FIRST_QUERY], check=True, capture_output=True,
                           cwd=tree, env=env)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def build_rows(sizes, trees: dict[str, Path], child_at, build_at: str, fts5_child, build_fts5,
               replicate, startup_at: str, env, runs: int = 5) -> dict:
    """Every figure: ``{"rows": [...], "first": {version: seconds}}``."""
    rows = []
    for n in sizes:
        for corpus in ("copies", "varied"):
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                texts = tmp / "texts"
                distinct = None
                if corpus == "copies":
                    replicate(n, texts)
                else:
                    distinct = varied(n, texts, seed=31)
                mb = sum(f.stat().st_size for f in texts.iterdir()) / 2**20
                order = list(trees) if (len(rows) % 2 == 0) else list(trees)[::-1]
                row = {"size": n, "corpus": corpus, "text_mb": mb, "distinct": distinct}
                for v in order:
                    idx = tmp / f"index-{v}"
                    row[v] = child_at(build_at, trees[v], str(texts), str(idx), env=env)
                    shutil.rmtree(idx, ignore_errors=True)
                row["fts5"] = fts5_child(build_fts5, str(texts), str(tmp / "fts5.db"))
                rows.append(row)
                print(f"{n}x {corpus}: " + ", ".join(
                    f"{v} {row[v]['seconds']:.2f} s" for v in trees), file=sys.stderr)
    first = {}
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts"
        replicate(1, texts)
        for v in trees:
            first[v] = _fresh_clone_search(trees[v], texts, runs, startup_at, env)
    return {"rows": rows, "first": first}


def report(figures: dict, labels: dict[str, str], load: tuple[str, str]) -> list[str]:
    names = list(labels)
    head = " | ".join(f"{labels[v]} s | CPU s | peak MiB (own / child) | processes"
                      for v in names)
    lines = [
        "", "Index build from scratch (each build its own process; the versions take turns "
        "which goes first; wall seconds, CPU seconds of every process of the build, peak "
        "resident memory of the build's process / of its largest child, the processes that "
        "read and indexed texts: a big build forks one worker), SQLite FTS5 on "
        "the same lines, and the per-word analysis cache's hit rate. Corpora: `copies` = "
        "the seed text N times; `varied` = benchmarks/varied.py (seed 31: passages "
        "shuffled, numbers changed, ~6% of words other inflections, ~4% made-up words). "
        f"Load average at the start {load[0]}, at the end {load[1]}.", "",
        f"| corpus | text MB | distinct words | {head} | FTS5 s | cache hit rate |",
        "|---|---|---|" + "---|---|---|---|" * len(names) + "---|---|",
    ]
    for r in figures["rows"]:
        cells = []
        for v in names:
            b = r[v]
            cells.append(f"{b['seconds']:.2f} | {b.get('cpu', float('nan')):.2f} | "
                         f"{b.get('peak_self', b['peak']):.0f} / {b.get('peak_child', 0):.0f} | "
                         f"{b.get('processes') or 'n/a'}")
        cur = r[names[0]]
        hits = cur.get("hits")
        rate = "n/a" if hits is None else f"{hits / max(1, hits + cur['misses']):.1%}"
        lines.append(f"| {r['size']}× {r['corpus']} | {r['text_mb']:.1f} | "
                     f"{r['distinct'] if r['distinct'] else 'seed'} | " + " | ".join(cells)
                     + f" | {r['fts5']['seconds']:.2f} | {rate} |")
    lines += ["", f"First search on a fresh clone (1×: a whole `searcher search {FIRST_QUERY}` "
              "process with an empty index folder: it builds, then answers), median:", "",
              "| version | seconds |", "|---|---|"]
    for v in names:
        lines.append(f"| {labels[v]} | {figures['first'][v]:.2f} |")
    return lines
