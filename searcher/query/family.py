"""Stage 5 (query): a query word's family among the words of the texts.

Which words of the vocabulary are the query word's inflections (the grammar of
:mod:`searcher.query.inflect` decides, word by word, on folded words; their spellings
then say whether folding alone made them alike: ``karşı`` is no inflection of
``Kars``), and which share its Snowball
stem or its 5-letter prefix (the index's ``stem`` and ``prefix`` fields would join
them to it: :meth:`searcher.query.parse.QueryParser.word_clause` keeps those terms only
where no such word is another word).

The vocabulary maps each folded word of the texts to its spellings there; the local
index's (:class:`searcher.backends.local.records.Vocabulary`) also lists its words by
first letter and by stem, so a query word reads a few short ranges, never the whole
vocabulary, and no word of a range is stemmed at query time.
"""

from __future__ import annotations

from bisect import bisect_left

from searcher.query import inflect
from searcher.query.roots import root_spellings
from searcher.text import tokens
from searcher.text.turkish import fold, strip_circumflex


def words_starting(keys: list[str], prefix: str) -> list[str]:
    """The words of the sorted *keys* from *prefix* to *prefix* + the last character."""
    return keys[bisect_left(keys, prefix) : bisect_left(keys, prefix + "\U0010ffff")]


def starting(vocabulary, prefix: str) -> list[str]:
    """The words of *vocabulary* (folded word -> spellings) that start with *prefix*:
    its own ``starting`` where it has one (the local index's shards), else a scan."""
    own = getattr(vocabulary, "starting", None)
    if own is not None:
        return own(prefix)
    return sorted(w for w in vocabulary if w.startswith(prefix))


def starting_any(vocabulary, prefixes):
    """The words of *vocabulary* starting with any of *prefixes*, each range read once
    (a list or a set: each word once)."""
    if len(prefixes) == 1:
        return starting(vocabulary, next(iter(prefixes)))
    out: set[str] = set()
    last = ""
    for prefix in sorted(prefixes):
        if not (last and prefix.startswith(last)):
            out.update(starting(vocabulary, prefix))
            last = prefix
    return out


def inflections(vocabulary, roots: tuple[inflect.Root, ...]) -> set[str]:
    """The words of *vocabulary* that are one of *roots* plus suffixes
    (:meth:`inflect.Root.accepts`), each root read against its own ranges.  A word of
    a root's range whose next letter starts no suffix the root takes (``devlet`` after
    the verb ``de``: no suffix starts with ``v``) is passed over before the grammar is
    read."""
    get = vocabulary.get
    out: set[str] = set()
    for root in roots:
        bare, begins = root.word, root.begins
        heads = spelled(vocabulary, bare)
        out.update(w for w in starting_any(vocabulary, root.starts)
                   if w not in out and (w == bare or w.startswith(begins))
                   and root.accepts(w, get)
                   and (not heads or spelled_as(get(w, (w,)), heads)))
    return out


def spelled(vocabulary, root: str) -> tuple[str, ...]:
    """How the texts write the folded *root* as a word of its own, and how the root
    list writes it, circumflexes left out as the texts' words leave them (``kars``:
    ``kars``; ``dag``: ``dağ``; ``ilan``: ``ilan``): none when neither knows it."""
    return tuple(dict.fromkeys((*vocabulary.get(root, ()),
                                *map(strip_circumflex, root_spellings(root)))))


def spelled_as(spellings, heads: tuple[str, ...]) -> bool:
    """Whether one of a word's *spellings* begins as one of the root's spellings *heads*
    does (:func:`spelled_alike`), the usual case -- it starts with one -- told first."""
    return any(s.startswith(heads) or spelled_alike(s, heads) for s in spellings)


def spelled_alike(spelling: str, heads: tuple[str, ...]) -> bool:
    """Whether a word's *spelling* begins as one of the root's spellings *heads* does,
    letter for letter where folding would make them alike: ``karşı`` is not ``Kars``
    plus ``-ı`` (s and ş fold alike), ``dağa`` is ``dağ`` plus ``-a``.  Letters a
    suffix changes are not compared: they fold apart (``kitabı`` of ``kitap``), or
    are a last ç or g softened (``ağacı`` of ``ağaç``)."""
    for head in heads:
        if spelling.isascii() and head.isascii():
            return True  # nothing folding could hide
        last = len(head) - 1
        if all(a == b or fold(a) != fold(b) or (i == last and inflect.SOFT_UNFOLDED.get(b) == a)
               for i, (a, b) in enumerate(zip(spelling, head, strict=False))):
            return True
    return False


def sharing(vocabulary, stems: set[str], prefixes: set[str]) -> dict[str, set[str]]:
    """The words of *vocabulary* whose stem is one of *stems* or that start with one of
    *prefixes* (5 letters), each with the stems of *stems* it has."""
    out: dict[str, set[str]] = {}
    for stem in stems:
        for w in with_stem(vocabulary, stem):
            out.setdefault(w, set()).add(stem)
    for w in starting_any(vocabulary, prefixes):
        out.setdefault(w, set())
    return out


def with_stem(vocabulary, stem: str) -> tuple[str, ...]:
    """The words of *vocabulary* one of whose spellings has the Snowball *stem*: the
    vocabulary's own list where it keeps one, else its words stemmed (a stem is its
    word's beginning, the last consonant perhaps hardened: ``kitap`` of ``kitabı``)."""
    own = getattr(vocabulary, "sharing_stem", None)
    if own is not None:
        return own(stem)
    soft = inflect.SOFT.get(stem[-1:])
    ranges = {stem, stem[:-1] + soft} if soft else {stem}
    return tuple(w for w in starting_any(vocabulary, ranges)
                 if any(tokens.stem_term(s) == stem for s in vocabulary[w]))
