"""Stage 5 (query): what users type -> clauses the engine scores and highlights.

Query language (what users type, nothing else is special):

* words: matched through three fields (Snowball stem, exact word, 5-letter prefix),
  typed with or without Turkish letters, in any case, with or without suffixes;
* ``"a quotation"`` (straight or curly quotes): a phrase on the exact field,
  across line and page breaks, punctuation and case ignored; when that leaves room
  in the limit, the same words in other inflections, then near each other
  (:meth:`QueryParser.tiers`, the tiers :mod:`searcher.query.rules` names);
* ``Meclis-i``, ``V.İ.``: a word written with inner punctuation is a small phrase;
* operators (``+word``, ``-word``, ``A OR B``, ``"a b"~N``): read by
  :mod:`searcher.query.operators`, made clauses by :meth:`QueryParser.operator_clauses`.

A word the texts never use, whose stem and first letters are unknown too, is
taken for a typo and searched as the nearest words of the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from searcher.errors import QueryError
from searcher.query.operators import (  # noqa: F401 -- split_query: its old home
    MAX_QUERY_CHARS,
    Operators,
    Part,
    split_query,
)
from searcher.query.rules import is_name, spare_words, tier_steps
from searcher.query.typos import NearWords, taken_for_typo
from searcher.text import tokens, turkish

MAX_QUERY_WORDS = 64
#: Shortest bare form (word less suffixes) searched for a query word.
BARE_MIN = 5

_FOLDED_STOP_WORDS = frozenset(turkish.fold(w) for w in turkish.STOP_WORDS)


Slot = tuple[tuple[str, str], ...]  # (field, term) alternatives for one word of a phrase


@dataclass
class Clause:
    """One unit of the query: a word, a compound word, a quoted phrase (with a slop: a
    proximity) or words joined by OR (``either``, its *members*)."""

    kind: str  # "word" | "phrase" | "either"
    words: tuple[str, ...]  # surface forms (lower case, no suffix)
    required: bool = False  # True for a quotation (a compound word is a phrase too)
    exact: tuple[str, ...] = ()  # exact-field terms, in order (phrases, compounds)
    stems: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    exacts: frozenset[str] = frozenset()
    typo: bool = False
    match: str = "exact"  # a phrase's tier (:data:`searcher.query.rules.MATCHES`)
    slots: tuple[Slot, ...] = ()  # the phrase's words in any inflection (lower tiers)
    spare: int = 0  # how many of those a "near" phrase may lack
    name: bool = False  # typed with a capital (weighs most in an open question)
    slop: int | None = None  # a proximity: its words within this many positions, any order
    members: tuple[Clause, ...] = ()  # an either's alternatives


def clause_parts(c: Clause) -> tuple[Clause, ...]:
    """A clause, or an either's alternatives: what a highlighter marks."""
    return c.members if c.kind == "either" else (c,)


def content_parts(parts: list[tuple[str, str]], others: bool = False) -> list[tuple[str, str]]:
    """:func:`split_query`'s parts less the stop words, unless nothing else is left
    (*others*: the query's operators give something to search for)."""
    words = [t for k, t in parts if k == "word"]
    content = [w for w in words if tokens.surface(w) not in turkish.STOP_WORDS]
    if len(content) < len(words) and (
        content or others or any(k == "phrase" for k, _ in parts)
    ):
        drop = {w for w in words if tokens.surface(w) in turkish.STOP_WORDS}
        parts = [(k, t) for k, t in parts if k == "phrase" or t not in drop]
    return parts


class QueryParser:
    """Turns query text into clauses against one index's vocabulary.

    *vocabulary* maps each folded word of the texts to its spellings there
    (``gumruk`` -> ``gümrük``); *has* tells whether a field holds a term.
    """

    def __init__(
        self, vocabulary: Mapping[str, tuple[str, ...]], has: Callable[[str, str], bool]
    ) -> None:
        self.vocabulary = vocabulary
        self._has = has
        self.near_words = NearWords(vocabulary)

    def clear_caches(self) -> None:
        self.near_words.clear_caches()

    def parse(self, query: str, *, phrase: bool = False, open_question: bool = False
              ) -> list[Clause]:
        """Query text -> clauses; raises :class:`QueryError`.  In an *open_question*
        a real word the texts lack is no typo (:func:`~searcher.query.typos.taken_for_typo`)."""
        return self.parse_parts(split_query(query, phrase=phrase), open_question)

    def parse_parts(self, parts: list[tuple[str, str]], open_question: bool = False,
                    must: list[Clause] = ()) -> list[Clause]:
        """:func:`split_query`'s parts -> clauses, then *must*, the clauses of the
        operators every hit must match (:meth:`operator_clauses`); raises
        :class:`QueryError`."""
        parts = content_parts(parts, bool(must))
        clauses: list[Clause] = []
        for kind, text in parts[: max(MAX_QUERY_WORDS - len(must), 0)]:
            c = (phrase_clause(text) if kind == "phrase"
                 else self.word_clause(text, open_question))
            if c is not None and (c.exact or c.exacts):
                clauses.append(c)
        clauses += must
        if not clauses:
            raise QueryError("query has no words to search for")
        return clauses

    def operator_clauses(self, ops: Operators) -> tuple[list[Clause], list[Clause]]:
        """(the clauses every hit must match, those no hit may match) of a query's
        operators: ``+word``, ``A OR B`` and ``"a b"~N``; ``-word`` and ``-"a b"``."""
        must = [replace(c, required=True) for c in map(self.part_clause, ops.required) if c]
        must += [c for c in map(self.part_clause, ops.near) if c]
        for group in ops.either:
            members = tuple(c for c in map(self.part_clause, group) if c)
            if members:
                must.append(Clause(kind="either", words=tuple(w for m in members for w in m.words),
                                   required=True, members=members))
        return must, [c for c in map(self.part_clause, ops.excluded) if c]

    def part_clause(self, part: Part) -> Clause | None:
        """A word of the operators (a search word's clause, but taken as typed: never
        corrected as a typo), a quotation, a proximity."""
        if part.kind == "word":
            c = self.word_clause(part.text)
            if c is not None and c.typo:
                c = spellings_clause(c.words[0], {c.words[0]}, False)
        elif part.slop is not None:
            c = proximity_clause(part.text, part.slop)
        else:
            c = phrase_clause(part.text)
        return c if c is not None and (c.exact or c.exacts) else None

    def tiers(self, clauses: list[Clause], *, exact: bool = False):
        """``(match, clauses)`` to rank in turn, best first, as
        :func:`~searcher.query.rules.tier_steps` orders them: the clauses as parsed
        (``"exact"``, or ``"words"`` without a quotation), then the quotations as
        ``"inflected"`` phrases, then ``"near"`` ones.  Lazy: the search stops
        asking once the limit is filled."""
        quoted = [i for i, c in enumerate(clauses) if c.kind == "phrase" and c.required]
        loose: dict[int, Clause] = {}
        for match, spare in tier_steps([len(clauses[i].words) for i in quoted], exact):
            if match in ("exact", "words"):
                yield match, clauses
                continue
            if not loose:
                loose = {i: self.inflected(clauses[i]) for i in quoted}
            yield match, [
                replace(loose[i], match=match, spare=spare_words(len(loose[i].words), spare))
                if i in loose else c
                for i, c in enumerate(clauses)
            ]

    def inflected(self, c: Clause) -> Clause:
        """A quotation whose words match in any inflection: each word by its stems and
        5-letter prefixes, as a word of the query would (typed in ASCII or in another
        form), and by the form typed, which scores higher where it stands; a stop word
        (``için`` or ``icin``), which those fields leave out, by its exact form.  The word
        itself is a stem too: Snowball reads ``paşa`` as a dative (``pas``) but stems
        ``paşanın`` to ``paşa``."""
        slots = []
        for word, folded in zip(c.words, c.exact, strict=True):
            w = None if folded in _FOLDED_STOP_WORDS else self.word_clause(word)
            if w is None or w.kind != "word":
                slots.append((("exact", folded),))
            else:
                slots.append(
                    tuple(("stem", t) for t in sorted(w.stems | {folded}))
                    + (("exact", folded),)
                    + tuple(("prefix", t) for t in sorted(w.prefixes))
                )
        return replace(c, match="inflected", slots=tuple(slots))

    def word_clause(self, word: str, open_question: bool = False) -> Clause | None:
        surface = tokens.surface(word)
        found = tokens.TOKEN_RE.findall(surface)
        if not found:
            return None
        if len(found) > 1:
            return compound_clause(found)
        surface = found[0]
        folded = turkish.fold(surface)
        vocab = self.vocabulary
        spellings = set(vocab.get(folded, ()))
        typo = False
        if not spellings:
            # an unseen inflection is not a typo: its stem, or its first letters (the
            # prefix field), are in the index; typos after those letters match there too
            known = self._has("stem", tokens.stem_term(surface)) or (
                len(folded) > tokens.PREFIX_LENGTH
                and self._has("prefix", tokens.prefix_term(surface))
            )
            if not known and taken_for_typo(surface, open_question):
                near = self.near_words(folded)
                if near:
                    typo = True
                    spellings = {s for w in near for s in vocab[w]}
        spellings.add(surface)
        spellings |= self._bare_forms(folded, len(turkish.stem(surface)))
        c = spellings_clause(surface, spellings, typo)
        c.name = is_name(word)
        return c

    def corrections(self, clauses: list[Clause]) -> dict[str, tuple[str, ...]]:
        """Each query word matched only through near words (a typo) -> the spellings
        of the near words searched instead, as the texts write them."""
        out: dict[str, tuple[str, ...]] = {}
        for c in clauses:
            if c.typo:
                near = self.near_words(turkish.fold(c.words[0]))
                out[c.words[0]] = tuple(dict.fromkeys(s for w in near for s in self.vocabulary[w]))
        return out

    def _bare_forms(self, folded: str, stem_length: int) -> set[str]:
        """Vocabulary words that are the query word less a suffix: ``ültimatom`` for
        ``ültimatomlar``.  Turkish only adds suffixes, and Snowball does not always
        reduce both forms to one stem, so the bare form's stem is searched too.  A
        bare form shorter than the Snowball stem is another word (``bilgi`` is not
        ``bilgisayar`` less a suffix)."""
        vocab = self.vocabulary
        out: set[str] = set()
        for n in range(len(folded) - 1, max(BARE_MIN, stem_length - 1) - 1, -1):
            out.update(vocab.get(folded[:n], ()))
        return out


def spellings_clause(surface: str, spellings: set[str], typo: bool) -> Clause:
    """A word clause for *surface* matching any of *spellings* (surface forms) on the
    three fields: their folded forms, stems and 5-letter prefixes."""
    folds = {turkish.fold(s) for s in spellings}
    return Clause(
        kind="word",
        words=(surface,),
        stems=frozenset(tokens.stem_term(s) for s in spellings),
        exacts=frozenset(folds),
        prefixes=frozenset(
            f[: tokens.PREFIX_LENGTH] for f in folds if len(f) >= tokens.PREFIX_LENGTH
        ),
        typo=typo,
    )


def compound_clause(tokens: list[str]) -> Clause:
    """``Meclis-i``, ``V.İ.``: a word written with inner punctuation is a small phrase,
    not required as a quotation is."""
    c = phrase_clause(" ".join(tokens))
    c.required = False
    return c


def proximity_clause(text: str, slop: int) -> Clause:
    """``"a b"~N``: the words of a quotation within *slop* positions, any order; as
    parsed (the exact tier) each word as written, below it as :meth:`QueryParser.
    inflected` makes them."""
    c = phrase_clause(text)
    return replace(c, slop=slop, slots=tuple((("exact", f),) for f in c.exact))


def phrase_clause(text: str) -> Clause:
    """A quoted phrase: its words folded, in order, to match on the exact field."""
    words = tuple(tokens.surface(t) for t in tokens.TOKEN_RE.findall(turkish.lower(text)))
    exact = tuple(turkish.fold(w) for w in words)
    return Clause(kind="phrase", words=words, required=True, exact=exact)
