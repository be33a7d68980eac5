"""Index lifecycle: incremental updates, atomic swaps, crashes, concurrency, damage."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searcher import IndexFolderError, IndexStateError, Searcher, TextsError
from searcher.backends.local import build as index
from searcher.backends.local import folder as index_folder
from searcher.backends.local import records as store
from searcher.backends.local.folder import MARKER
from searcher.text import corpus as changes
from tests.conftest import REAL_TEXT, doubled, write_texts

ROOT = Path(__file__).resolve().parent.parent


def build(texts: Path, idx: Path, **kw) -> index.BuildReport:
    return index.update(texts, idx, **kw)


def words_in(s: Searcher, query: str) -> list[str]:
    return [h.doc for h in s.search(query, 50, context=0)]


@pytest.fixture
def three(tmp_path):
    texts = write_texts(
        tmp_path / "texts",
        a=doubled("Gümrük kapısı açıldı."),
        b=doubled("Kızılay yardımı geldi."),
        c=doubled("Sakarya zaferi kazanıldı."),
    )
    return texts, tmp_path / "index"


def test_update_reindexes_only_changed_added_and_removed_documents(three):
    texts, idx = three
    assert build(texts, idx).indexed == 3
    assert build(texts, idx).indexed == 0
    (texts / "a.txt").write_text(doubled("Telefon hattı kuruldu."), encoding="utf-8")
    (texts / "c.txt").unlink()
    (texts / "d.txt").write_text(doubled("Petrol armağan edildi."), encoding="utf-8")
    report = build(texts, idx)
    assert report.indexed == 2 and report.documents == 3
    with Searcher(idx, texts) as s:
        assert words_in(s, "telefon") == ["a.txt"]
        assert s.search("gümrük") == []
        assert s.search("Sakarya") == []
        assert words_in(s, "petrol") == ["d.txt"]
        assert words_in(s, "Kızılay") == ["b.txt"]


def test_search_notices_changes_without_an_explicit_update(three):
    texts, idx = three
    with Searcher(idx, texts) as s:
        assert words_in(s, "gumruk") == ["a.txt"]
        (texts / "b.txt").write_text(doubled("Gümrük vergisi kalktı."), encoding="utf-8")
        assert sorted(words_in(s, "gumruk")) == ["a.txt", "b.txt"]
        assert s.search("Kızılay") == []
        # the same open searcher sees texts added to and removed from the folder
        (texts / "d.txt").write_text(doubled("Kızılay gümrükte."), encoding="utf-8")
        assert words_in(s, "Kızılay") == ["d.txt"]
        (texts / "a.txt").unlink()
        assert sorted(words_in(s, "gumruk")) == ["b.txt", "d.txt"]


def test_a_new_searcher_notices_texts_changed_since_the_build(three):
    texts, idx = three
    build(texts, idx)
    (texts / "b.txt").write_text(doubled("Gümrük vergisi kalktı."), encoding="utf-8")
    with Searcher(idx, texts) as s:
        assert sorted(words_in(s, "gumruk")) == ["a.txt", "b.txt"]
    (texts / "d.txt").write_text(doubled("Kızılay gümrükte."), encoding="utf-8")
    with Searcher(idx, texts) as s:
        assert words_in(s, "Kızılay") == ["d.txt"]
    (texts / "a.txt").unlink()
    with Searcher(idx, texts) as s:
        assert sorted(words_in(s, "gumruk")) == ["b.txt", "d.txt"]


def test_a_new_searcher_of_unchanged_texts_does_not_list_or_diff_them(three, monkeypatch):
    texts, idx = three
    build(texts, idx)

    def no_diff(*args):
        raise AssertionError("texts diffed although unchanged since the build")

    monkeypatch.setattr(changes, "diff", no_diff)
    with Searcher(idx, texts) as s:
        assert words_in(s, "gumruk") == ["a.txt"]


def test_same_content_with_new_mtime_is_not_reindexed(three):
    texts, idx = three
    build(texts, idx)
    os.utime(texts / "a.txt", ns=(1, 1))
    assert build(texts, idx).indexed == 0
    assert build(texts, idx).indexed == 0  # the new mtime was recorded


def test_changed_analyzer_version_rebuilds_with_a_notice(three):
    texts, idx = three
    build(texts, idx)
    gen = index_folder.current_generation(idx)
    manifest = json.loads((gen / index_folder.MANIFEST).read_text())
    manifest["analyzer"] -= 1
    (gen / index_folder.MANIFEST).write_text(json.dumps(manifest))
    notes = []
    with Searcher(idx, texts, warn=notes.append) as s:
        assert words_in(s, "Kızılay") == ["b.txt"]
    assert notes == ["index was built by another version of searcher; rebuilding it"]
    assert index_folder.current_generation(idx) != gen


def test_build_swaps_a_new_generation_and_removes_the_old_ones(three):
    texts, idx = three
    build(texts, idx)
    first = index_folder.current_generation(idx)
    build(texts, idx, rebuild=True)
    second = index_folder.current_generation(idx)
    build(texts, idx, rebuild=True)
    third = index_folder.current_generation(idx)
    assert len({first, second, third}) == 3
    gens = sorted(p.name for p in idx.iterdir() if p.name.startswith("gen-"))
    assert gens == [third.name]  # no reader held the older ones (issue 17)


def generations(idx: Path) -> list[str]:
    return sorted(p.name for p in idx.iterdir() if p.name.startswith("gen-"))


READER = (
    "import sys; from searcher import Searcher\n"
    "s = Searcher(sys.argv[2], sys.argv[1], auto_update=False)\n"
    "for query in sys.stdin:\n"
    "    print(len(s.search(query.strip(), context=0)), flush=True)\n"
)


def reader_process(texts: Path, idx: Path) -> subprocess.Popen:
    """A Searcher in another process; each line written to it is a query, it prints
    the number of hits and keeps the index open in between."""
    return subprocess.Popen([sys.executable, "-c", READER, str(texts), str(idx)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def ask(reader: subprocess.Popen, query: str) -> int:
    reader.stdin.write(query + "\n")
    reader.stdin.flush()
    return int(reader.stdout.readline())


def test_rebuild_leaves_one_generation(three):
    texts, idx = three
    build(texts, idx)
    build(texts, idx, rebuild=True)
    assert generations(idx) == [index_folder.current_generation(idx).name]
    # readers in this process and in another hold the generation they have open
    first = index_folder.current_generation(idx).name
    other = reader_process(texts, idx)
    try:
        assert ask(other, "Kızılay") == 1
        with Searcher(idx, texts, auto_update=False) as s:
            assert words_in(s, "Kızılay") == ["b.txt"]
            build(texts, idx, rebuild=True)
            second = index_folder.current_generation(idx).name
            assert generations(idx) == sorted([first, second])
            assert words_in(s, "Kızılay") == ["b.txt"]  # moved on; the other still holds
            assert generations(idx) == sorted([first, second])
            assert ask(other, "Kızılay") == 1  # moved on too: the last one out removes it
            assert generations(idx) == [second]
            build(texts, idx, rebuild=True)
            assert len(generations(idx)) == 2
        # a reader that dies holding one leaves it to the next open
        other.kill()
        other.wait()
        with Searcher(idx, texts, auto_update=False) as s:
            assert words_in(s, "Kızılay") == ["b.txt"]
        assert generations(idx) == [index_folder.current_generation(idx).name]
    finally:
        other.kill()
        other.wait()


def test_open_searcher_keeps_answering_while_generations_change(three):
    texts, idx = three
    build(texts, idx)
    with Searcher(idx, texts, auto_update=False) as s:
        assert words_in(s, "Kızılay") == ["b.txt"]
        for _ in range(3):
            build(texts, idx, rebuild=True)
            assert words_in(s, "Kızılay") == ["b.txt"]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under *folder*, with the bytes of the files."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def test_library_refuses_foreign_index_folder(three):
    texts, idx = three
    (idx / "fotograflar").mkdir(parents=True)
    (idx / "notlar.txt").write_text("benim notlarım", encoding="utf-8")
    before = snapshot(idx)
    refused = r"holds fotograflar, notlar\.txt\).*--index DIR or SEARCHER_INDEX"
    with pytest.raises(IndexFolderError, match=refused):
        build(texts, idx)
    with pytest.raises(IndexStateError, match="not a searcher index"), Searcher(idx, texts) as s:
        s.search("Kızılay")
    with pytest.raises(IndexFolderError):
        build(texts, idx, rebuild=True)
    assert snapshot(idx) == before


def test_new_or_empty_folder_and_an_index_without_marker_are_searchers(three):
    texts, idx = three
    build(texts, idx)  # created
    assert (idx / MARKER).is_file()
    empty = idx.parent / "bos"
    empty.mkdir()
    build(texts, empty)
    assert (empty / MARKER).is_file()
    # an index built before the marker existed holds only CURRENT, .lock and generations
    (idx / MARKER).unlink()
    build(texts, idx, rebuild=True)
    assert (idx / MARKER).is_file()
    with Searcher(idx, texts) as s:
        assert words_in(s, "Kızılay") == ["b.txt"]


def _copies(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = REAL_TEXT.read_bytes()
    for i in range(n):
        (folder / f"copy{i}.txt").write_bytes(data + f"\nek {i}\n".encode())
    return folder


BUILD = "import sys; from pathlib import Path; from searcher import index; " \
        "print('start', flush=True); index.update(Path(sys.argv[1]), Path(sys.argv[2]))"


#: Copies of the seed text for the killed build: with 6, a quiet machine finished the
#: build before the last kill (1.6 s) and the test failed without a fault; more than
#: about 16 pass PARALLEL_BYTES, whose worker processes outlive a killed parent.
KILLED_COPIES = 12


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_build_leaves_the_previous_index_searchable(tmp_path, sig):
    texts = write_texts(tmp_path / "texts", eski=doubled("Gümrük kapısı açıldı."))
    idx = tmp_path / "index"
    build(texts, idx)
    before = index_folder.current_generation(idx)
    _copies(texts, KILLED_COPIES)  # a build that outlasts the last kill
    for delay in (0.2, 0.8, 1.6):
        p = subprocess.Popen([sys.executable, "-c", BUILD, str(texts), str(idx)],
                             stdout=subprocess.PIPE, cwd=ROOT)
        p.stdout.readline()
        time.sleep(delay)
        p.send_signal(sig)
        p.wait(timeout=60)
        assert index_folder.current_generation(idx) == before, "swap happened before the kill"
        with Searcher(idx, texts, auto_update=False) as s:
            assert words_in(s, "gumruk") == ["eski.txt"]
    report = build(texts, idx)
    assert report.indexed == KILLED_COPIES
    gens = [p.name for p in idx.iterdir() if p.name.startswith("gen-")]
    # half-built generations are gone, and so is the one this build replaced
    # (no reader holds it; until issue 17 it was kept one round: 2)
    assert len(gens) == 1
    with Searcher(idx, texts) as s:
        assert len(s.search('"Kızılay Derneğine"', 50, context=0)) == KILLED_COPIES


SEARCH = (
    "import sys; from searcher import Searcher\n"
    "s = Searcher(sys.argv[2], sys.argv[1])\n"
    "n = len(s.search(sys.argv[3], 100, context=0))\n"
    "print(n)\n"
)


def test_searches_in_other_processes_keep_answering_during_a_rebuild(tmp_path):
    texts = _copies(tmp_path / "texts", 4)
    idx = tmp_path / "index"
    build(texts, idx)
    for f in texts.iterdir():  # every text changes: the rebuild takes a while
        f.write_bytes(f.read_bytes() + b"\nyeni\n")
    writer = subprocess.Popen(
        [sys.executable, "-m", "searcher.cli.app", "index", "--rebuild", "--texts", str(texts),
         "--index", str(idx)], cwd=ROOT, stderr=subprocess.PIPE,
    )
    answers = []
    while writer.poll() is None and len(answers) < 20:
        r = subprocess.run([sys.executable, "-c", SEARCH, str(texts), str(idx),
                            '"Kızılay Derneğine"'], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        answers.append(int(r.stdout))
    assert writer.wait(timeout=120) == 0
    assert answers and all(n == 4 for n in answers)


def hold_writer_lock(idx: Path) -> subprocess.Popen:
    """Another process that holds the writer lock (for 30 s) until killed."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path\n"
         "from searcher.backends.local.lock import writer_lock\n"
         "with writer_lock(Path(sys.argv[1])):\n"
         "    print('locked', flush=True); time.sleep(30)\n", str(idx)],
        stdout=subprocess.PIPE, cwd=ROOT,
    )
    assert holder.stdout.readline().strip() == b"locked"
    return holder


def test_second_writer_waits_a_bounded_time_then_fails_clearly(three):
    texts, idx = three
    build(texts, idx)
    holder = hold_writer_lock(idx)
    t = time.monotonic()
    with pytest.raises(IndexStateError, match=rf"being built by process {holder.pid} since"):
        build(texts, idx, rebuild=True, lock_timeout=0.5)
    assert 0.4 < time.monotonic() - t < 3
    holder.kill()
    holder.wait()


def test_stale_search_while_another_process_builds_answers_from_the_old_index(three):
    texts, idx = three
    build(texts, idx)
    (texts / "a.txt").write_text(doubled("Telefon hattı kuruldu."), encoding="utf-8")
    holder = hold_writer_lock(idx)
    notes = []
    t = time.monotonic()
    with Searcher(idx, texts, warn=notes.append) as s:
        assert words_in(s, "gumruk") == ["a.txt"]  # the old index still says so
    assert time.monotonic() - t < 5
    assert "answering from the old index" in notes[0]
    holder.kill()
    holder.wait()


def _deny_lock(monkeypatch):
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        if str(path).endswith(index_folder.LOCK):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(index_folder.os, "open", fake_open)


def test_read_only_index_that_is_fresh_searches_without_writing(three, monkeypatch):
    texts, idx = three
    build(texts, idx)
    _deny_lock(monkeypatch)
    with Searcher(idx, texts) as s:
        assert words_in(s, "Kızılay") == ["b.txt"]


def test_stale_index_that_cannot_be_written_answers_with_a_warning(three, monkeypatch):
    texts, idx = three
    build(texts, idx)
    (texts / "b.txt").write_text(doubled("Telefon hattı kuruldu."), encoding="utf-8")
    _deny_lock(monkeypatch)
    notes = []
    with Searcher(idx, texts, warn=notes.append) as s:
        assert words_in(s, "Kızılay") == ["b.txt"]
    assert "permission denied" in notes[0] and "answering from the old index" in notes[0]


@pytest.mark.parametrize("damage", ["truncate", "delete_segment", "delete_manifest",
                                    "delete_generation", "garbage_current",
                                    "garbage_vocabulary"])
def test_corrupt_index_names_the_rebuild_command(three, damage):
    texts, idx = three
    build(texts, idx)
    gen = index_folder.current_generation(idx)
    seg = next(gen.glob("*.seg"))
    if damage == "truncate":
        seg.write_bytes(seg.read_bytes()[:200])
    elif damage == "delete_segment":
        seg.unlink()
    elif damage == "delete_manifest":
        (gen / index_folder.MANIFEST).unlink()
    elif damage == "garbage_vocabulary":
        (gen / store.VOCABULARY).write_bytes(b"not zlib at all")
    elif damage == "delete_generation":
        import shutil

        shutil.rmtree(gen)
    else:
        (idx / index_folder.CURRENT).write_bytes(b"\xff\xfe garbage")
    with pytest.raises(IndexStateError, match=r"searcher index --rebuild"), \
            Searcher(idx, texts) as s:
        s.search("Kızılay")
    r = subprocess.run([sys.executable, "-m", "searcher.cli.app", "search", "Kızılay", "--texts",
                        str(texts), "--index", str(idx)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.startswith("searcher: error: ") and "searcher index --rebuild" in r.stderr
    assert "Traceback" not in r.stderr
    build(texts, idx, rebuild=True)
    with Searcher(idx, texts) as s:
        assert words_in(s, "Kızılay") == ["b.txt"]


# ---------------------------------------------------------------- bad texts


def test_invalid_utf8_is_reported_with_file_and_offset_and_the_rest_indexed(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "bozuk.txt").write_bytes("Gümrük kapısı ".encode() + b"\xff" + " açıldı.".encode())
    report = build(texts, tmp_path / "index")
    assert report.warnings == (
        f"{texts / 'bozuk.txt'}: invalid UTF-8 at byte 18; indexed with replacement characters",
    )
    with Searcher(tmp_path / "index", texts) as s:
        assert s.search("açıldı")[0].text == "Gümrük kapısı \ufffd açıldı."


def test_binary_file_is_skipped_with_a_warning(tmp_path):
    texts = write_texts(tmp_path / "texts", iyi=doubled("Gümrük kapısı açıldı."))
    (texts / "resim.txt").write_bytes(bytes(range(256)) * 40)
    report = build(texts, tmp_path / "index")
    assert any("binary file" in w for w in report.warnings)
    with Searcher(tmp_path / "index", texts) as s:
        assert words_in(s, "gumruk") == ["iyi.txt"]


def test_odd_encodings_line_ends_and_other_files(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "bos.txt").write_bytes(b"")
    (texts / "bom8.txt").write_bytes("Kızılay derneği.".encode("utf-8-sig"))
    (texts / "bom16.txt").write_bytes("Gümrük kapısı.".encode("utf-16"))
    (texts / "crlf.txt").write_bytes(b"Sakarya\r\nzaferi.\r\n")
    (texts / "cr.txt").write_bytes("Telefon\rhattı.\r".encode())
    (texts / "notlar.md").write_text("Petrol armağanı")
    report = build(texts, tmp_path / "index")
    assert report.documents == 5 and report.warnings == ()
    with Searcher(tmp_path / "index", texts) as s:
        assert words_in(s, "kizilay") == ["bom8.txt"]
        assert words_in(s, "gumruk") == ["bom16.txt"]
        hit = s.search('"sakarya zaferi"')[0]
        assert (hit.doc, hit.line_start, hit.line_end) == ("crlf.txt", 1, 2)
        assert s.search("telefon hattı")[0].line_end == 2
        assert s.search("petrol") == []


def test_huge_single_line_text(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    words = REAL_TEXT.read_text(encoding="utf-8").split()
    line = " ".join(words * (10_000_000 // len(" ".join(words)) + 1))[:10_000_000]
    (texts / "tek.txt").write_text(line + " sonkelimeburada", encoding="utf-8")
    report = build(texts, tmp_path / "index")
    assert report.passages >= 4000
    with Searcher(tmp_path / "index", texts) as s:
        hit = s.search("sonkelimeburada")[0]
        assert hit.line == 1 and len(hit.text) <= 2500


def test_empty_or_missing_texts_folder_is_a_clear_error(tmp_path):
    (tmp_path / "bos").mkdir()
    (tmp_path / "dosya.txt").write_text("bir dosya")
    for folder, message in ((tmp_path / "bos", "no .txt or .pdf files"),
                            (tmp_path / "yok", "texts folder not found"),
                            (tmp_path / "dosya.txt", "not a directory")):
        with pytest.raises(TextsError, match=message):
            build(folder, tmp_path / "index")
