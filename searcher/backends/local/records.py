"""Stage 4 (index): what a generation keeps beside Whoosh's postings, and reading it back.

* each passage's stored record (:mod:`searcher.text.record`), decoded into
  :class:`~searcher.text.document.Passage`;
* the vocabulary: every folded word of the texts -> its spellings there, for
  ASCII queries and typos, merged from one word list per document.

Reading goes through :func:`reading`, which turns the many low-level errors of a
damaged file into one :class:`~searcher.errors.IndexStateError` naming the cure.
"""

from __future__ import annotations

import marshal
import pickle
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path

from searcher.errors import corrupt
from searcher.query.family import words_starting
from searcher.text.document import Passage
from searcher.text.record import last_page, passage_from_record

VOCABULARY = "vocabulary.shards"  # dicts as marshal writes them, zlib'd, by first letter
WORDS = "words"  # one file of surface words per document, merged into VOCABULARY


def words_file(generation: Path, name: str) -> Path:
    import hashlib

    return generation / WORDS / (hashlib.sha1(name.encode()).hexdigest() + ".z")


def write_packed(path: Path, text: str) -> None:
    """Word lists are a third of their size through zlib (benchmarks/speed.py: index size)."""
    path.write_bytes(zlib.compress(text.encode("utf-8"), 6))


def _read_packed(path: Path) -> str:
    return zlib.decompress(path.read_bytes()).decode("utf-8")


def word_stems(generation: Path, docs) -> dict[str, str]:
    """Each spelling of the word lists of *docs* -> its Snowball stem term: what a build
    worker hands back with its segments, so that :func:`write_vocabulary` in the parent
    need not stem again the words only the worker has seen (its cache has them)."""
    from searcher.text.tokens import stem_term

    return {w: stem_term(w) for name in docs
            for w in _read_packed(words_file(generation, name)).split("\n") if w}


def write_vocabulary(generation: Path, docs, stems: dict[str, str] | None = None) -> None:
    """fold(word) -> the Turkish spellings seen in the texts, for ASCII queries and typos;
    and each Snowball stem -> the folded words one of whose spellings has it, for the
    terms a query word shares with other words (:mod:`searcher.query.family`).

    Stored in shards by the word's (the stem's) first letter (:class:`Vocabulary`): a
    marshal'd table ``first letter -> (offset, length)`` (a stem shard's key starts
    with :data:`_STEMS`) after its 4-byte length, then each shard, a zlib-compressed
    marshal'd dict (a stem shard: text, see :data:`_STEMS`).  The stems are those the
    build has just made (``turkish.stem`` remembers them; *stems*, a worker's): ~1 µs a
    word."""
    from searcher.text.tokens import stem_term
    from searcher.text.turkish import fold

    by_fold: dict[str, set[str]] = {}
    for name in docs:
        for w in _read_packed(words_file(generation, name)).split("\n"):
            if w:
                by_fold.setdefault(fold(w), set()).add(w)
    shards: dict[str, dict[str, tuple[str, ...]]] = {}
    by_stem: dict[str, set[str]] = {}
    for k, v in sorted(by_fold.items()):
        shards.setdefault(k[:1], {})[k] = tuple(sorted(v))
        for spelling in v:
            stem = stems.get(spelling) if stems else None
            by_stem.setdefault(stem or stem_term(spelling), set()).add(k)
    lines: dict[str, list[str]] = {}
    for stem, words in sorted(by_stem.items()):
        lines.setdefault(_STEMS + stem[:1], []).append(" ".join(
            [stem, *(w[len(stem) :] if w.startswith(stem) else _WHOLE + w for w in sorted(words))]))
    table, blobs, pos = {}, [], 0
    for first, shard in [*shards.items(), *lines.items()]:
        raw = marshal.dumps(shard) if isinstance(shard, dict) else "\n".join(shard).encode()
        blobs.append(zlib.compress(raw, 6))
        table[first] = (pos, len(blobs[-1]))
        pos += len(blobs[-1])
    head = marshal.dumps(table)
    (generation / VOCABULARY).write_bytes(_HEAD_LENGTH.pack(len(head)) + head + b"".join(blobs))


#: What starts the key of a stem shard in the vocabulary's table (no word starts so).
#: A stem shard is text, a line a stem: the stem, then its words less the stem (a
#: word that does not start with it, whole after :data:`_WHOLE`): a third the size
#: of a marshal'd dict, and the index stays within 12x its text.
_STEMS = "\x00"
_WHOLE = "/"


class _StemLines:
    """A stem shard's text (:data:`_STEMS`), read a line at a time: stem -> its words.

    A query reads a stem or two of a shard of hundreds: finding the line costs a
    search of the text, where reading every line into a dict cost a terminal search
    ~0.3 ms a query word."""

    __slots__ = ("_text", "_read")

    def __init__(self, text: str) -> None:
        self._text = "\n" + text + "\n"
        self._read: dict[str, tuple[str, ...]] = {}

    def get(self, stem: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        words = self._read.get(stem)
        if words is None:
            at = self._text.find(f"\n{stem} ")  # every stem has a word: a space follows
            if at < 0:
                return default
            _, *rest = self._text[at + 1 : self._text.index("\n", at + 1)].split(" ")
            words = self._read[stem] = tuple(
                w[1:] if w[:1] == _WHOLE else stem + w for w in rest)
        return words


_HEAD_LENGTH = struct.Struct("<I")


class Vocabulary(Mapping):
    """What :func:`write_vocabulary` wrote: fold(word) -> its spellings in the texts,
    a shard read at the first lookup of a word with its first letter.

    Read on the first query of every process: the whole vocabulary took ~1.7 ms to
    decompress and load (most of a terminal search's own work at 1x), a word's shard
    a twentieth of that.  Kept in the form Python loads fastest (a zlib-compressed
    text took twice as long to decompress and split); the manifest records marshal's
    format version (:func:`searcher.backends.local.folder.versions`).  Only a typo (:meth:`searcher.
    query.QueryParser.near_words`) reads every shard.  Compressed, as the word lists
    are (the index stays within 12x the seed text: tests/test_postings.py).
    """

    def __init__(self, generation: Path) -> None:
        self._where = generation
        self._shards: dict[str, dict[str, tuple[str, ...]]] = {}
        self._sorted: dict[str, list[str]] = {}
        try:
            self._data = (generation / VOCABULARY).read_bytes()
            start = _HEAD_LENGTH.size + _HEAD_LENGTH.unpack_from(self._data)[0]
            table = marshal.loads(self._data[_HEAD_LENGTH.size : start])
        except (OSError, EOFError, ValueError, TypeError, struct.error) as exc:
            raise corrupt(generation.parent, "vocabulary unreadable") from exc
        if not isinstance(table, dict):
            raise corrupt(generation.parent, "vocabulary unreadable")
        self._table = {k: (start + at, n) for k, (at, n) in table.items()}

    def _shard(self, first: str) -> dict[str, tuple[str, ...]]:
        """The shard of *first* (a word's first letter, or :data:`_STEMS` and a stem's),
        read at its first use."""
        shard = self._shards.get(first)
        if shard is None:
            where = self._table.get(first)
            if where is None:
                return {}
            at, n = where
            try:
                raw = zlib.decompress(self._data[at : at + n])
                shard = (_StemLines(raw.decode("utf-8")) if first.startswith(_STEMS)
                         else marshal.loads(raw))
            except (EOFError, ValueError, TypeError, zlib.error) as exc:
                raise corrupt(self._where.parent, "vocabulary unreadable") from exc
            if not isinstance(shard, (dict, _StemLines)):
                raise corrupt(self._where.parent, "vocabulary unreadable")
            self._shards[first] = shard
        return shard

    def __getitem__(self, word: str) -> tuple[str, ...]:
        return self._shard(word[:1])[word]

    def get(self, word: str, default=None):
        return self._shard(word[:1]).get(word, default)

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and word in self._shard(word[:1])

    def starting(self, prefix: str) -> list[str]:
        """The words that start with *prefix* (not empty), from its letter's shard
        sorted once: a query word's inflections are looked for among them."""
        keys = self._sorted.get(prefix[:1])
        if keys is None:
            keys = self._sorted[prefix[:1]] = sorted(self._shard(prefix[:1]))
        return words_starting(keys, prefix)

    def sharing_stem(self, stem: str) -> tuple[str, ...]:
        """The words one of whose spellings has the Snowball *stem*."""
        return self._shard(_STEMS + stem[:1]).get(stem, ())

    def __iter__(self):
        for first in self._words():
            yield from self._shard(first)

    def __len__(self) -> int:
        return sum(len(self._shard(first)) for first in self._words())

    def _words(self) -> list[str]:
        """The table's keys of the word shards (not the stem shards)."""
        return [k for k in self._table if not k.startswith(_STEMS)]


#: What a damaged index file surfaces as, from Whoosh, pickle, zlib, struct or the system.
_DAMAGE = (OSError, EOFError, ValueError, KeyError, IndexError, struct.error, zlib.error,
           pickle.UnpicklingError)


class reading:  # noqa: N801 -- used as a function: ``with reading(index_dir):``
    """Damaged index files surface as many low-level errors; name the cure instead.

    A class, not a ``@contextmanager`` generator: it wraps every passage and term
    read, ~15 a query, and costs a quarter as much (0.17 µs a use, not 0.72)."""

    __slots__ = ("_index_dir",)

    def __init__(self, index_dir: Path) -> None:
        self._index_dir = index_dir

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is not None and issubclass(kind, _DAMAGE):
            raise corrupt(self._index_dir, kind.__name__) from exc
        return False


class PassageReader:
    """Stored passages of one open Whoosh reader: by document number, by their
    number within a document, or a whole document."""

    def __init__(self, reader, index_dir: Path) -> None:
        self._reader = reader
        self._index_dir = index_dir
        self._pages: dict[str, list[tuple[int, int, int]]] = {}

    def docnums(self, doc: str) -> list[int]:
        """The document numbers of *doc*'s passages."""
        reader = self._reader
        with reading(self._index_dir):
            if ("doc", doc) not in reader:
                return []
            return list(reader.postings("doc", doc).all_ids())

    def page_spans(self, doc: str) -> list[tuple[int, int, int]]:
        """(docnum, first page, last page) of each passage of *doc*: every passage read
        once (a page filter's first use), then remembered for this reader."""
        spans = self._pages.get(doc)
        if spans is None:
            spans = self._pages[doc] = []
            for d in self.docnums(doc):
                p = self.stored(d)
                spans.append((d, p.page, last_page(p)))
        return spans

    def stored(self, docnum: int) -> Passage:
        with reading(self._index_dir):
            return _from_fields(self._reader.stored_fields(docnum))

    def by_number(self, guess: int, doc: str, number: int) -> Passage | None:
        """Passage *number* of *doc*; *guess* is the docnum where it likely is."""
        if number < 1:
            return None
        # a document's passages are added together, so they have consecutive docnums
        reader = self._reader
        if 0 <= guess < reader.doc_count_all() and not reader.is_deleted(guess):
            p = self.stored(guess)
            if p.doc == doc and p.number == number:
                return p
        return next((p for p in self.document(doc) if p.number == number), None)

    def document(self, doc: str | None) -> list[Passage]:
        """Every passage of *doc* (of the whole index if None), in index order."""
        reader = self._reader
        with reading(self._index_dir):
            if doc is None:
                return [_from_fields(f) for f in reader.all_stored_fields()]
            if ("doc", doc) not in reader:  # one term lookup, not a scan
                return []
            return [
                _from_fields(reader.stored_fields(d))
                for d in reader.postings("doc", doc).all_ids()
            ]


def _from_fields(f: dict) -> Passage:
    return passage_from_record(f["doc"], f["data"])
