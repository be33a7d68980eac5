"""Stage 4 (index): passages written into Whoosh segments in bulk.

Whoosh's own writer runs every token through each field's filter chain (three
chains, a few hundred thousand tokens a book, a few thousand distinct words) and
hands every posting to its pool, its sorter and its block writer one Python call at
a time, looking up the document's field length once a posting.  :class:`BulkWriter`
writes the same segments (Whoosh, merges and the OpenSearch loader read them
unchanged; tests/test_bulk.py compares every term, posting and stored field with
Whoosh's writer's) and does the work once where it can:

* a passage is tokenised once and each distinct word is analysed once a build
  (:func:`searcher.text.tokens.analysed`, a bounded cache of every field's term);
* a segment's postings are gathered per term in memory (document numbers in an
  array, positions already encoded) and written a block at a time, field lengths
  computed once a document;
* when the postings gathered pass the memory budget, the segment is written out
  and a new one started: memory is bounded by the budget, not by the texts.

Merges (an update that deletes documents) still go through Whoosh's pool: postings
of such a segment are handed to it (:meth:`BulkWriter._flush_segment`).
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from searcher.backends.local.postings import (
    ONE_POSITION,
    encode_positions,
    positions_count,
    write_block,
)
from searcher.text.tokens import TOKEN_RE, analysed

#: The indexed text fields, in the order Whoosh writes fields (by name).
TEXT_FIELDS = ("exact", "prefix", "stem")
#: Bytes a gathered posting costs in memory, roughly (array slot, list slot, value).
_POSTING_BYTES = 24
_TERM_BYTES = 400  # a term's key, its array and list


class _Block:
    """What :meth:`W3TermInfo.add_block` reads of a block."""

    __slots__ = ("_weights", "_ids", "_min", "_max", "_maxweight")

    def __init__(self, ids, weights, minlength, maxlength, maxweight):
        self._ids, self._weights = ids, weights
        self._min, self._max, self._maxweight = minlength, maxlength, maxweight

    def __len__(self):
        return len(self._ids)

    def min_id(self):
        return self._ids[0]

    def max_id(self):
        return self._ids[-1]

    def min_length(self):
        return self._min

    def max_length(self):
        return self._max

    def max_weight(self):
        return self._maxweight


class BulkWriter(SegmentWriter):
    """A Whoosh segment writer for the build's schema (``doc``, ``exact``, ``stem``,
    ``prefix``, ``data``) that takes passages through :meth:`add_passage`."""

    def __init__(self, ix, limitmb: int = 128, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self._budget = limitmb * 1024 * 1024
        self._limitmb = limitmb
        self._rolled: list = []  # segments written out when the budget was reached
        self._fields = {name: self.schema[name] for name in ("data", "doc") + TEXT_FIELDS}
        self._start_gathering()

    def _start_gathering(self) -> None:
        self._posts: dict[str, dict[str, tuple[array, list]]] = {f: {} for f in TEXT_FIELDS}
        self._docs: dict[str, array] = {}  # the ``doc`` field: a text's passages
        self._lengths = {f: array("I") for f in TEXT_FIELDS}  # as the reader decodes them
        self._gathered = 0

    # ------------------------------------------------------------ adding

    def add_passage(self, doc: str, text: str, data, words: set[str] | None = None) -> None:
        """Index one passage of text *doc*; *data* is its stored record.  The
        surface form of each of its words is added to *words*."""
        self._check_state()
        docnum = self.docnum
        tokens = TOKEN_RE.findall(text)
        where: dict[str, list[int]] = {}
        for pos, w in enumerate(tokens):
            have = where.get(w)
            if have is None:
                where[w] = [pos]
            else:
                have.append(pos)
        # term -> (positions in the passage, encoded), per field (exact, prefix, stem)
        exact: dict[str, tuple] = {}
        prefix: dict[str, tuple] = {}
        stem: dict[str, tuple] = {}
        stopped = 0
        for w, poses in where.items():
            a = analysed(w)
            if words is not None:
                words.add(a.surface)
            post = (poses, ONE_POSITION[poses[0]] if len(poses) == 1 and poses[0] < 0x80
                    else encode_positions(poses))
            have = exact.get(a.exact)
            exact[a.exact] = post if have is None else _merged(have, poses)
            if a.stem is None:
                stopped += len(poses)
                continue
            have = stem.get(a.stem)
            stem[a.stem] = post if have is None else _merged(have, poses)
            have = prefix.get(a.prefix)
            prefix[a.prefix] = post if have is None else _merged(have, poses)
        n = len(tokens)
        by_field = ((exact, n), (prefix, n - stopped), (stem, n - stopped))

        pdw = self.perdocwriter
        fields = self._fields
        pdw.start_doc(docnum)
        pdw.add_field("data", fields["data"], data, 0)
        pdw.add_field("doc", fields["doc"], doc, 0)
        gathered = 0
        for name, (terms, length) in zip(TEXT_FIELDS, by_field, strict=True):
            pdw.add_field(name, fields[name], None, length)
            self._lengths[name].append(byte_to_length(length_to_byte(length)) if length else 0)
            posts = self._posts[name]
            for term, (_, value) in terms.items():
                entry = posts.get(term)
                if entry is None:
                    posts[term] = entry = (array("I"), [])
                    gathered += _TERM_BYTES
                entry[0].append(docnum)
                entry[1].append(value)
            gathered += len(terms) * _POSTING_BYTES
        pdw.finish_doc()
        passages = self._docs.get(doc)
        if passages is None:
            self._docs[doc] = passages = array("I")
        passages.append(docnum)
        self._gathered += gathered
        self._added = True
        self.docnum += 1

    def end_text(self) -> None:
        """Between two texts: write the segment out if its postings passed the budget
        (a text's passages stay in one segment, in order)."""
        if self._gathered > self._budget:
            self._roll()

    # ------------------------------------------------------------ writing

    def _roll(self) -> None:
        self._rolled.append(self._finalize_segment())
        codec = self.codec
        self.newsegment = codec.new_segment(self.storage, self.indexname)
        self.pool = PostingPool(self._tempstorage, self.newsegment, limitmb=self._limitmb)
        self.perdocwriter = codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = codec.field_writer(self.storage, self.newsegment)
        self.docnum = 0
        self._start_gathering()

    def written(self) -> list:
        """Write out what is gathered and give every segment this writer wrote, for
        another writer to commit (a build's worker process hands them to the build);
        this writer commits nothing."""
        if self.docnum:
            self._rolled.append(self._finalize_segment())
        else:
            self._close_segment()
        return self._rolled

    def write_out(self) -> None:
        """Write the segment being gathered out now (a build does it while its worker
        still indexes), not at the commit."""
        if self.docnum:
            self._roll()

    def add_segments(self, segments: list) -> None:
        """Commit *segments* (another writer's :meth:`written`) with this writer's,
        after every passage added so far: the documents keep the order they came in."""
        self.write_out()
        self._rolled.extend(segments)

    def commit(self, *args, **kwargs) -> None:
        if self._rolled and self.docnum == 0:
            self._added = False  # nothing after the last segment written out
        super().commit(*args, **kwargs)

    def _merge_segments(self, mergetype, optimize, merge):
        return super()._merge_segments(mergetype, optimize, merge) + self._rolled

    def _flush_segment(self) -> None:
        if self.pool.current or self.pool.runs:  # segments merged in: Whoosh's path
            self._to_pool()
            return super()._flush_segment()
        self.perdocwriter.close()
        fw = self.fieldwriter
        if self._docs:
            self._write_field(fw, "doc", {d: (ids, None) for d, ids in self._docs.items()})
        for name in TEXT_FIELDS:
            if self._posts[name]:
                self._write_field(fw, name, self._posts[name])
        fw.close()
        self._start_gathering()

    def _write_field(self, fw, name: str, terms: dict) -> None:
        """Every term of field *name* (term -> (document numbers, encoded positions or
        None)) in term order, as Whoosh's ``add_postings`` writes them."""
        fw.start_field(name, self._fields[name])
        postfile = fw._postfile
        tindex = fw._tindex
        key = pack_ushort(fw._fieldid)
        codec = self.codec
        limit, comp = codec._blocklimit, codec._compression
        lengths = self._lengths.get(name)
        for term in sorted(terms):  # str order is UTF-8 byte order
            ids, values = terms[term]
            info = W3TermInfo()
            start = postfile.tell()
            n = len(ids)
            for at in range(0, n, limit):
                bids = ids[at : at + limit]
                if values is None:  # the ``doc`` field: presence only, no lengths
                    weights, mini_weights, bvalues = [1.0] * len(bids), None, None
                    minlength, maxlength, maxweight = None, 0, 1.0
                else:
                    bvalues = tuple(values[at : at + limit])
                    weights = [v[0] for v in bvalues]  # a posting's weight: its count
                    top = max(weights)
                    if top >= 0x80:  # a count past one varint byte
                        weights = [positions_count(v) for v in bvalues]
                        top = max(weights)
                    maxweight = float(top)
                    if top == 1:
                        mini_weights = None
                    elif min(weights) == top:
                        mini_weights = maxweight
                    else:
                        mini_weights = tuple(map(float, weights))
                    blengths = [lengths[d] for d in bids]
                    minlength, maxlength = min(blengths) or None, max(blengths)
                info.add_block(_Block(bids, weights, minlength, maxlength, maxweight))
                write_block(postfile, at == 0, at + limit >= n, comp, bids, mini_weights,
                            bvalues, maxweight, minlength, maxlength)
            info.set_extent(start, postfile.tell() - start)
            tindex.add(key + term.encode("utf-8"), info.to_bytes())
        fw.finish_field()

    def _to_pool(self) -> None:
        """Hand the gathered postings to Whoosh's pool (a segment that merges others)."""
        add = self.pool.add
        for doc, ids in self._docs.items():
            btext = doc.encode("utf-8")
            for d in ids:
                add(("doc", btext, d, 1.0, b""))
        for name in TEXT_FIELDS:
            for term, (ids, values) in self._posts[name].items():
                btext = term.encode("utf-8")
                for d, v in zip(ids, values, strict=True):
                    add((name, btext, d, float(positions_count(v)), v))
        self._start_gathering()


def _merged(have: tuple, poses: list[int]) -> tuple:
    """Two spellings with one term in a passage (``Ankara``, ``ankara``): their
    positions merged in order, encoded."""
    merged = sorted(have[0] + poses)
    return merged, encode_positions(merged)
