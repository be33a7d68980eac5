"""A big build takes a second core (issue 31): one forked worker indexes a share of the
texts.  The index is the one a build in one process writes, a small build forks
nothing, and the worker obeys the rules of a build that dies (issue 22): it dies
with the build, never holds the writers' lock, and its own death fails the build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as windex

from searcher import Searcher
from searcher.backends.local import build as index
from searcher.backends.local import folder, worker
from searcher.backends.local.lock import LOCK, writer_lock
from searcher.errors import IndexStateError
from tests.conftest import REAL_TEXT, doubled, write_texts
from tests.test_build_faults import _children, _copies, _session, linux_only

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["Sakarya zaferi", '"Moskova Antlaşması"', "Ali Fuat Paşa", "kuraklık", "ek 3"]


def _content(idx: Path) -> dict:
    """What a search can read: every term's postings by global document number, the
    field lengths, the stored records, and the manifest's texts."""
    gen = folder.current_generation(idx)
    out: dict = {"docs": folder.read_manifest(gen)["docs"]}
    with windex.open_dir(str(gen)).reader() as r:
        out["stored"] = list(r.all_stored_fields())
        for field in ("doc", "exact", "prefix", "stem"):
            out[field] = [r.doc_field_length(d, field) for d in r.all_doc_ids()]
            for term in r.lexicon(field):
                m = r.postings(field, term)
                out[field, term] = (list(m.all_ids()) if field == "doc"
                                    else list(r.postings(field, term).items_as("positions")))
    return out


def _four_texts(folder_: Path) -> Path:
    return _copies(folder_, 4)


def test_build_with_a_worker_is_the_build_in_one_process(tmp_path, monkeypatch):
    texts = _four_texts(tmp_path / "texts")
    one = index.update(texts, tmp_path / "one", rebuild=True)
    monkeypatch.setattr(index, "WORKER_MIN_BYTES", 0)
    two = index.update(texts, tmp_path / "two", rebuild=True)
    assert (one.processes, two.processes) == (1, 2)
    assert (two.documents, two.passages) == (one.documents, one.passages)
    assert _content(tmp_path / "two") == _content(tmp_path / "one")
    with Searcher(tmp_path / "one", texts) as a, Searcher(tmp_path / "two", texts) as b:
        for q in QUERIES:
            assert [(h.doc, h.line, h.score) for h in a.search(q, 20)] == \
                [(h.doc, h.line, h.score) for h in b.search(q, 20)]
    assert _children(os.getpid()) == []  # the worker was reaped


def test_update_adding_many_texts_with_a_worker_answers_as_a_rebuild(tmp_path, monkeypatch):
    texts = write_texts(tmp_path / "texts", a=doubled("Gümrük kapısı açıldı."))
    idx = tmp_path / "index"
    index.update(texts, idx)
    _copies(texts, 4)
    monkeypatch.setattr(index, "WORKER_MIN_BYTES", 0)
    assert index.update(texts, idx).processes == 2
    monkeypatch.setattr(index, "WORKER_MIN_BYTES", 10**12)
    index.update(texts, tmp_path / "one", rebuild=True)
    with Searcher(idx, texts) as a, Searcher(tmp_path / "one", texts) as b:
        for q in QUERIES + ["gümrük"]:
            assert sorted((h.doc, h.line) for h in a.search(q, 50)) == \
                sorted((h.doc, h.line) for h in b.search(q, 50))


def test_small_build_forks_nothing(tmp_path):
    texts = write_texts(tmp_path / "texts", a=REAL_TEXT.read_text(encoding="utf-8"),
                        b=doubled("Gümrük kapısı açıldı."))
    assert index.update(texts, tmp_path / "index").processes == 1


def test_worker_share_is_the_last_half_by_bytes(tmp_path):
    texts = {f"{i}.txt": tmp_path / f"{i}.txt" for i in range(6)}
    for i, path in enumerate(texts.values()):
        path.write_bytes(b"x" * (300_000 if i < 3 else 100_000))
    assert index._worker_share(list(texts), texts) == ["2.txt", "3.txt", "4.txt", "5.txt"]
    assert index._worker_share(["0.txt"], texts) == []  # one text: nothing to share


def test_worker_error_fails_the_build_and_keeps_the_index(tmp_path, monkeypatch):
    texts = _four_texts(tmp_path / "texts")
    idx = tmp_path / "index"
    index.update(texts, idx)
    live = folder.current_generation(idx)
    real = index._index_document

    def failing(writer, gen, name, path, warnings):
        if name == "kopya-03.txt":  # the worker's
            raise ValueError("cannot index kopya-03")
        return real(writer, gen, name, path, warnings)

    monkeypatch.setattr(index, "_index_document", failing)
    monkeypatch.setattr(index, "WORKER_MIN_BYTES", 0)
    with pytest.raises(ValueError, match="cannot index kopya-03"):
        index.update(texts, idx, rebuild=True)
    assert folder.current_generation(idx) == live
    assert [p.name for p in idx.iterdir() if p.name.startswith("gen-")] == [live.name]
    assert _children(os.getpid()) == []


@linux_only
def test_worker_killed_fails_the_build_in_one_line(tmp_path, monkeypatch):
    texts = _four_texts(tmp_path / "texts")
    idx = tmp_path / "index"
    index.update(texts, idx)
    live = folder.current_generation(idx)
    monkeypatch.setattr(index, "WORKER_MIN_BYTES", 0)

    def kill_worker(done, total, name):
        for pid in _children(os.getpid()):
            os.kill(pid, signal.SIGKILL)

    with pytest.raises(IndexStateError, match=r"worker process died \(signal 9\)"):
        index.update(texts, idx, rebuild=True, progress=kill_worker)
    assert folder.current_generation(idx) == live
    assert _children(os.getpid()) == []
    with writer_lock(idx, timeout=0):
        pass


def test_worker_stops_when_its_parent_pipe_closes():
    """The check that needs no Linux: the pipe only the parent writes to closed (as
    when the parent dies) is seen by the worker between two pieces of work."""

    def job(send, parent_alive):
        t = time.monotonic()
        while parent_alive() and time.monotonic() - t < 20:
            time.sleep(0.01)
        send(parent_alive())

    w = worker.start(job)
    os.close(w._life)  # what the parent's death does to it
    w._life = -1
    t = time.monotonic()
    assert w.rest() == [False]
    assert time.monotonic() - t < 5


@linux_only
def test_killed_build_leaves_no_worker_and_a_free_lock(tmp_path):
    """SIGKILL the build while its worker indexes: the worker goes with it at once,
    and it never had the lock's descriptor open."""
    texts, idx = _copies(tmp_path / "texts", 30), tmp_path / "index"
    build = subprocess.Popen(
        [sys.executable, "-m", "searcher.cli.app", "index", "--rebuild", "--texts", str(texts),
         "--index", str(idx)], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline, helpers = time.monotonic() + 60, []
        while not helpers and time.monotonic() < deadline and build.poll() is None:
            helpers = _children(build.pid)
            time.sleep(0.005)
        assert helpers, "the build of 30 copies forked no worker"
        opened = {os.readlink(f) for f in Path(f"/proc/{helpers[0]}/fd").iterdir()
                  if f.is_symlink()}
        assert str(idx / LOCK) not in opened
        build.kill()
        build.wait()
        left, deadline = _session(build.pid), time.monotonic() + 3
        while left and time.monotonic() < deadline:
            time.sleep(0.02)
            left = _session(build.pid)
        assert left == [], "the worker outlived the killed build by 3 s"
        t = time.monotonic()
        with writer_lock(idx, timeout=0):
            pass
        assert time.monotonic() - t < 1
    finally:
        build.kill()
        build.wait()
