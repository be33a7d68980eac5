"""The bulk writer (issue 31) writes what Whoosh's own writer writes: every term's
postings, term statistics, field lengths and stored records, byte for byte."""

from __future__ import annotations

import pytest
from whoosh import index as windex

from searcher.backends.local import build as index
from searcher.backends.local.bulk import BulkWriter
from searcher.backends.local.postings import CompactCodec
from searcher.text.record import passage_record
from tests.conftest import REAL_TEXT

TRICKY = [
    "Ankara ankara ANKARA'ya Ankara'nın ilân İLÂN silâh ve de bu 1921 yılında",
    "İSMET PAŞA İsmet Paşa'nın ISPARTA ışık I\u0307STANBUL",
    "ve ile de da bu şu o",  # only stop words: no stem or prefix postings
    "",  # no words at all
    " ".join(["dostluk"] * 200) + " kardeşlik",  # positions past 127, many of one word
]


def _passages():
    from searcher import load_passages

    return [(REAL_TEXT.name, p.text, passage_record(p)) for p in load_passages(REAL_TEXT)]


def _build(path, passages, bulk: bool, limitmb: int = 64):
    path.mkdir()
    ix = windex.create_in(str(path), index.schema())
    if bulk:
        w = BulkWriter(ix, limitmb=limitmb, codec=CompactCodec())
        last = None
        for doc, text, data in passages:
            if last is not None and doc != last:
                w.end_text()
            w.add_passage(doc, text, data)
            last = doc
    else:  # the writer before issue 31: Whoosh's add_document, every chain a token
        w = ix.writer(codec=CompactCodec())
        for doc, text, data in passages:
            w.add_document(doc=doc, exact=text, stem=text, prefix=text, data=data)
    w.commit()
    return windex.open_dir(str(path))


def _everything(ix) -> dict:
    """Every term's statistics and raw posting bytes, lengths and stored fields."""
    out = {}
    with ix.reader() as r:
        out["stored"] = list(r.all_stored_fields())
        for field in ("doc", "exact", "prefix", "stem"):
            out[field, "total"] = r.field_length(field)
            out[field, "lengths"] = [r.doc_field_length(d, field) for d in r.all_doc_ids()]
            for term in r.lexicon(field):
                out[field, term] = list(r.postings(field, term).items_as("positions")) \
                    if field != "doc" else list(r.postings(field, term).all_ids())
        for leaf, _ in r.leaf_readers():
            terms = leaf._terms
            out["raw terms", leaf._segid] = dict(terms._tindex.items())
            post = terms._postfile
            out["raw postings", leaf._segid] = bytes(post._buf)
    return out


@pytest.mark.parametrize("extra", [[], [("tricky.txt", t, {"n": i}) for i, t in
                                        enumerate(TRICKY)]])
def test_bulk_writer_writes_what_whoosh_writes(tmp_path, extra):
    passages = _passages() + extra
    old = _build(tmp_path / "old", passages, bulk=False)
    new = _build(tmp_path / "new", passages, bulk=True)
    a, b = _everything(old), _everything(new)
    assert len(a) > 8000 and a.keys() - {k for k in a if k[0].startswith("raw")} \
        == b.keys() - {k for k in b if k[0].startswith("raw")}
    # segment ids differ: compare the raw files of the one segment each
    a = {k[0] if k[0].startswith("raw") else k: v for k, v in a.items()}
    b = {k[0] if k[0].startswith("raw") else k: v for k, v in b.items()}
    assert [k for k in a if a[k] != b[k]] == []


def test_a_build_past_its_memory_budget_writes_several_segments_answering_alike(tmp_path):
    passages = [(f"kopya-{i}.txt", t, d) for i in range(3) for _, t, d in _passages()]
    one = _build(tmp_path / "one", passages, bulk=True)
    several = _build(tmp_path / "several", passages, bulk=True, limitmb=0)
    assert len(one._segments()) == 1 and len(several._segments()) == 3
    with one.searcher() as s1, several.searcher() as s2:
        from whoosh.query import Term

        for field, term in [("stem", "dostluk"), ("exact", "ve"), ("prefix", "kizil")]:
            h1 = [(h.docnum, round(h.score, 6)) for h in s1.search(Term(field, term), limit=50)]
            h2 = [(h.docnum, round(h.score, 6)) for h in s2.search(Term(field, term), limit=50)]
            assert h1 == h2 and h1
