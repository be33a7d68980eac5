"""Load on `searcher serve`: many threads asking at once, all answered, and how long each took.

    python benchmarks/web.py [--size 1] [--requests 200] [--threads 20] [--out DIR]

Starts a real ``searcher serve`` (a separate process, its own uvicorn) over the seed
text replicated --size times (as benchmarks/speed.py does), waits for its start-up
line, then asks the development queries (benchmarks/dev.jsonl) round robin:

* one client, one request at a time (``/api/search?q=...&limit=10`` and the HTML
  results page ``/?q=...``): the latency of a single request;
* --requests API requests from --threads threads at once, each thread on its own
  keep-alive connection: every answer must be a 200 with the same first hit as the
  one-client run; p50 and p95 of each request's time, and requests per second.

Prints a Markdown table (with the machine's load average: speed figures are only
comparable on a quiet machine) and saves it under benchmarks/results/.  Not a unit test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import _pct, machine, replicate, save  # noqa: E402


def start_server(texts: Path, index: Path) -> tuple[subprocess.Popen, str, int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--port", "0", "--texts", str(texts),
         "--index", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    for line in proc.stderr:
        found = re.search(r"at (http://\S+) \(Ctrl-C", line)
        if found:
            url = urlparse(found.group(1))
            return proc, url.hostname, url.port
    proc.wait()
    raise SystemExit(f"searcher serve did not start (exit {proc.returncode})")


class Client:
    """One keep-alive connection, as a browser tab has."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes, float]:
        t0 = time.perf_counter()
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read()
        return r.status, body, time.perf_counter() - t0


def first_line(body: bytes) -> int | None:
    hits = json.loads(body)["hits"]
    return hits[0]["line"] if hits else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1, help="the seed text replicated N times")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--threads", type=int, default=20)
    ap.add_argument("--queries", type=Path, default=ROOT / "benchmarks" / "dev.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)

    queries = [json.loads(line)["query"] for line in
               args.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="searcher-web-"))
    mb = replicate(args.size, work / "texts") / 1e6
    t0 = time.perf_counter()
    proc, host, port = start_server(work / "texts", work / "index")
    started = time.perf_counter() - t0
    try:
        one = Client(host, port)
        api = {q: f"/api/search?limit=10&q={quote(q)}" for q in queries}
        page = {q: f"/?q={quote(q)}" for q in queries}
        expected = {}
        for q in queries:  # warm: every query once, and what it answers
            status, body, _ = one.get(api[q])
            assert status == 200, (q, status)
            expected[q] = first_line(body)
            one.get(page[q])
        rounds = max(1, args.requests // len(queries))
        single_api = [one.get(api[q])[2] for _ in range(rounds) for q in queries]
        single_page = [one.get(page[q])[2] for _ in range(rounds) for q in queries]

        answers: list[tuple[str, int, int | None, float]] = []
        lock = threading.Lock()
        go = threading.Barrier(args.threads)

        def worker(k: int) -> None:
            client = Client(host, port)
            go.wait()
            for i in range(k, args.requests, args.threads):
                q = queries[i % len(queries)]
                status, body, took = client.get(api[q])
                with lock:
                    answers.append((q, status, first_line(body) if status == 200 else None,
                                    took))

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.threads)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)

    ok = sum(1 for _, status, _, _ in answers if status == 200)
    same = sum(1 for q, status, line, _ in answers if status == 200 and line == expected[q])
    times = [a[3] for a in answers]
    load = os.getloadavg()

    def ms(x: float) -> str:
        return f"{x * 1000:.1f} ms"

    lines = [
        f"# searcher serve under load ({time.strftime('%Y-%m-%d %H:%M:%S')})",
        "",
        f"Machine: {machine()}; load average before the run {load[0]:.2f} / {load[1]:.2f} "
        f"/ {load[2]:.2f} (1 / 5 / 15 min).",
        f"Corpus: the seed text x{args.size} ({mb:.1f} MB); {len(queries)} development "
        f"queries round robin; server started (and index built) in {started:.1f} s.",
        "",
        "| run | requests | answered (200) | same first hit | p50 | p95 | requests/s |",
        "|---|---|---|---|---|---|---|",
        f"| one client, `/api/search` | {len(single_api)} | {len(single_api)} | — | "
        f"{ms(_pct(single_api, .5))} | {ms(_pct(single_api, .95))} | "
        f"{len(single_api) / sum(single_api):.0f} |",
        f"| one client, HTML results page | {len(single_page)} | {len(single_page)} | — | "
        f"{ms(_pct(single_page, .5))} | {ms(_pct(single_page, .95))} | "
        f"{len(single_page) / sum(single_page):.0f} |",
        f"| {args.threads} threads at once, `/api/search` | {len(answers)} | {ok} | {same} | "
        f"{ms(_pct(times, .5))} | {ms(_pct(times, .95))} | {len(answers) / wall:.0f} |",
    ]
    code = save(lines, args.out, "web-")
    if ok != args.requests or same != ok:
        print(f"FAILED: {args.requests - ok} unanswered, {ok - same} with another first hit",
              file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
