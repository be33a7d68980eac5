"""Speed at every size: searcher vs SQLite FTS5 vs grep / rg, in one run on one machine.

    python benchmarks/speed.py [--sizes 1 10 100] [--with-1000] [--runs 20]
                               [--opensearch URL]

For each corpus size (texts/ replicated N times into a temporary folder):
index build time and peak memory (each build in its own process), index size on
disk, in-process query latency p50/p95 over the development queries on a warm
index, the same for the quotations of benchmarks/quotations.py (verbatim ones
against misremembered ones, which fall through to the lower tiers), and
whole-process CLI latency p50 (``searcher search`` vs ``grep -i`` and
``rg -i``) over --runs runs.  Start-up is also given as a ratio to a bare
``python -c pass`` of the same interpreter, run in turn with the commands it is
compared with (so a busy machine slows both alike): ``searcher search`` at each
size, ``searcher --help`` and ``searcher --version`` once.  Prints a Markdown
table and saves it under benchmarks/results/.  Not a unit test.

With ``--opensearch URL`` each size is also loaded into a throwaway index on that
cluster (``searcher index --opensearch``, 3 shards, 1 replica, in its own process)
and the same queries run through it: build time, p50/p95 and index size (the
size of the segments, primaries and with the replicas), beside the local engine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import fts5_query  # noqa: E402
from quotations import generate  # noqa: E402

CLI_QUERY = "Sakarya zaferi"


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def _child(code: str, *args: str) -> dict:
    """Run *code* in a fresh Python and return the JSON it prints last."""
    out = subprocess.run([sys.executable, "-c", code, *args], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


PEAK = """
def peak():
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024  # MiB; kids: Whoosh's indexing processes, if any
"""

BUILD_SEARCHER = PEAK + """
import json, sys, time
from pathlib import Path
from searcher import index
t = time.perf_counter()
index.update(Path(sys.argv[1]), Path(sys.argv[2]), rebuild=True)
print(json.dumps({"seconds": time.perf_counter() - t, "peak": peak()}))
"""

BUILD_FTS5 = PEAK + """
import json, sqlite3, sys, time
from pathlib import Path
t = time.perf_counter()
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE VIRTUAL TABLE p USING fts5(doc UNINDEXED, line UNINDEXED, text, "
           "tokenize = 'unicode61 remove_diacritics 2')")
rows = []
for f in sorted(Path(sys.argv[1]).glob("*.txt")):
    for i, line in enumerate(f.read_text(encoding="utf-8").split("\\n"), 1):
        if line.strip():
            rows.append((f.name, i, line))
db.executemany("INSERT INTO p VALUES (?, ?, ?)", rows)
db.commit()
print(json.dumps({"seconds": time.perf_counter() - t, "peak": peak()}))
"""


BUILD_OPENSEARCH = PEAK + """
import json, sys, time
from pathlib import Path
from searcher import opensearch_index
t = time.perf_counter()
opensearch_index.update(Path(sys.argv[1]), sys.argv[2], sys.argv[3], rebuild=True)
print(json.dumps({"seconds": time.perf_counter() - t, "peak": peak()}))
"""


def opensearch_figures(texts: Path, url: str, queries: list[str]) -> dict:
    """Build, latency and size of searcher's index on an OpenSearch cluster."""
    from searcher import Searcher

    name = f"speed-{int(time.time())}"
    build = _child(BUILD_OPENSEARCH, str(texts), url, name)
    lat = []
    with Searcher(opensearch=url, index_name=name, texts_dir=texts) as s:
        try:
            for q in queries:  # warm-up
                s.search(q, 10, context=0)
            for _ in range(3):
                for q in queries:
                    t = time.perf_counter()
                    s.search(q, 10, context=0)
                    lat.append(time.perf_counter() - t)
            # the store stats are cached for 10 s: add up the segments of every copy
            size = {True: 0, False: 0}
            for index in s.cluster.client.indices.segments(index=name)["indices"].values():
                for copies in index["shards"].values():
                    for copy in copies:
                        size[copy["routing"]["primary"]] += sum(
                            seg["size_in_bytes"] for seg in copy["segments"].values())
        finally:
            s.cluster.client.indices.delete(index=f"{name}-*")
    return {"o_build": build["seconds"], "o_p50": _pct(lat, 0.5), "o_p95": _pct(lat, 0.95),
            "o_bytes": size[True], "o_all_bytes": size[True] + size[False]}


def replicate(n: int, dest: Path) -> int:
    dest.mkdir(parents=True)
    total = 0
    for src in sorted((ROOT / "texts").glob("*.txt")):
        for i in range(1, n + 1):
            shutil.copyfile(src, dest / f"{src.stem}-{i:04d}.txt")
            total += src.stat().st_size
    return total


def in_process_latency(texts: Path, idx: Path, queries: list[str]) -> list[float]:
    from searcher import Searcher

    lat = []
    with Searcher(index_dir=idx, texts_dir=texts) as s:
        for q in queries:  # warm-up: open the index, load the vocabulary
            s.search(q, 10, context=0)
        for _ in range(5):
            for q in queries:
                s.clear_caches()  # no credit for remembering a query's work between runs
                t = time.perf_counter()
                s.search(q, 10, context=0)
                lat.append(time.perf_counter() - t)
    return lat


def fts5_latency(db_path: Path, queries: list[str]) -> list[float]:
    db = sqlite3.connect(db_path)
    sql = ("SELECT doc, line, snippet(p, 2, '[', ']', '…', 12) FROM p WHERE p MATCH ? "
           "ORDER BY bm25(p) LIMIT 10")
    lat = []
    for _ in range(6):
        for q in queries:
            t = time.perf_counter()
            try:
                db.execute(sql, (fts5_query(q),)).fetchall()
            except sqlite3.OperationalError:
                pass
            lat.append(time.perf_counter() - t)
    return lat[len(queries):]


def process_latency(cmds: dict[str, list[str] | None], runs: int, env=None) -> dict:
    """Whole-process p50 of each command (None: not installed), the commands run in
    turn so that load on a shared machine falls on all of them alike.  A first
    round, not counted, warms the caches (and writes bytecode)."""
    todo = {name: cmd for name, cmd in cmds.items() if cmd}
    times: dict[str, list[float]] = {name: [] for name in todo}
    for i in range(runs + 1):
        for name, cmd in todo.items():
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            if i:
                times[name].append(time.perf_counter() - t)
    return {name: _pct(times[name], 0.5) if name in times else None for name in cmds}


def _nodes(url: str) -> int:
    from searcher.opensearch_index import Cluster

    return Cluster(url).client.cluster.health()["number_of_nodes"]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores{mem}, "
            f"Python {platform.python_version()}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--with-1000", action="store_true", help="also 1000x (slow, ~1 GB)")
    ap.add_argument("--runs", type=int, default=20, help="runs of each CLI command")
    ap.add_argument("--queries", type=Path, default=ROOT / "benchmarks" / "dev.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--opensearch", metavar="URL",
                    help="also build and search each size on this OpenSearch cluster")
    args = ap.parse_args(argv)
    sizes = args.sizes + ([1000] if args.with_1000 else [])
    queries = [json.loads(x)["query"] for x in args.queries.read_text().splitlines() if x]
    quotes = generate(ROOT / "texts", seed=12, per_kind=10)
    verbatim = [q["query"] for q in quotes if q["kind"] == "verbatim"]
    misremembered = [q["query"] for q in quotes if q["kind"] != "verbatim"]
    searcher_bin = shutil.which("searcher") or str(Path(sys.executable).parent / "searcher")
    grep, rg = shutil.which("grep"), shutil.which("rg")
    # measure what users get: imports from cached bytecode (the warm-up run writes it)
    user_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    bare = [sys.executable, "-c", "pass"]
    start = process_latency(
        {"bare": bare, "help": [searcher_bin, "--help"], "version": [searcher_bin, "--version"]},
        args.runs, user_env,
    )

    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            texts, idx, db = tmp / "texts", tmp / "index", tmp / "fts5.db"
            text_bytes = replicate(n, texts)
            s_build = _child(BUILD_SEARCHER, str(texts), str(idx))
            f_build = _child(BUILD_FTS5, str(texts), str(db))
            lat = in_process_latency(texts, idx, queries)
            q_exact = in_process_latency(texts, idx, verbatim)
            q_loose = in_process_latency(texts, idx, misremembered)
            flat = fts5_latency(db, queries)
            env = {**user_env, "SEARCHER_TEXTS": str(texts), "SEARCHER_INDEX": str(idx)}
            proc = process_latency({
                "bare": bare,
                "cli": [searcher_bin, "search", CLI_QUERY],
                "grep": grep and [grep, "-ri", CLI_QUERY, str(texts)],
                "rg": rg and [rg, "-i", CLI_QUERY, str(texts)],
            }, args.runs, env)
            cli, g, r = proc["cli"], proc["grep"], proc["rg"]
            row = {
                "size": n, "text_mb": text_bytes / 2**20,
                "s_build": s_build["seconds"], "s_peak": s_build["peak"], "s_bytes": _du(idx),
                "f_build": f_build["seconds"], "f_peak": f_build["peak"],
                "f_bytes": db.stat().st_size,
                "p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95),
                "f_p50": _pct(flat, 0.5), "f_p95": _pct(flat, 0.95),
                "cli": cli, "grep": g, "rg": r, "bare": proc["bare"],
                "q_exact": _pct(q_exact, 0.5), "q_loose": _pct(q_loose, 0.5),
            }
            if args.opensearch:
                row.update(opensearch_figures(texts, args.opensearch, queries))
            rows.append(row)
            print(f"{n}x done: build {row['s_build']:.1f} s, p50 {row['p50'] * 1e3:.2f} ms, "
                  f"cli {cli * 1e3:.0f} ms ({cli / proc['bare']:.2f}x bare python)",
                  file=sys.stderr)

    def ms(x):
        return "n/a" if x is None else f"{x * 1000:.2f}"

    lines = [
        f"# Speed ({time.strftime('%Y-%m-%d')})", "",
        f"Machine: {machine()}", "",
        "Build and size: searcher (Whoosh) vs SQLite FTS5 (unicode61 remove_diacritics, "
        "one row per text line).", "",
        "| corpus | text MB | searcher build s | FTS5 build s | ratio | searcher peak MiB "
        "| FTS5 peak MiB | searcher index MB | × text | FTS5 MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']}× | {r['text_mb']:.1f} | {r['s_build']:.2f} | {r['f_build']:.2f} | "
            f"{r['s_build'] / r['f_build']:.0f}× | {r['s_peak']:.0f} | {r['f_peak']:.0f} | "
            f"{r['s_bytes'] / 2**20:.1f} | {r['s_bytes'] / (r['text_mb'] * 2**20):.1f} | "
            f"{r['f_bytes'] / 2**20:.1f} |"
        )
    lines += [
        "", f"Query latency over the {len(queries)} development queries, warm index "
        "(in-process, top 10 with snippets), and whole-process CLI latency, p50 of "
        f"{args.runs} runs of `{CLI_QUERY}`:", "",
        "| corpus | searcher p50 ms | p95 ms | FTS5 p50 ms | p95 ms | `searcher search` ms "
        "| bare `python` ms | search × bare | `grep -ri` ms | `rg -i` ms | CLI vs grep |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = f"{r['cli'] / r['grep']:.1f}×" if r["grep"] else "n/a"
        lines.append(
            f"| {r['size']}× | {ms(r['p50'])} | {ms(r['p95'])} | {ms(r['f_p50'])} | "
            f"{ms(r['f_p95'])} | {ms(r['cli'])} | {ms(r['bare'])} | "
            f"{r['cli'] / r['bare']:.2f}× | {ms(r['grep'])} | {ms(r['rg'])} | {ratio} |"
        )
    lines += [
        "", f"Quotations (benchmarks/quotations.py, seed 12): p50 of {len(verbatim)} verbatim "
        f"and {len(misremembered)} misremembered ones (no exact match: lower tiers), top 10:",
        "", "| corpus | verbatim p50 ms | misremembered p50 ms | ratio |", "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['size']}× | {ms(r['q_exact'])} | {ms(r['q_loose'])} | "
                     f"{r['q_loose'] / r['q_exact']:.1f}× |")
    lines += [
        "", f"Start-up without a search, p50 of {args.runs} runs each, in turn with a bare "
        f"`python -c pass` of the same interpreter ({ms(start['bare'])} ms):", "",
        "| command | ms | × bare python |",
        "|---|---|---|",
    ]
    for name in ("help", "version"):
        lines.append(f"| `searcher --{name}` | {ms(start[name])} | "
                     f"{start[name] / start['bare']:.2f}× |")
    if args.opensearch:
        lines += [
            "", "searcher on OpenSearch (3 shards, 1 replica; a cluster of "
            f"{_nodes(args.opensearch)} nodes on this same machine) beside the local engine, "
            "same queries (in-process, top 10 with snippets):", "",
            "| corpus | local build s | OpenSearch build s | local p50 ms | OpenSearch p50 ms "
            "| p95 ms | local index MB | OpenSearch primaries MB | with replicas MB |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['size']}× | {r['s_build']:.2f} | {r['o_build']:.2f} | {ms(r['p50'])} | "
                f"{ms(r['o_p50'])} | {ms(r['o_p95'])} | {r['s_bytes'] / 2**20:.1f} | "
                f"{r['o_bytes'] / 2**20:.1f} | {r['o_all_bytes'] / 2**20:.1f} |"
            )
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"speed-{time.strftime('%Y%m%d-%H%M%S')}.md"
    out.write_text(report, encoding="utf-8")
    print(f"saved {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
