"""Stage 5 (engine): BM25F scores of query clauses, read straight from Whoosh's posting blocks.

Whoosh's own matchers score one posting at a time through several Python calls and
look each document's field length up on disk (~2.5 µs a posting).  This module
computes the same BM25F (Whoosh's formula, B = 0.75, K1 = 1.2, its idf and average
field length) a block at a time, with every segment's length bytes read once per
open index, and scores phrases the way Whoosh's ``Phrase`` does (the sum of the
words' scores where they stand in order) reading the rarest word first.  It relies
on the block layout of Whoosh 2.7.4 (pinned in setup.cfg); ``tests/test_scoring.py``
checks term and phrase scores against Whoosh's own, and any posting list that is not
a plain block list (inlined, or filtered for deletions) goes through Whoosh's
generic matcher interface instead.
"""

from __future__ import annotations

import bisect
from math import log

from whoosh.reading import TermNotFound

from searcher.backends.local import phrases
from searcher.backends.local.postings import block_data, block_heads, term_value
from searcher.backends.local.records import reading
from searcher.query.parse import Clause, Slot
from searcher.query.rules import FIELD_WEIGHTS, TYPO_WEIGHT
from searcher.text import turkish
from searcher.text.tokens import PREFIX_LENGTH as PREFIX

B, K1 = 0.75, 1.2
WHOLE_FROM = 2  # a term wanted at over 1/WHOLE_FROM of its postings' documents: read whole


class TermScorer:
    """Scores terms of one open Whoosh reader; create a new one per index generation."""

    def __init__(self, reader) -> None:
        from whoosh.codec.whoosh3 import W3TermInfo
        from whoosh.util.numeric import byte_to_length

        self._reader = reader
        self._terminfo = W3TermInfo.from_bytes
        self._byte_to_length = [byte_to_length(i) for i in range(256)]
        self._segments = list(reader.leaf_readers())
        self._deleted = [frozenset(r._perdoc.deleted_docs()) for r, _ in self._segments]
        self._norm_bytes: dict[tuple[int, str], bytes] = {}
        self._den: dict[str, list[float]] = {}
        self._avgfl: dict[str, float] = {}
        self._doc_count = reader.doc_count_all()
        from searcher.backends.local.postings import (
            CompactPositions,  # every positional field's format
        )

        self._decode = CompactPositions().decode_positions

    def lookup(self, field: str, term: str) -> tuple[int, tuple]:
        """(document frequency, where its postings are) of *term*: one dictionary
        lookup per segment, shared by the statistics and :meth:`scores`."""
        found = []
        df = 0
        for i, (reader, _) in enumerate(self._segments):
            try:
                tbytes = reader._text_to_bytes(field, term)
            except TermNotFound:  # no such field
                continue
            terms = reader._terms
            value = term_value(terms._tindex, terms._keycoder(field, tbytes))
            if value is None:  # not in this segment
                continue
            info = self._terminfo(value)
            df += info.doc_frequency()
            found.append((i, tbytes, info))
        return df, tuple(found)

    def _matcher(self, i: int, field: str, tbytes: bytes, info):
        from whoosh.matching.wrappers import FilterMatcher

        reader = self._segments[i][0]
        terms = reader._terms
        m = terms._codec.postings_reader(
            terms._postfile, info, reader.schema[field].format, term=(field, tbytes)
        )
        return FilterMatcher(m, self._deleted[i], exclude=True) if self._deleted[i] else m

    def _norms(self, i: int, reader, field: str) -> bytes:
        """Each document's field length as Whoosh stores it: one byte a document."""
        key = (i, field)
        norms = self._norm_bytes.get(key)
        if norms is None:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

            n = reader.doc_count_all()
            column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            raw = b"" if column is None else column._dbfile.get(column._basepos, column._count)
            norms = self._norm_bytes[key] = bytes(raw) + bytes(n - len(raw))
        return norms

    def _denominators(self, field: str) -> list[float]:
        """BM25's length part, ``K1 * (1 - B + B * length / avgfl)``, for each length byte:
        256 values computed once instead of one per posting scored."""
        den = self._den.get(field)
        if den is None:
            c1, c2 = K1 * (1 - B), K1 * B / self._avg(field)
            den = self._den[field] = [c1 + c2 * length for length in self._byte_to_length]
        return den

    def _avg(self, field: str) -> float:
        avg = self._avgfl.get(field)
        if avg is None:
            avg = self._reader.field_length(field) / (self._doc_count or 1)  # as Whoosh's
            avg = self._avgfl[field] = avg or 1
        return avg

    def scores(
        self, field: str, found: tuple[int, tuple], at: list[int] | None = None,
        positions: dict | None = None,
    ) -> dict[int, float]:
        """docnum -> BM25F score of a term found by :meth:`lookup` (only for the
        sorted docnums *at*, if given).

        *positions*, if given, also receives each matching document's word positions
        as stored, for :meth:`positions` to decode where needed (a phrase's rarest word
        or a common word's proximity: most of them are never looked at).
        """
        df, where = found
        if at is not None and WHOLE_FROM * len(at) >= df:
            return self._whole_at(field, found, at, positions)
        idf = log(self._doc_count / (df + 1)) + 1
        num = idf * (K1 + 1)
        den = self._denominators(field)
        out: dict[int, float] = {}
        for i, tbytes, info in where:
            reader, offset = self._segments[i]
            norms = self._norms(i, reader, field)
            if at is None:
                local = None
            else:
                n = reader.doc_count_all()
                lo, hi = bisect.bisect_left(at, offset), bisect.bisect_left(at, offset + n)
                if lo == hi:
                    continue
                local = [d - offset for d in at[lo:hi]]
            if info.is_inlined() or self._deleted[i]:
                m = self._matcher(i, field, tbytes, info)
                self._generic(m, offset, norms, num, den, local, out, positions)
            else:
                postfile = reader._terms._postfile
                self._blocks(postfile, info.extent()[0], offset, norms, num, den, local, out,
                             positions)
        return out

    def _whole_at(self, field: str, found: tuple[int, tuple], at: list[int],
                  positions: dict | None) -> dict[int, float]:
        """:meth:`scores` at *at* from the term read whole (the same values): wanted at
        most of its documents (a question's common word at 100x), one list costs less."""
        every: dict | None = {} if positions is not None else None
        scores = self.scores(field, found, None, every)
        if len(at) <= len(scores):
            out = {d: scores[d] for d in at if d in scores}
        else:  # in docnum order, as the merge gives them
            wanted = set(at)
            out = {d: x for d, x in scores.items() if d in wanted}
        if every is not None:
            positions.update((d, every[d]) for d in out)
        return out

    def positions(self, value) -> list[int]:
        """Word positions of a posting value kept by :meth:`scores` undecoded."""
        return value if isinstance(value, list) else self._decode(value)

    def phrase_scores(
        self, field: str, words: tuple[str, ...], found: dict[str, tuple[int, tuple]],
        at: list[int] | None = None,
    ) -> dict[int, float]:
        """docnum -> score of the documents where *words* stand next to each other in
        this order: the sum of the words' BM25F scores, as Whoosh scores a ``Phrase``.

        Whoosh intersects every word's postings and reads positions as it goes, so a
        phrase with a common word (``ve``) reads that word's whole list.  Here the
        rarest word is read first and each next one only at the documents still in
        the running (``skip_to`` passes over the blocks between them).
        """
        distinct = sorted(set(words), key=lambda w: found[w][0])
        if not distinct or not found[distinct[0]][0]:
            return {}
        scores: dict[str, dict[int, float]] = {}
        positions: dict[str, dict[int, object]] = {}
        cands = at
        for w in distinct:
            positions[w] = {}
            scores[w] = self.scores(field, found[w], cands, positions[w])
            cands = sorted(positions[w])
            if not cands:
                return {}
        out: dict[int, float] = {}
        first, rest = words[0], list(enumerate(words[1:], start=1))
        decode = self.positions  # only where every word stands: the rarest's are many
        for d in cands:
            starts = set(decode(positions[first][d]))
            for i, w in rest:
                starts &= {p - i for p in decode(positions[w][d])}
                if not starts:
                    break
            else:
                out[d] = sum(scores[w][d] for w in words)
        return out

    @staticmethod
    def _blocks(postfile, at, offset, norms, num, den, local, out, positions) -> None:
        """Score the posting blocks of a term whose postings start at *at* in *postfile*
        (:func:`searcher.backends.local.postings.block_heads`: no Whoosh matcher, whose set-up cost
        as much as scoring a small posting list).  A block whose last document comes
        before the next one wanted in *local* is not decoded."""
        j = 0
        for head in block_heads(postfile, at):
            count, maxid = head[0], head[1]
            if local is not None:
                if j >= len(local):
                    return
                if maxid < local[j]:  # nothing wanted in this block
                    continue
            ids, weights, values = block_data(postfile, head)
            if local is None:
                for k, d in enumerate(ids):
                    tf = weights[k]
                    out[d + offset] = num * tf / (tf + den[norms[d]])
                    if positions is not None:
                        positions[d + offset] = values[k]
            else:
                k = 0
                while k < count and j < len(local):
                    d, want = ids[k], local[j]
                    if d < want:
                        k += 1
                    elif d > want:
                        j += 1
                    else:
                        tf = weights[k]
                        out[d + offset] = num * tf / (tf + den[norms[d]])
                        if positions is not None:
                            positions[d + offset] = values[k]
                        k += 1
                        j += 1

    @staticmethod
    def _generic(m, offset, norms, num, den, local, out, positions) -> None:
        targets = iter(local) if local is not None else None
        want = next(targets, None) if targets is not None else None
        while m.is_active():
            d = m.id()
            if targets is not None:
                while want is not None and want < d:
                    want = next(targets, None)
                if want is None:
                    return
                if want > d:
                    m.skip_to(want)
                    continue
            tf = m.weight()
            out[d + offset] = num * tf / (tf + den[norms[d]])
            if positions is not None:
                positions[d + offset] = m.value_as("positions")
            m.next()


def _placing(slot: Slot) -> Slot:
    """The terms of a quotation word that tell where it stands: its prefixes, its
    stems but those longer than a prefix that starts with one of them (the word
    starts with its stem, so a prefix stands wherever such a stem does), and its
    exact forms but those a prefix covers (a stop word's, an inflection the
    grammar accepted beyond the stems: ``dağa`` is not stemmed ``dag``)."""
    prefixes = {t for f, t in slot if f == "prefix"}
    keep = tuple(
        (f, t) for f, t in slot
        if f == "prefix" or not (len(t) >= PREFIX and t[:PREFIX] in prefixes)
    )
    return keep or slot


def clause_terms(c: Clause) -> list[tuple[str, str, float]]:
    """(field, term, weight) of a word clause: stems, exact words, prefixes."""
    w = TYPO_WEIGHT if c.typo else 1.0
    return (
        [("stem", t, FIELD_WEIGHTS["stem"] * w) for t in sorted(c.stems)]
        + [("exact", t, FIELD_WEIGHTS["exact"] * w) for t in sorted(c.exacts)]
        + [("prefix", t, FIELD_WEIGHTS["prefix"] * w) for t in sorted(c.prefixes)]
    )


class ClauseScorer:
    """Scores the clauses of queries over one open index generation.

    Term lookups are remembered until :meth:`clear_caches` (a query's clauses share
    many terms); damaged index files raise the corrupt-index error.
    """

    def __init__(self, reader, index_dir) -> None:
        self.terms = TermScorer(reader)
        self._index_dir = index_dir
        self._cache: dict[tuple[str, str], tuple] = {}
        self._reads: dict = {}  # the last quotation's words as read, by where read

    def clear_caches(self) -> None:
        self._cache = {}
        self._reads = {}

    def term(self, field_name: str, term: str) -> tuple[int, tuple]:
        """(document frequency, postings location) of a term."""
        key = (field_name, term)
        found = self._cache.get(key)
        if found is None:
            with reading(self._index_dir):
                found = self._cache[key] = self.terms.lookup(field_name, term)
        return found

    def df(self, field_name: str, term: str) -> int:
        return self.term(field_name, term)[0]

    def has(self, field_name: str, term: str) -> bool:
        return self.df(field_name, term) > 0

    def clause_df(self, c: Clause) -> int:
        """Cheap estimate of how many passages a clause matches (from term statistics)."""
        df = self.df
        if c.kind == "either":
            return sum(self.clause_df(m) for m in c.members)
        if c.kind == "phrase":
            return min((df("exact", t) for t in c.exact), default=0)
        return max((df(f, t) for f, t, _ in clause_terms(c)), default=0)

    def scores(
        self, c: Clause, at: list[int] | None, where: dict[int, tuple] | None = None,
        skip: set[int] = frozenset(),
    ) -> dict[int, float]:
        """BM25F score of a clause for every passage it matches (only *at*, if given;
        a quotation's lower tiers leave out the passages in *skip*).

        *where*, if given, receives the word positions of the word as typed, read from
        the same postings, for the proximity bonus (as stored: :meth:`TermScorer.positions`
        decodes them, only for the passages that need them).
        """
        if c.kind == "either":  # the best of its alternatives
            out: dict[int, float] = {}
            for m in c.members:
                for d, score in self.scores(m, at, None, skip).items():
                    if score > out.get(d, -1.0):
                        out[d] = score
            return out
        if c.kind == "phrase" and c.slots:
            with reading(self._index_dir):
                return self._slot_scores(c, at, skip)
        if c.kind == "phrase":
            found = {w: self.term("exact", w) for w in c.exact}
            with reading(self._index_dir):
                return self.terms.phrase_scores("exact", c.exact, found, at)
        out: dict[int, float] = {}
        typed = turkish.fold(c.words[0])
        with reading(self._index_dir):
            for field_name, term, weight in clause_terms(c):
                found = self.term(field_name, term)
                if not found[0]:
                    continue
                collect = where if field_name == "exact" and term == typed else None
                scores = self.terms.scores(field_name, found, at, collect)
                if not out:  # (0.0 + x is x: the first term's scores as they come)
                    out = {d: weight * score for d, score in scores.items()}
                    continue
                for d, score in scores.items():
                    out[d] = out.get(d, 0.0) + weight * score
        return out

    def _slot_scores(self, c: Clause, at: list[int] | None, skip: set[int]) -> dict[int, float]:
        """Score of a quotation in a tier below exact
        (:mod:`searcher.backends.local.phrases`): the sum of its matched words' field scores.

        Words are read rarest first, the first ``spare + 1`` of them everywhere (a
        passage lacking all of those lacks too many) and each next one only where
        a passage can still match, as :meth:`TermScorer.phrase_scores` does.  Where a
        word stands is read from the fewest of its terms (:func:`_placing`); the
        others only add to the scores of the passages that match, at the end."""
        n, spare = len(c.slots), c.spare
        if self._reads.get("slots") != c.slots:  # remembered for this quotation only
            self._reads = {"slots": c.slots}
        placed = {s: _placing(s) for s in set(c.slots)}
        placing = {s: [(f, self.term(f, t)) for f, t in terms] for s, terms in placed.items()}
        order = sorted(placing, key=lambda s: sum(x[1][0] for x in placing[s]))
        scores: dict[Slot, dict[int, float]] = {}
        positions: dict[Slot, dict[int, list]] = {}
        missing: dict[int, int] = {}  # passage -> slots it lacks so far
        cands = at
        for k, slot in enumerate(order):
            key = (slot, None if cands is None else tuple(cands))
            read = self._reads.get(key)  # the tiers of one quotation read the same words
            if read is None:
                read = self._reads[key] = self._slot(placing[slot], cands, True)
            scores[slot], positions[slot] = read
            here = positions[slot]
            if k <= spare:  # read everywhere: a passage first seen lacks the slots before
                for d in here:
                    missing.setdefault(d, k)
            for d in list(missing):
                if d not in here:
                    missing[d] += 1
                    if missing[d] > spare:
                        del missing[d]
            for d in skip:
                missing.pop(d, None)
            if k >= spare:
                if not missing:
                    return {}
                cands = sorted(missing)
        decode = self.terms.positions
        fits = {}
        for d in missing:
            where = [positions[s].get(d) for s in c.slots]
            hit = phrases.fit(
                [None if v is None else {p for x in v for p in decode(x)} for v in where],
                c.match, spare, c.slop,
            ) if n else None
            if hit:
                fits[d] = hit
        at_fits = sorted(fits)
        typed: dict[Slot, dict[int, float]] = {}
        for slot in order if at_fits else ():
            rest = [(f, self.term(f, t)) for f, t in slot if (f, t) not in placed[slot]]
            if rest:
                typed[slot] = self._slot(rest, at_fits, False)[0]
        return {
            d: share * sum(
                scores[c.slots[i]].get(d, 0.0) + typed.get(c.slots[i], {}).get(d, 0.0)
                for i in hit
            )
            for d, (hit, share) in fits.items()
        }

    def _slot(self, found: list, at: list[int] | None, where: bool) -> tuple[dict, dict]:
        """One word's score summed over the given fields (as a word clause's) and, if
        *where*, its positions as stored (a list a passage, one value a field)."""
        scores: dict[int, float] = {}
        stored: dict[int, list] = {}
        for field_name, term in found:
            if not term[0]:
                continue
            weight = FIELD_WEIGHTS[field_name]
            pos: dict[int, object] | None = {} if where else None
            for d, score in self.terms.scores(field_name, term, at, pos).items():
                scores[d] = scores.get(d, 0.0) + weight * score
                if where:
                    stored.setdefault(d, []).append(pos[d])
        return scores, stored
