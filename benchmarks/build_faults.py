"""A build killed mid-way, as issue 22 saw it: what is left behind, and what the next build costs.

    python benchmarks/build_faults.py [--copies 60] [--at 1 3 5] [--out DIR]

For each moment in ``--at`` (seconds), ``searcher index --rebuild`` of ``--copies``
copies of the seed is started in a session of its own and its process killed with SIGKILL (as
``kill -9`` or the kernel's out-of-memory killer do).  Then, as a user would meet it:

* the processes of that session still alive 10 s later (must be 0: no stray worker);
* whether the index's lock is free at once (no lock held by the dead);
* a search right after the kill: its exit status and whether it answered;
* the next ``searcher index`` (no ``--rebuild``): its exit status and wall time.

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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "texts" / "sovyet-rusya-ve-tbmm-1920-1922.txt"

# the processes of a session, read from /proc as the test of the same scene reads them
from tests.test_build_faults import _session as session_processes  # noqa: E402


def cli(*args: str) -> tuple[int, float, str]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "searcher", *args], cwd=ROOT, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    return p.returncode, time.perf_counter() - t, (p.stderr.strip().splitlines() or [""])[-1]


def one_kill(texts: Path, idx: Path, at: float) -> dict:
    build = subprocess.Popen(
        [sys.executable, "-m", "searcher", "index", "--rebuild", "--texts", str(texts),
         "--index", str(idx)], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    time.sleep(at)
    alive_at_kill = build.poll() is None
    if alive_at_kill:  # the build's own process only: what it started must follow by itself
        os.kill(build.pid, signal.SIGKILL)
    build.wait()
    time.sleep(10)
    left = session_processes(build.pid)
    from searcher.backends.local.lock import writer_lock

    t = time.perf_counter()
    with writer_lock(idx, timeout=0):  # raises when something holds the index
        lock_free = time.perf_counter() - t
    s_code, _, _ = cli("search", "--texts", str(texts), "--index", str(idx), "-n", "1",
                       "Kızılay")
    n_code, n_time, n_line = cli("index", "--texts", str(texts), "--index", str(idx))
    return {"at": at, "killed": alive_at_kill, "left": len(left), "lock_s": lock_free,
            "search_exit": s_code, "next_exit": n_code, "next_s": n_time, "next_line": n_line}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--copies", type=int, default=60)
    ap.add_argument("--at", type=float, nargs="+", default=[1.0, 3.0, 5.0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
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
        code, clean_s, _ = cli("index", "--rebuild", "--texts", str(texts), "--index", str(idx))
        assert code == 0, "the first, clean build failed"
        for at in args.at:
            rows.append(one_kill(texts, idx, at))
            print(f"killed at {at:.0f} s: {rows[-1]}", file=sys.stderr)
        shutil.rmtree(idx, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"# A build killed mid-way ({date.today()})", "",
        f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average at the end {load}.", "",
        f"`searcher index --rebuild` of {args.copies} copies of the seed (clean build "
        f"{clean_s:.1f} s), its process killed with SIGKILL at each moment; then "
        "the processes of its session alive 10 s later, the lock, a search, and the next "
        "`searcher index`.", "",
        "| killed at | was running | processes left after 10 s | lock free in | search exit "
        "| next `searcher index` exit | its wall time |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['at']:.0f} s | {'yes' if r['killed'] else 'no (done)'} | "
                     f"{r['left']} | {r['lock_s'] * 1000:.1f} ms | {r['search_exit']} | "
                     f"{r['next_exit']} | {r['next_s']:.1f} s |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"build-faults-{time.strftime('%Y%m%d-%H%M%S')}.md"
    out.write_text(text, encoding="utf-8")
    print(f"saved {out}", file=sys.stderr)
    return 1 if any(r["left"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
