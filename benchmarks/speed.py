"""Speed at every size: searcher vs SQLite FTS5 vs grep / rg, in one run on one machine.

    python benchmarks/speed.py [--sizes 1 10 100] [--with-1000] [--runs 20]
                               [--opensearch URL] [--against REV [--rounds 6] [--compare-only]]
                               [--builds]

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

With ``--against REV`` (any git revision: ``ae7c425``, ``main~3``, a tag) the
current code is also compared with REV's in the same run, for figures like "p50
within 15% of REV's on the same machine".  REV is checked out into a temporary
``git worktree add --detach`` (removed at the end, even on error; the working tree
is never touched), each size is indexed by each version in its own process (that
tree first on ``sys.path``, separate index folders), and the development queries
and the quotation sets (the same strings for both) are timed in --rounds rounds,
the two versions taking turns (round 1: current then REV, round 2: REV then
current, ...), each round a fresh process per version that opens the index, warms
up and times every query 5 times, caches cleared before each, so a shared
machine's load falls on both alike.  Reported: p50/p95 of all timings and the
median over queries of each query's median, per version, with the ratio
current / REV; and each version's whole ``searcher search`` and ``searcher --help``
process, run in turn (--runs each).  ``--compare-only`` skips everything else
(FTS5, the CLI beside grep, the current code's start-up against a bare interpreter), the
quick way to check a change for a regression.

``--builds`` gives only the index build figures (benchmarks/builds.py): each size as
identical copies and as varied ones (benchmarks/varied.py), each version building in
its own process in turn, wall and CPU seconds, peak memory of the build's process and
of its largest child, the analysis cache's hit rate, FTS5 beside; and the first
search on a fresh clone at 1x.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
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

def usage():
    # the build's own process and its largest child (Whoosh's workers before issue 31),
    # MiB, and the CPU seconds of all of them
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak": (own.ru_maxrss + kids.ru_maxrss) / 1024, "peak_self": own.ru_maxrss / 1024,
            "peak_child": kids.ru_maxrss / 1024,
            "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime}
"""

BUILD_SEARCHER = PEAK + """
import json, sys, time
from pathlib import Path
from searcher.backends.local import build as index
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
from searcher.backends.opensearch import load as opensearch_index
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


#: The query sets of the comparisons (--against, benchmarks/instructions.py), as reported.
SET_LABELS = {"dev": "development", "verbatim": "verbatim quotations",
              "misremembered": "misremembered quotations"}


def query_sets(queries: Path) -> dict[str, list[str]]:
    """The development queries of *queries* (JSONL) and the quotation set of
    benchmarks/quotations.py (seed 12, 10 of each kind): its verbatim quotations and
    the misremembered rest, which fall through to the lower tiers."""
    quotes = generate(ROOT / "texts", seed=12, per_kind=10)
    return {"dev": [json.loads(x)["query"] for x in queries.read_text().splitlines() if x],
            "verbatim": [q["query"] for q in quotes if q["kind"] == "verbatim"],
            "misremembered": [q["query"] for q in quotes if q["kind"] != "verbatim"]}


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


# --against: code run in a child with one version's tree first on sys.path
AT_TREE = """
import os, sys
TREE = sys.argv.pop(1)
sys.path.insert(0, TREE)

def check_tree():
    # the venv's editable install must not have slipped in the other version
    root = os.path.realpath(TREE) + os.sep
    wrong = sorted(name for name, m in list(sys.modules.items())
                   if name.split(".")[0] == "searcher" and getattr(m, "__file__", None)
                   and not os.path.realpath(m.__file__).startswith(root))
    if wrong:
        raise SystemExit(f"imported from outside {TREE}: {wrong}")
"""

BUILD_AT = PEAK + AT_TREE + """
import json, time
from pathlib import Path
if os.path.isdir(os.path.join(TREE, "searcher", "backends")):
    from searcher.backends.local import build as index
else:  # a revision before the package had subpackages
    from searcher import index
t = time.perf_counter()
report = index.update(Path(sys.argv[1]), Path(sys.argv[2]), rebuild=True)
seconds = time.perf_counter() - t
check_tree()
out = {"seconds": seconds, **usage()}
# processes that read and indexed texts (a big build forks a worker; before that field
# existed: one process unless it had children, Whoosh's workers before issue 31)
out["processes"] = getattr(report, "processes", None)
if out["processes"] is None and not out["peak_child"]:
    out["processes"] = 1
try:  # the per-word analysis cache (issue 31): its hit rate over this build, every process
    from searcher.text.tokens import analysed
    info = analysed.cache_info()
    out["hits"], out["misses"] = getattr(report, "cache", None) or (info.hits, info.misses)
except ImportError:
    pass
print(json.dumps(out))
"""

# a whole `searcher ARGS` process of one version's tree, its console script's way in
STARTUP_AT = AT_TREE + """
os.environ["SEARCHER_TEXTS"], os.environ["SEARCHER_INDEX"] = sys.argv.pop(1), sys.argv.pop(1)
sys.argv[0] = "/bin/searcher"
if os.path.isdir(os.path.join(TREE, "searcher", "cli")):
    from searcher.cli.console import run
else:  # a revision before the package had subpackages
    from searcher.console import run
run()
"""

LATENCY_AT = AT_TREE + """
import inspect, json, time
from searcher import Searcher
sets = json.loads(sys.stdin.read())
lat, found = {}, {}
with Searcher(index_dir=sys.argv[2], texts_dir=sys.argv[1]) as s:
    clear = getattr(s, "clear_caches", None)
    kw = {"context": 0} if "context" in inspect.signature(s.search).parameters else {}
    for name, queries in sets.items():
        # warm-up (open the index, load the vocabulary), counting the queries answered
        found[name] = sum(1 for q in queries if len(s.search(q, 10, **kw)))
        runs = []
        for _ in range(5):
            run = []
            for q in queries:
                if clear is not None:
                    clear()  # no credit for remembering a query's work between runs
                t = time.perf_counter()
                s.search(q, 10, **kw)
                run.append(time.perf_counter() - t)
            runs.append(run)
        lat[name] = runs
check_tree()
print(json.dumps({"lat": lat, "found": found, "clear_caches": clear is not None,
                  "context": bool(kw)}))
"""


def _child_at(code: str, tree: Path, *args: str, env=None, stdin: str | None = None) -> dict:
    """Like :func:`_child`, with *tree*'s code first on sys.path (and as the cwd)."""
    proc = subprocess.run([sys.executable, "-c", code, str(tree), *args], input=stdin,
                          capture_output=True, text=True, cwd=tree, env=env)
    if proc.returncode:
        raise RuntimeError(f"child for {tree} failed ({proc.returncode}):\n"
                           + proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@contextlib.contextmanager
def rev_worktree(rev: str):
    """REV checked out (detached) into a temporary worktree: (path, full hash, subject).
    Removed on the way out, error or not; the user's working tree is left alone."""
    try:
        full = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"--against: {rev!r} is not a commit of {ROOT}") from None
    tmp = Path(tempfile.mkdtemp(prefix="speed-against-"))
    tree = tmp / "tree"
    added = False
    try:
        _git("worktree", "add", "--detach", str(tree), full)
        added = True
        yield tree, full, _git("log", "-1", "--format=%s", full)
    finally:
        if added:
            try:
                _git("worktree", "remove", "--force", str(tree))
            except subprocess.CalledProcessError as e:
                print(f"could not remove the worktree {tree}: {e.stderr.strip()}; "
                      f"run: git worktree remove --force {tree}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


def compare_latency(trees: dict[str, Path], texts: Path, idxs: dict[str, Path],
                    sets: dict[str, list[str]], rounds: int, env) -> dict:
    """Each version's timings, ``{version: {set: [run, ...]}}`` (a run: one time per
    query, in order), over *rounds* rounds, the versions taking turns which goes first."""
    times = {v: {k: [] for k in sets} for v in trees}
    found: dict[str, dict] = {}
    flags = {v: {"clear_caches": True, "context": True} for v in trees}
    order = list(trees)
    for r in range(rounds):
        for v in order if r % 2 == 0 else order[::-1]:
            res = _child_at(LATENCY_AT, trees[v], str(texts), str(idxs[v]), env=env,
                            stdin=json.dumps(sets))
            for k in sets:
                times[v][k].extend(res["lat"][k])
            found[v] = res["found"]
            for f in flags[v]:
                flags[v][f] = flags[v][f] and res[f]
    return {"times": times, "flags": flags, "found": found}


def against_size(n: int, texts: Path, idx: Path, rev_idx: Path, rev_tree: Path,
                 sets: dict[str, list[str]], rounds: int, env, built: dict | None,
                 runs: int = 20) -> dict:
    """Both versions on one corpus size: builds (the current one reused when the
    main run has built it already), the alternating latency rounds, and whole-process
    ``searcher search`` and ``searcher --help`` of each, in turn."""
    cur = built or _child_at(BUILD_AT, ROOT, str(texts), str(idx), env=env)
    rev = _child_at(BUILD_AT, rev_tree, str(texts), str(rev_idx), env=env)
    res = compare_latency({"cur": ROOT, "rev": rev_tree}, texts, {"cur": idx, "rev": rev_idx},
                          sets, rounds, env)
    row = {"size": n, "b_cur": cur["seconds"], "b_rev": rev["seconds"],
           "i_cur": _du(idx), "i_rev": _du(rev_idx), "flags": res["flags"],
           "found": res["found"]}
    py = sys.executable
    row["process"] = process_latency({
        f"{v} {what}": [py, "-c", STARTUP_AT, str(tree), str(texts), str(i), *args]
        for what, args in (("search", ["search", CLI_QUERY]), ("help", ["--help"]))
        for v, tree, i in (("cur", ROOT, idx), ("rev", rev_tree, rev_idx))
    }, runs, env)
    row["runs"] = runs
    for v in ("cur", "rev"):
        row[v] = {k: latency_summary(runs) for k, runs in res["times"][v].items()}
    d = row["cur"]["dev"]["p50"] / row["rev"]["dev"]["p50"]
    print(f"{n}x against: dev p50 {row['cur']['dev']['p50'] * 1e3:.2f} ms vs "
          f"{row['rev']['dev']['p50'] * 1e3:.2f} ms ({d:.2f}x)", file=sys.stderr)
    return row


def latency_summary(runs: list[list[float]]) -> dict:
    """p50/p95 over every timing, and the median over queries of each query's median."""
    pooled = [t for run in runs for t in run]
    per_query = [statistics.median(run[i] for run in runs) for i in range(len(runs[0]))]
    return {"p50": _pct(pooled, 0.5), "p95": _pct(pooled, 0.95),
            "qmed": statistics.median(per_query), "n": len(pooled)}


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def against_report(rev: str, full: str, subject: str, rounds: int, sets: dict[str, list[str]],
                   rows: list[dict], load: tuple[str, str]) -> list[str]:
    short = full[:7]
    named = "" if full.startswith(rev) else f"`{short}`, "
    dirty = _git("status", "--porcelain", "--", "searcher")
    current = f"`{_git('rev-parse', '--short', 'HEAD')}`" + (
        " with uncommitted changes to searcher/" if dirty else "")
    lines = [
        "", f"Current code ({current}) against `{rev}` ({named}{subject}), same machine, "
        f"same run: {rounds} rounds, the two versions taking turns which goes first, each "
        "round a fresh process per version that opens its own index of the same texts, "
        "warms up and times every query 5 times (in-process, top 10, caches cleared before "
        f"each query), so {5 * rounds} timings per query and version. Ratio = current / "
        f"{short}; per-query median = median over the queries of each query's median; "
        "answered = queries with at least one hit (current / REV: when they differ, the two "
        "versions do different work on those queries). "
        f"Load average (1, 5, 15 min) at the start {load[0]}, at the end {load[1]}.", "",
        f"| corpus | queries | n | answered | current p50 ms | {short} p50 ms | ratio "
        f"| current p95 ms | {short} p95 ms | ratio | current per-query median ms "
        f"| {short} ms | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        for k, queries in sets.items():
            c, o = r["cur"][k], r["rev"][k]
            lines.append(
                f"| {r['size']}× | {SET_LABELS.get(k, k)} | {len(queries)} | "
                f"{r['found']['cur'][k]} / {r['found']['rev'][k]} | "
                f"{c['p50'] * 1e3:.2f} | {o['p50'] * 1e3:.2f} | {c['p50'] / o['p50']:.2f} | "
                f"{c['p95'] * 1e3:.2f} | {o['p95'] * 1e3:.2f} | {c['p95'] / o['p95']:.2f} | "
                f"{c['qmed'] * 1e3:.2f} | {o['qmed'] * 1e3:.2f} | {c['qmed'] / o['qmed']:.2f} |")
    lines += [
        "", "Index build (one build each, current first, not alternated: indicative) and size:",
        "", f"| corpus | current build s | {short} build s | ratio | current index MB "
        f"| {short} index MB |", "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['size']}× | {r['b_cur']:.2f} | {r['b_rev']:.2f} | "
                     f"{r['b_cur'] / r['b_rev']:.2f} | {r['i_cur'] / 2**20:.1f} | "
                     f"{r['i_rev'] / 2**20:.1f} |")
    lines += [
        "", f"Whole process, each version's console script (`searcher search {CLI_QUERY}` with "
        "no option, and `searcher --help`), the four commands in turn, p50 of "
        f"{rows[0]['runs'] if rows else 0} runs each:", "",
        f"| corpus | command | current ms | {short} ms | ratio |", "|---|---|---|---|---|",
    ]
    for r in rows:
        pr = r["process"]
        for what in ("search", "help"):
            c, o = pr[f"cur {what}"], pr[f"rev {what}"]
            lines.append(f"| {r['size']}× | {what} | {c * 1e3:.1f} | {o * 1e3:.1f} | "
                         f"{c / o:.2f} |")
    flags = rows[0]["flags"] if rows else {}
    for v, name in (("rev", short), ("cur", "current")):
        f = flags.get(v, {})
        if not f.get("clear_caches", True):
            lines.append(f"\nNote: {name}'s `Searcher` has no `clear_caches`: its caches were "
                         "not cleared between runs (flatters it on repeated queries).")
        if not f.get("context", True):
            lines.append(f"\nNote: {name}'s `Searcher.search` takes no `context`: called "
                         "with its default.")
    return lines


def _nodes(url: str) -> int:
    from searcher.backends.opensearch.cluster import Cluster

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
    ap.add_argument("--questions", type=Path, metavar="JSONL",
                    help="also time these questions (in-process p50) beside the word queries "
                         "of --queries (its non-question ones)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--opensearch", metavar="URL",
                    help="also build and search each size on this OpenSearch cluster")
    ap.add_argument("--against", metavar="REV",
                    help="also compare the current code's query latency with this git "
                         "revision's (checked out into a temporary worktree), in the same run")
    ap.add_argument("--rounds", type=int, default=6,
                    help="with --against: rounds of the comparison, the versions taking turns "
                         "which goes first (default 6)")
    ap.add_argument("--compare-only", action="store_true",
                    help="with --against: only the comparison (no start-up, FTS5, CLI, grep)")
    ap.add_argument("--builds", action="store_true",
                    help="only the index build figures (benchmarks/builds.py): identical and "
                         "varied copies, with --against REV beside REV's builds")
    args = ap.parse_args(argv)
    if args.compare_only and not args.against:
        ap.error("--compare-only needs --against REV")
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if args.against:
        # a plain kill must still run the finally that removes the temporary worktree
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        with rev_worktree(args.against) as (tree, full, subject):
            return run(args, (tree, full, subject))
    return run(args, None)


def builds(args, against: tuple[Path, str, str] | None) -> int:
    """``--builds``: build time, CPU, memory and cache hit rate (benchmarks/builds.py)."""
    from builds import build_rows, report

    trees = {"cur": ROOT} | ({"rev": against[0]} if against else {})
    labels = {"cur": "current"} | ({"rev": f"`{against[1][:7]}`"} if against else {})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    load_start = _load()
    figures = build_rows(args.sizes + ([1000] if args.with_1000 else []), trees, _child_at,
                         BUILD_AT, _child, BUILD_FTS5, replicate, STARTUP_AT, env)
    lines = [f"# Index builds ({time.strftime('%Y-%m-%d')})", "", f"Machine: {machine()}"]
    if against:
        lines.append(f"\nCurrent code (`{_git('rev-parse', '--short', 'HEAD')}`) against "
                     f"`{args.against}` ({against[2]}).")
    lines += report(figures, labels, (load_start, _load()))
    return save(lines, args.out, "builds-")


def run(args, against: tuple[Path, str, str] | None) -> int:
    if args.builds:
        return builds(args, against)
    sizes = args.sizes + ([1000] if args.with_1000 else [])
    sets = query_sets(args.queries)
    queries, verbatim, misremembered = sets["dev"], sets["verbatim"], sets["misremembered"]
    searcher_bin = shutil.which("searcher") or str(Path(sys.executable).parent / "searcher")
    grep, rg = shutil.which("grep"), shutil.which("rg")
    # measure what users get: imports from cached bytecode (the warm-up run writes it)
    user_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    bare = [sys.executable, "-c", "pass"]
    only = args.compare_only
    if not only:
        start = process_latency(
            {"bare": bare, "help": [searcher_bin, "--help"],
             "version": [searcher_bin, "--version"]},
            args.runs, user_env,
        )
    load_start = _load()

    rows, vs_rows = [], []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            texts, idx, db = tmp / "texts", tmp / "index", tmp / "fts5.db"
            text_bytes = replicate(n, texts)
            s_build = None
            if not only:
                s_build = _child(BUILD_SEARCHER, str(texts), str(idx))
                f_build = _child(BUILD_FTS5, str(texts), str(db))
                lat = in_process_latency(texts, idx, queries)
                if args.questions:
                    asked = [json.loads(x)["query"] for x in
                             args.questions.read_text().splitlines() if x.strip()]
                    words = [json.loads(x)["query"] for x in
                             args.queries.read_text().splitlines()
                             if x.strip() and json.loads(x)["type"] != "question"]
                    q_lat, w_lat = (in_process_latency(texts, idx, asked),
                                    in_process_latency(texts, idx, words))
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
                if args.questions:
                    row.update(asked=_pct(q_lat, 0.5), asked95=_pct(q_lat, 0.95),
                               words=_pct(w_lat, 0.5), n_asked=len(asked), n_words=len(words))
                if args.opensearch:
                    row.update(opensearch_figures(texts, args.opensearch, queries))
                rows.append(row)
                print(f"{n}x done: build {row['s_build']:.1f} s, p50 {row['p50'] * 1e3:.2f} ms, "
                      f"cli {cli * 1e3:.0f} ms ({cli / proc['bare']:.2f}x bare python)",
                      file=sys.stderr)
            if against:
                vs_rows.append(against_size(n, texts, idx, tmp / "index-rev", against[0],
                                            sets, args.rounds, user_env, s_build, args.runs))

    def ms(x):
        return "n/a" if x is None else f"{x * 1000:.2f}"

    if against:
        vs_lines = against_report(args.against, against[1], against[2], args.rounds, sets,
                                  vs_rows, (load_start, _load()))
    if only:
        lines = [f"# Speed against {args.against} ({time.strftime('%Y-%m-%d')})", "",
                 f"Machine: {machine()}", *vs_lines]
        return save(lines, args.out, f"against-{against[1][:7]}-")

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
    if args.questions:
        lines += [
            "", f"Questions ({args.questions.name}, {rows[0]['n_asked']} queries) beside the "
            f"{rows[0]['n_words']} word queries of {args.queries.name}, in-process, top 10:", "",
            "| corpus | word query p50 ms | question p50 ms | question p95 ms | ratio |",
            "|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(f"| {r['size']}× | {ms(r['words'])} | {ms(r['asked'])} | "
                         f"{ms(r['asked95'])} | {r['asked'] / r['words']:.1f}× |")
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
    if against:
        lines += vs_lines
    return save(lines, args.out, "speed-")


def save(lines: list[str], out_dir: Path, prefix: str) -> int:
    report = "\n".join(lines) + "\n"
    print(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{prefix}{time.strftime('%Y%m%d-%H%M%S')}.md"
    out.write_text(report, encoding="utf-8")
    print(f"saved {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
