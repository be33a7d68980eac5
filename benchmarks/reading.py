"""Speed of the reading tools (`searcher kwic`, `searcher where`) on a replicated corpus.

    python benchmarks/reading.py [--size 100] [--runs 10] [--word WORD] [--workdir DIR]

The seed text is replicated --size times into a temporary folder (as benchmarks/speed.py
does; --workdir keeps and reuses it) and indexed.  The query is the most frequent
content word of the seed text, found with the project's own analysis (stop words and
numbers aside) unless --word names one.  Timed: in-process ``Searcher.concordance``
and ``Searcher.dispersion`` (warm index, caches cleared before each call), and
whole-process ``searcher kwic WORD`` (all lines, to /dev/null), ``kwic --sort left``
and ``searcher where WORD``, with ``grep -ri WORD`` for scale: p50 of --runs runs.
Prints a Markdown table and saves it under benchmarks/results/.  Not a unit test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import _pct, machine, replicate  # noqa: E402


def process_times(cmd: list[str], runs: int, env=None) -> tuple[float, float]:
    """p50 wall and CPU (user + system) seconds of a whole process, after a warm-up run.
    CPU time is what the process itself costs on a machine others share."""
    wall, cpu = [], []
    for _ in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return _pct(wall[1:], 0.5), _pct(cpu[1:], 0.5)


def most_frequent_word() -> tuple[str, int]:
    """The seed text's most frequent content word, as written most often, and its count."""
    from searcher import load_passages
    from searcher.text import tokens, turkish

    words: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for src in sorted((ROOT / "texts").glob("*.txt")):
        for p in load_passages(src):
            for w in tokens.TOKEN_RE.findall(p.text):
                bare = turkish.drop_suffix(w)
                key = tokens.surface(w)
                if key in turkish.STOP_WORDS or not key.isalpha() or len(key) < 2:
                    continue
                words[key] += 1
                spellings.setdefault(key, Counter())[bare] += 1
    key, n = words.most_common(1)[0]
    return spellings[key].most_common(1)[0][0], n


def in_process(texts: Path, idx: Path, word: str, runs: int) -> dict:
    from searcher import Searcher

    out: dict = {}
    with Searcher(index_dir=idx, texts_dir=texts) as s:
        s.concordance(word)  # warm-up: open the index, read the vocabulary
        for name, call in (
            ("concordance", lambda: s.concordance(word)),
            ("concordance_left", lambda: s.concordance(word, sort="left")),
            ("dispersion", lambda: s.dispersion(word)),
        ):
            wall, cpu = [], []
            for _ in range(runs):
                s.clear_caches()
                t, c = time.perf_counter(), time.process_time()
                result = call()
                wall.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            out[name] = (_pct(wall, 0.5), _pct(cpu, 0.5))
        out["lines"] = result.total
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100, help="times the seed text is replicated")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--word", help="query (default: the most frequent content word)")
    ap.add_argument("--workdir", type=Path, help="keep texts and index here (reused if there)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    word, seed_count = (args.word, None) if args.word else most_frequent_word()
    searcher_bin = shutil.which("searcher") or str(Path(sys.executable).parent / "searcher")

    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory()
        work = Path(tmp.name)
    else:
        work = args.workdir
    texts, idx = work / f"texts{args.size}", work / f"index{args.size}"
    try:
        if not texts.is_dir():
            replicate(args.size, texts)
        env = {**os.environ, "SEARCHER_TEXTS": str(texts), "SEARCHER_INDEX": str(idx)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        t = time.perf_counter()
        subprocess.run([searcher_bin, "index"], env=env, check=True, capture_output=True)
        build = time.perf_counter() - t
        inproc = in_process(texts, idx, word, args.runs)
        cli = {
            " ".join(("searcher", *cmd)): process_times([searcher_bin, *cmd], args.runs, env)
            for cmd in (("kwic", word), ("kwic", word, "--sort", "left"), ("where", word))
        }
        grep = shutil.which("grep")
        g = process_times([grep, "-ri", word, str(texts)], args.runs) if grep else None
    finally:
        if tmp is not None:
            tmp.cleanup()

    seed = f" ({seed_count} times in the seed text)" if seed_count else ""
    lines = [
        f"# Reading tools ({time.strftime('%Y-%m-%d')})", "",
        f"Machine: {machine()}", "",
        f"Corpus: the seed text {args.size}× ({args.size} documents); query `{word}`{seed}: "
        f"{inproc['lines']} occurrences.  Index build or check: {build:.1f} s.  "
        f"p50 of {args.runs} runs.",
        f"Load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(wall time grows with it; CPU time much less).", "",
        "| what | wall ms | CPU ms |", "|---|---|---|",
    ]
    rows = [
        ("`Searcher.concordance` (in-process)", inproc["concordance"]),
        ('`Searcher.concordance(sort="left")` (in-process)', inproc["concordance_left"]),
        ("`Searcher.dispersion` (in-process)", inproc["dispersion"]),
        *((f"`{k}` (whole process, all lines to /dev/null)", v) for k, v in cli.items()),
    ]
    if g is not None:
        rows.append((f"`grep -ri {word}` (whole process)", g))
    lines += [f"| {name} | {w * 1e3:.0f} | {c * 1e3:.0f} |" for name, (w, c) in rows]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"reading-{time.strftime('%Y%m%d-%H%M%S')}.md"
    out.write_text(report, encoding="utf-8")
    print(f"saved {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
