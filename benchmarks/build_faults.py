"""A build killed mid-way, as issue 22 saw it: what is left behind, and what the next build costs.

    python benchmarks/build_faults.py [--copies 60] [--at 1 3 5] [--out DIR] [--opensearch URL]

For each moment in ``--at`` (seconds), ``searcher index --rebuild`` of ``--copies``
copies of the seed is started in a session of its own and its process killed with SIGKILL (as
``kill -9`` or the kernel's out-of-memory killer do).  Then, as a user would meet it:

* the processes of that session still alive 10 s later (must be 0: no stray worker);
* whether the index's lock is free at once (no lock held by the dead);
* a search right after the kill: its exit status and whether it answered;
* the next ``searcher index`` (no ``--rebuild``): its exit status and wall time.

With ``--opensearch URL`` the same scene on a cluster (``searcher index --opensearch``):
instead of the lock, whether the alias still names the index of the clean build, how
many half-built indexes the kill left and how many remain after the next run (must be
0: the next run deletes them).

Linux only (processes are read from ``/proc``).  The crash-consistency loop (20
seeded kills, the generation swap included) is the test
``tests/test_build_faults.py::test_crash_loop_index_always_answers_as_a_clean_build``,
whose line ``crash loop: 20 kills, N mismatches, T s`` is printed with ``pytest -s``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "texts" / "sovyet-rusya-ve-tbmm-1920-1922.txt"

# the processes of a session, read from /proc as the test of the same scene reads them
from tests.test_build_faults import _session as session_processes  # noqa: E402


def where(idx: Path, url: str | None, name: str) -> list[str]:
    """The options naming the index: a local folder, or an alias on the cluster."""
    return ["--opensearch", url, "--index-name", name] if url else ["--index", str(idx)]


def cluster_indexes(url: str, name: str) -> tuple[str | None, set[str]]:
    """The index the alias names, and every index of that name."""
    from searcher.backends.opensearch.cluster import Cluster

    client = Cluster(url).client
    alias = list(client.indices.get_alias(name=name, ignore=[404]))
    alias = [a for a in alias if a not in ("error", "status")]
    return (alias[0] if alias else None), set(client.indices.get(index=f"{name}-*"))


def cli(*args: str) -> tuple[int, float, str]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "searcher", *args], cwd=ROOT, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    return p.returncode, time.perf_counter() - t, (p.stderr.strip().splitlines() or [""])[-1]


def one_kill(texts: Path, idx: Path, at: float, url: str | None = None, name: str = "") -> dict:
    loc = where(idx, url, name)
    before = cluster_indexes(url, name)[0] if url else None
    build = subprocess.Popen(
        [sys.executable, "-m", "searcher", "index", "--rebuild", "--texts", str(texts), *loc],
        cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    time.sleep(at)
    alive_at_kill = build.poll() is None
    if alive_at_kill:  # the build's own process only: what it started must follow by itself
        os.kill(build.pid, signal.SIGKILL)
    build.wait()
    time.sleep(10)
    left = session_processes(build.pid)
    row = {"at": at, "killed": alive_at_kill, "left": len(left)}
    if url:
        live, every = cluster_indexes(url, name)
        row["alias_kept"], row["half_killed"] = live == before, len(every - {live})
    else:
        from searcher.backends.local.lock import writer_lock

        t = time.perf_counter()
        with writer_lock(idx, timeout=0):  # raises when something holds the index
            row["lock_s"] = time.perf_counter() - t
    row["search_exit"] = cli("search", "--texts", str(texts), *loc, "-n", "1", "Kızılay")[0]
    row["next_exit"], row["next_s"], row["next_line"] = cli("index", "--texts", str(texts),
                                                            *loc)
    if url:
        live, every = cluster_indexes(url, name)
        row["half_left"] = len(every - {live})
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--copies", type=int, default=60)
    ap.add_argument("--at", type=float, nargs="+", default=[1.0, 3.0, 5.0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--opensearch", metavar="URL", help="the scene on this cluster")
    args = ap.parse_args(argv)
    url, name = args.opensearch, f"build-faults-{uuid.uuid4().hex[:8]}"
    if not Path("/proc/self/stat").exists():
        print("build_faults.py reads processes from /proc (Linux)", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="searcher-faults-") as tmp:
        texts, idx = Path(tmp) / "texts", Path(tmp) / "index"
        texts.mkdir()
        data = SEED.read_bytes()
        for i in range(args.copies):
            (texts / f"kopya-{i:03d}.txt").write_bytes(data + f"\nek {i}\n".encode())
        code, clean_s, _ = cli("index", "--rebuild", "--texts", str(texts),
                               *where(idx, url, name))
        assert code == 0, "the first, clean build failed"
        try:
            for at in args.at:
                rows.append(one_kill(texts, idx, at, url, name))
                print(f"killed at {at:g} s: {rows[-1]}", file=sys.stderr)
        finally:
            shutil.rmtree(idx, ignore_errors=True)
            if url:
                from searcher.backends.opensearch.cluster import Cluster

                Cluster(url).client.indices.delete(index=f"{name}-*", ignore=[404])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"# A build killed mid-way ({date.today()})", "",
        f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average at the end {load}.", "",
        f"`searcher index --rebuild{' --opensearch URL' if url else ''}` of {args.copies} "
        f"copies of the seed (clean build {clean_s:.1f} s), its process killed with SIGKILL at "
        "each moment; then the processes of its session alive 10 s later, "
        f"{'the alias' if url else 'the lock'}, a search, and the next `searcher index`"
        f"{' (and the half-built indexes it left)' if url else ''}.", "",
        f"| killed at | was running | processes left after 10 s | "
        f"{'alias on the clean build' if url else 'lock free in'} | search exit "
        f"| next `searcher index` exit | its wall time |"
        f"{' half-built indexes after the kill / after the next run |' if url else ''}",
        f"|---|---|---|---|---|---|---|{'---|' if url else ''}",
    ]
    for r in rows:
        state = ("yes" if r["alias_kept"] else "NO") if url else f"{r['lock_s'] * 1000:.1f} ms"
        lines.append(f"| {r['at']:g} s | {'yes' if r['killed'] else 'no (done)'} | "
                     f"{r['left']} | {state} | {r['search_exit']} | "
                     f"{r['next_exit']} | {r['next_s']:.1f} s |"
                     + (f" {r['half_killed']} / {r['half_left']} |" if url else ""))
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"build-faults-{time.strftime('%Y%m%d-%H%M%S')}.md"
    out.write_text(text, encoding="utf-8")
    print(f"saved {out}", file=sys.stderr)
    return 1 if any(r["left"] or r.get("half_left") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
