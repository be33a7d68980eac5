"""Speed of searching by meaning: vectors' build time and size, question latency with them.

    python benchmarks/semantic_speed.py [--sizes 1 10 100] [--rounds 3] [--keep DIR]

For each size (texts/ replicated N times into a temporary folder, or under --keep,
reused when there): ``searcher index`` (words only) and then ``searcher index
--semantic`` over it (the vectors added to that index), each in its own process,
their seconds; the vectors' units and bytes (``searcher stats``); then, in one
process on the warm index, the in-process p50/p95 of the questions of
benchmarks/semantic_questions.jsonl with vectors and with ``semantic=False``, and
of the word queries of benchmarks/dev.jsonl (which never use the vectors) on the
same index, each query --rounds times, caches cleared before each.  Identical
copies share their vectors' texts: the build embeds each distinct unit once (the
vectors are keyed by a digest of their text), so the 100 copies cost the seed's
embedding plus the reading; a corpus of 100 different books would cost 100 times
the seed's embedding.  Not a unit test; the load average is printed beside.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import _child, _pct, replicate  # noqa: E402

BUILD = """
import json, sys, time
from pathlib import Path
from searcher.backends.local.build import update
t = time.perf_counter()
update(Path(sys.argv[1]), Path(sys.argv[2]), semantic=sys.argv[3] == "1")
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def _queries(name: str, keep=lambda q: True) -> list[str]:
    lines = (ROOT / "benchmarks" / name).read_text(encoding="utf-8").splitlines()
    return [q["query"] for q in map(json.loads, filter(str.strip, lines)) if keep(q)]


def latency(s, queries: list[str], rounds: int, semantic) -> list[float]:
    for q in queries:  # warm-up: the vocabulary, the vectors, the model
        s.search(q, 10, context=0, semantic=semantic)
    out = []
    for _ in range(rounds):
        for q in queries:
            s.clear_caches()
            t = time.perf_counter()
            s.search(q, 10, context=0, semantic=semantic)
            out.append(time.perf_counter() - t)
    return out


def size_row(n: int, base: Path, rounds: int) -> dict:
    from searcher import Searcher

    texts, idx = base / f"texts-{n}", base / f"index-{n}"
    if not texts.exists():
        replicate(n, texts)
    words = _child(BUILD, str(texts), str(idx), "0")
    vectors = _child(BUILD, str(texts), str(idx), "1")
    questions = _queries("semantic_questions.jsonl")
    plain = _queries("dev.jsonl", lambda q: q["type"] != "question")
    with Searcher(index_dir=idx, texts_dir=texts) as s:
        stats = s.stats().get("vectors") or {}
        lat = {
            "with vectors": latency(s, questions, rounds, None),
            "words only": latency(s, questions, rounds, False),
            "word queries": latency(s, plain, rounds, None),
        }
    return {"size": n, "index_s": words["seconds"], "vectors_s": vectors["seconds"],
            "units": stats.get("units"), "bytes": stats.get("bytes"),
            **{k: (_pct(v, 0.5), _pct(v, 0.95)) for k, v in lat.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep the copies and indexes here (reused by the next run)")
    args = ap.parse_args(argv)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        rows = [size_row(n, base, args.rounds) for n in args.sizes]
    print(f"# Searching by meaning: speed (load average {load} -> "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})\n")
    print("| size | index (words) s | + vectors s | units | vectors MiB | questions with "
          "vectors p50/p95 ms | words only p50/p95 ms | word queries p50/p95 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        cells = [f"{r[k][0] * 1e3:.1f} / {r[k][1] * 1e3:.1f}"
                 for k in ("with vectors", "words only", "word queries")]
        print(f"| {r['size']}x | {r['index_s']:.1f} | {r['vectors_s']:.1f} | {r['units']} | "
              f"{(r['bytes'] or 0) / 2**20:.1f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
