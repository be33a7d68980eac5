"""A build that dies leaves nothing behind (issue 22): no stray process, no lock held by
the dead, no silent wait, no half-written index in use; readers keep answering."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import Searcher
from searcher.backends.local import build as index
from searcher.backends.local import folder
from searcher.backends.local.lock import read_holder, writer_lock
from searcher.cli.app import main
from tests.conftest import REAL_TEXT, doubled, write_texts

ROOT = Path(__file__).resolve().parent.parent
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads processes from /proc")


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searcher.cli.app", *args], cwd=ROOT,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)


def _processes(field: int, value: int) -> list[int]:
    """The live processes whose ``/proc/PID/stat`` *field* (counted after the state:
    1 the parent, 3 the session) is *value*."""
    found = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[field]) == value and fields[0] != "Z":
            found.append(int(p.name))
    return found


def _session(sid: int) -> list[int]:
    """The live processes of session *sid* (a process started with a new session)."""
    return _processes(3, sid)


def _children(pid: int) -> list[int]:
    """The live processes whose parent is *pid*."""
    return _processes(1, pid)


def _copies(folder_: Path, n: int) -> Path:
    folder_.mkdir(parents=True, exist_ok=True)
    data = REAL_TEXT.read_bytes()
    for i in range(n):
        (folder_ / f"kopya-{i:02d}.txt").write_bytes(data + f"\nek {i}\n".encode())
    return folder_


def _generations(idx: Path) -> list[str]:
    return sorted(p.name for p in idx.iterdir() if p.name.startswith(folder.GENERATION_PREFIX))


# ------------------------------------------------------------ no stray process


@linux_only
def test_killed_build_leaves_no_process(tmp_path):
    """20 copies of the seed: the size at which the build used to fork two Whoosh
    workers, which outlived a SIGKILL of their parent holding the index's lock."""
    texts, idx = _copies(tmp_path / "texts", 20), tmp_path / "index"
    build = subprocess.Popen(
        [sys.executable, "-m", "searcher.cli.app", "index", "--rebuild", "--texts", str(texts),
         "--index", str(idx)], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (idx.is_dir() and _generations(idx)) and time.monotonic() < deadline:
        time.sleep(0.05)  # the build is under way once its generation folder exists
    time.sleep(1.0)
    build.kill()
    build.wait()
    left, deadline = _session(build.pid), time.monotonic() + 10
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _session(build.pid)
    assert left == [], "processes of the killed build still alive after 10 s"
    t = time.monotonic()
    with writer_lock(idx, timeout=0):  # nothing holds the index: taken at once
        pass
    assert time.monotonic() - t < 2


# ------------------------------------------------------------ the lock

HOLD = """
import os, sys, time
from pathlib import Path
from searcher.backends.local.lock import writer_lock
from searcher.backends.local import lock
with writer_lock(Path(sys.argv[1])):
    if sys.argv[2] == "fork":  # a child inherits the flock, as Whoosh's workers did
        kept = [os.dup(fd) for fd in lock._HELD]  # (a fork closes the lock's own descriptor)
        child = os.fork()
        if child == 0:
            time.sleep(60)
            os._exit(0)
        print(child, flush=True)
    print("locked", flush=True)
    time.sleep(60)
"""


def _holder(idx: Path, how: str) -> tuple[subprocess.Popen, int | None]:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(idx), how], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    child = int(p.stdout.readline()) if how == "fork" else None
    assert p.stdout.readline().strip() == "locked"
    return p, child


@linux_only
def test_lock_of_dead_build_is_taken_over(tmp_path):
    texts = write_texts(tmp_path / "texts", a=doubled("Gümrük kapısı açıldı."))
    idx = tmp_path / "index"
    index.update(texts, idx)
    holder, orphan = _holder(idx, "fork")
    try:
        holder.kill()  # the build dies; the process it forked keeps the flock
        holder.wait()
        assert _session(os.getsid(0)) and os.path.exists(f"/proc/{orphan}")
        t = time.monotonic()
        r = _cli("index", "--rebuild", "--wait", "30", "--texts", str(texts), "--index",
                 str(idx))
        assert r.returncode == 0, r.stderr
        assert time.monotonic() - t < 15 and "being built" not in r.stderr
        with Searcher(idx, texts) as s:
            assert [h.doc for h in s.search("gümrük")] == ["a.txt"]
    finally:
        os.kill(orphan, signal.SIGKILL)


def test_second_build_says_who_holds_the_index(tmp_path):
    texts = write_texts(tmp_path / "texts", a=doubled("Gümrük kapısı açıldı."))
    idx = tmp_path / "index"
    index.update(texts, idx)
    holder, _ = _holder(idx, "plain")
    try:
        rec = read_holder(idx)
        assert rec is not None and rec.pid == holder.pid
        args = ("index", "--rebuild", "--texts", str(texts), "--index", str(idx))
        t = time.monotonic()
        r = _cli(*args, "--wait", "0")
        assert time.monotonic() - t < 5
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert re.search(rf"being built by process {holder.pid} since \d\d:\d\d:\d\d", r.stderr)
        r = _cli(*args, "--wait", "2")
        lines = r.stderr.splitlines()
        assert r.returncode == 2
        # at once: who holds it and since when, then how long it has waited, then one line
        assert f"process {holder.pid}" in lines[0] and "since" in lines[0]
        assert "waiting up to 2 s" in lines[0]
        assert "being built by process" in lines[-1] and "Traceback" not in r.stderr
        # a search meanwhile answers from the last complete index, naming the builder
        (texts / "a.txt").write_text(doubled("Telefon hattı kuruldu."), encoding="utf-8")
        notes: list[str] = []
        with Searcher(idx, texts, warn=notes.append) as s:
            assert [h.doc for h in s.search("gümrük")] == ["a.txt"]
        assert len(notes) == 1 and f"process {holder.pid}" in notes[0]
        assert "answering from the old index" in notes[0]
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------ failing writes


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("rebuild", [False, True])
def test_disk_full_keeps_previous_index(tmp_path, monkeypatch, code, rebuild):
    from whoosh.filedb.structfile import StructFile

    texts = write_texts(tmp_path / "texts", a=doubled("Gümrük kapısı açıldı."),
                        b=doubled("Kızılay yardımı geldi."))
    idx = tmp_path / "index"
    index.update(texts, idx)
    live = folder.current_generation(idx)
    (texts / "b.txt").write_text(doubled("Telefon hattı kuruldu."), encoding="utf-8")
    written = [0]
    real = StructFile.write

    def failing(self, data):  # the disk fills up after the first few kilobytes
        written[0] += len(data)
        if written[0] > 4096:
            raise OSError(code, os.strerror(code))
        return real(self, data)

    monkeypatch.setattr(StructFile, "write", failing)
    args = ["index", "--texts", str(texts), "--index", str(idx)] + (
        ["--rebuild"] if rebuild else [])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and os.strerror(code) in lines[0], r.output
    assert "previous index" in lines[0]
    assert folder.current_generation(idx) == live and _generations(idx) == [live.name]
    monkeypatch.undo()
    with Searcher(idx, texts, auto_update=False) as s:
        assert [h.doc for h in s.search("Kızılay")] == ["b.txt"]
    assert index.update(texts, idx).indexed == 1  # and the next one completes


# ------------------------------------------------------------ crash consistency

#: The build, killed by the test at a moment it chooses, or by itself at a step of the
#: generation swap (argv[4]): just before CURRENT is replaced, just after, while old
#: generations are removed.
KILLED = """
import os, signal, sys
from pathlib import Path
from searcher.backends.local import build, folder
at = sys.argv[4]
def die():
    os.kill(os.getpid(), signal.SIGKILL)
if at == "before-swap":
    real = build.write_atomic
    def write_atomic(path, text):
        if path.name == folder.CURRENT:
            die()
        real(path, text)
    build.write_atomic = write_atomic
elif at == "after-swap":
    real_replace = os.replace
    def replace(src, dst, *a, **k):
        real_replace(src, dst, *a, **k)
        if str(dst).endswith(folder.CURRENT):
            die()
    os.replace = replace
elif at == "removing-old":
    real_rmtree = folder.shutil.rmtree
    def rmtree(path, *a, **k):
        die()
    folder.shutil.rmtree = rmtree
print("start", flush=True)
build.update(Path(sys.argv[1]), Path(sys.argv[2]), rebuild=sys.argv[3] == "1")
"""

QUERIES = ["Kazım Karabekir", "dostluk", "Kızılay", '"Sovyet Rusya"', "antlaşma imzalandı",
           "Ankara"]


def _answers(idx: Path, texts: Path) -> list:
    """The top 5 hits of each query (document, passage, score)."""
    with Searcher(idx, texts, auto_update=False) as s:
        return [[(h.doc, h.passage, round(h.score, 6)) for h in s.search(q, 5, context=0)]
                for q in QUERIES]


def _hits(answers: list) -> list:
    """Which passages each query found, whatever their order and scores: an update
    that deletes merges Whoosh segments, which keep each passage's length rounded
    (a byte), so its scores differ from a clean build's in the third digit and
    passages of equal score may come in another order."""
    return [sorted((doc, passage) for doc, passage, _ in a) for a in answers]


def _state(texts: Path) -> tuple:
    return tuple(sorted((p.name, hashlib.sha1(p.read_bytes()).hexdigest())
                        for p in texts.iterdir()))


@linux_only
def test_crash_loop_index_always_answers_as_a_clean_build(tmp_path):
    """20 kills at pseudo-random moments (seed 22), 4 of them at steps of the swap.
    After each kill the index answers exactly as before the killed run or exactly as
    the same run uninterrupted does, and finds what a clean build of those texts
    finds; the next update completes and answers as the uninterrupted run."""
    rng = random.Random(22)
    seed = REAL_TEXT.read_text(encoding="utf-8").split("\n\n")
    part_len = len(seed) // 8
    # no two texts share a part: equal passages would tie, and ties may come in any order
    parts = ["\n\n".join(seed[i * part_len:(i + 1) * part_len]) for i in range(8)]
    texts = tmp_path / "texts"
    texts.mkdir()
    for i in range(3):
        (texts / f"cilt-{i}.txt").write_text(parts[i], encoding="utf-8")
    idx = tmp_path / "index"
    index.update(texts, idx)
    clean: dict[tuple, list] = {}

    def clean_hits(texts_state: tuple) -> list:
        state, files = texts_state
        if state not in clean:
            d = tmp_path / f"clean-{len(clean)}"
            (d / "texts").mkdir(parents=True)
            for name, data in files.items():
                (d / "texts" / name).write_bytes(data)
            index.update(d / "texts", d / "index")
            clean[state] = _hits(_answers(d / "index", d / "texts"))
            shutil.rmtree(d)
        return clean[state]

    def snapshot() -> tuple[tuple, dict[str, bytes]]:
        return _state(texts), {p.name: p.read_bytes() for p in texts.iterdir()}

    swap_kills = {3: "before-swap", 8: "after-swap", 13: "removing-old", 17: "after-swap"}
    mismatches, started = 0, time.monotonic()
    for kill in range(20):
        before, old = snapshot(), _answers(idx, texts)
        op = rng.choice(["rebuild", "add", "change", "remove"])
        names = sorted(p.name for p in texts.iterdir())
        used = {p.read_text(encoding="utf-8").split("\n\nDeğişiklik")[0]
                for p in texts.iterdir()}
        unused = [part for part in parts if part not in used]
        if op == "add" or (op == "remove" and len(names) < 2):
            (texts / f"ek-{kill}.txt").write_text(rng.choice(unused), encoding="utf-8")
        elif op == "change":
            (texts / rng.choice(names)).write_text(
                rng.choice(unused) + f"\n\nDeğişiklik {kill}.\n", encoding="utf-8")
        elif op == "remove":
            (texts / rng.choice(names)).unlink()
        after = snapshot()
        # the same run, uninterrupted, on a copy of the index
        oracle = tmp_path / "oracle"
        shutil.copytree(idx, oracle, ignore=shutil.ignore_patterns(".lock"))
        index.update(texts, oracle, rebuild=op == "rebuild")
        new = _answers(oracle, texts)
        shutil.rmtree(oracle)
        at = swap_kills.get(kill, "random")
        p = subprocess.Popen([sys.executable, "-c", KILLED, str(texts), str(idx),
                              "1" if op == "rebuild" else "0", at], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert p.stdout.readline().strip() == b"start"
        if at == "random":
            time.sleep(rng.uniform(0, 0.8))
            p.kill()
        p.wait(timeout=120)
        got = _answers(idx, texts)
        if not ((got == old and _hits(got) == clean_hits(before))
                or (got == new and _hits(got) == clean_hits(after))):
            mismatches += 1
        index.update(texts, idx, rebuild=op == "rebuild")  # the next run completes
        assert _answers(idx, texts) == new
    print(f"crash loop: 20 kills, {mismatches} mismatches, "
          f"{time.monotonic() - started:.1f} s")
    assert mismatches == 0


# ------------------------------------------------------------ readers under churn

READER = """
import os, sys
from searcher import Searcher
n = 0
with Searcher(sys.argv[2], sys.argv[1]) as s:
    while not os.path.exists(sys.argv[3]) or n == 0:
        hits = s.search("Kızılay", 5, context=0)
        if not hits:
            print("EMPTY", flush=True)
        n += 1
        if n == 1:
            print("ready", flush=True)
print("searches", n, flush=True)
"""


def test_readers_under_churn_never_see_an_error_or_an_empty_answer(tmp_path):
    """8 processes search while 5 rebuilds and 20 text edits happen."""
    texts = write_texts(tmp_path / "texts", **{
        f"t{i}": doubled(f"Kızılay yardımı {i}. gün geldi.", "Gümrük kapısı açıldı.")
        for i in range(4)})
    idx, stop = tmp_path / "index", tmp_path / "stop"
    index.update(texts, idx)
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(texts), str(idx), str(stop)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(8)]
    rng = random.Random(8)
    try:
        for r in readers:
            assert r.stdout.readline().strip() == "ready"
        for step in range(25):
            if step % 5 == 4:
                index.update(texts, idx, rebuild=True)
            else:
                name = f"t{rng.randrange(4)}.txt"
                (texts / name).write_text(doubled(
                    f"Kızılay yardımı {step}. adımda geldi.", f"Sakarya {step}."),
                    encoding="utf-8")
                index.update(texts, idx)
    finally:
        stop.touch()
    for r in readers:
        out, err = r.communicate(timeout=120)
        assert r.returncode == 0 and "Traceback" not in err, err[-2000:]
        assert "EMPTY" not in out and "searches" in out
