"""The compact posting layout: what is written reads back the same, and stays small."""

import pickle

from hypothesis import given
from hypothesis import strategies as st

from searcher import Searcher
from searcher.backends.local import build as index
from searcher.backends.local import folder as index_folder
from searcher.backends.local.postings import CompactCodec, CompactPositions, compact_pickle
from tests.conftest import REAL_TEXT


@given(st.lists(st.integers(0, 2**31), unique=True).map(sorted))
def test_positions_read_back_as_written(positions):
    fmt = CompactPositions()
    encoded = fmt.encode(positions)
    assert fmt.decode_positions(encoded) == positions
    if positions:
        assert fmt.decode_frequency(encoded) == len(positions)


def test_unframed_pickles_load_like_framed_ones():
    small = ((1, 2, 3), None, (b"\x01\x05", b"\x02"))
    big = (tuple(range(200_000)), 1.5, tuple(bytes([i % 256]) * 3 for i in range(70_000)))
    for obj in (small, big, 7, b"", ()):
        data = compact_pickle(obj)
        assert pickle.loads(data) == obj
        assert len(data) <= len(pickle.dumps(obj, 5))
    assert len(compact_pickle(small)) < len(pickle.dumps(small, 2))


def test_every_segment_is_written_compactly_when_a_build_writes_several(tmp_path, monkeypatch):
    texts = tmp_path / "texts"
    texts.mkdir()
    for i in range(3):
        (texts / f"kopya-{i}.txt").write_bytes(REAL_TEXT.read_bytes())
    monkeypatch.setattr(index, "SEGMENT_MB", 0)  # a segment written out after every text
    idx = tmp_path / "index"
    index.update(texts, idx)
    with Searcher(idx, texts, auto_update=False) as s:
        s.refresh()
        segments = s._ix._segments()
        assert len(segments) > 1
        assert all(isinstance(seg.codec(), CompactCodec) for seg in segments)
        hits = s.search('"dostluk ve kardeşlik"', 5, context=0)
        assert hits and all("dostluk ve kardeşlik" in h.text.lower() for h in hits)


def test_index_of_the_bundled_text_stays_small(tmp_path):
    """Whoosh's own layout took 16x the text; the compact one about 11x (the floor is
    Whoosh's term dictionary, ~80 bytes a term: see benchmarks/README.md)."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / REAL_TEXT.name).write_bytes(REAL_TEXT.read_bytes())
    idx = tmp_path / "index"
    index.update(texts, idx)
    gen = index_folder.current_generation(idx)
    size = sum(f.stat().st_size for f in gen.rglob("*") if f.is_file())
    assert size < 12 * REAL_TEXT.stat().st_size
