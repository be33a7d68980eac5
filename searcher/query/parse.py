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
from functools import lru_cache

from searcher.errors import QueryError
from searcher.query import family, inflect
from searcher.query.forms import forms
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
        # (folded word, wide) -> its roots: one query asks for a word's roots several
        # times (its clause, whether it is a typo, which words share its stem)
        self._roots: dict[tuple[str, bool], tuple[inflect.Root, ...]] = {}

    def clear_caches(self) -> None:
        self.near_words.clear_caches()
        self._roots = {}

    def _roots_of(self, folded: str, wide: bool = False) -> tuple[inflect.Root, ...]:
        """:func:`inflect.roots_of` against this vocabulary, remembered until
        :meth:`clear_caches` (or a few thousand words)."""
        key = (folded, wide)
        roots = self._roots.get(key)
        if roots is None:
            if len(self._roots) > 4096:
                self._roots = {}
            roots = self._roots[key] = inflect.roots_of(folded, self.vocabulary.__contains__,
                                                         wide=wide)
        return roots

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
        (``için`` or ``icin``), which those fields leave out, by its exact form; the
        inflections the grammar accepts beyond those fields by theirs too.  The word
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
                    + tuple(("exact", t) for t in sorted(w.exacts | {folded}))
                    + tuple(("prefix", t) for t in sorted(w.prefixes))
                )
        return replace(c, match="inflected", slots=tuple(slots))

    def word_clause(self, word: str, open_question: bool = False) -> Clause | None:
        surface = tokens.surface(word)
        found = tokens.TOKEN_RE.findall(surface)
        if not found:
            return None
        if len(found) > 1:  # a name too when typed with a capital, as on the cluster
            c = compound_clause(found)
            c.name = is_name(word)
            return c
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
            ) or self._inflected_in_texts(folded)
            if not known and taken_for_typo(surface, open_question):
                near = self.near_words(folded)
                if near:
                    typo = True
                    spellings = {s for w in near for s in vocab[w]}
        spellings.add(surface)
        # the words of the texts it starts with (``ültimatomlar``: ``ültimatom``)
        spellings |= self._bare_forms(folded, len(turkish.stem(surface)))
        if typo:
            c = spellings_clause(surface, spellings, typo)
        else:
            roots = self._roots_of(folded)
            if not any(r.known for r in roots):
                roots = ()  # a word neither the list nor the texts know: as the rules allow
            c = self._inflections_clause(surface, folded, spellings, roots)
        c.name = is_name(word)
        return c

    def _inflected_in_texts(self, folded: str) -> bool:
        """Whether the texts hold an inflection of a root the root list knows
        (``kısım``, only ``kısmıyla`` in the texts): not a typo."""
        roots = self._roots_of(folded)
        return any(r.flags is not None for r in roots) and any(
            inflect.accepts(roots, w) for r in roots for start in r.starts
            for w in family.starting(self.vocabulary, start)
        )

    def _inflections_clause(self, surface: str, folded: str, spellings: set[str], roots
                            ) -> Clause:
        """A word clause matching the words of the texts that are the query word's root
        plus Turkish suffixes (:mod:`searcher.query.inflect`), on the three fields.

        Snowball's stems and the 5-letter prefixes still match what they join well;
        where they join another word (``aile`` and ``Ai`` share the stem ``ai``,
        ``bal`` and ``balta`` the stem ``bal``, ``hükümet`` and ``hükümdar`` the
        prefix ``hukum``) that term is left out, and a stem shorter than the root
        (``ge`` of ``gemi``) too: the inflections they missed or would have joined
        are matched by their exact forms, which the grammar accepts one by one."""
        vocab = self.vocabulary
        folds = {turkish.fold(s) for s in spellings}
        stems = {tokens.stem_term(s) for s in spellings}
        known = bool(roots)  # else a typo after its first letters may match on them
        if not known:
            roots = (inflect.Root(folded, None),)
        elif all(r.flags is not None for r in roots):  # roots of the root list
            shortest = min(len(form) for r in roots for form in r.starts)
            stems = {t for t in stems if len(t) >= shortest}
        prefixes = {f[: tokens.PREFIX_LENGTH] for f in folds if len(f) >= tokens.PREFIX_LENGTH}
        accepted = family.inflections(vocab, roots) | folds
        # where a stem or prefix joins another word (the words that share them, less
        # the inflections; the order they are read in does not change what is left)
        share = family.sharing(vocab, stems, prefixes) if known else {}
        own = None  # the query word's roots, read widely: read once, if a word needs them
        for w, shared in share.items():
            if w in accepted or len(w) >= BARE_MIN and folded.startswith(w):
                continue  # the query word less a suffix: kabul of kabullendi
            shared &= stems
            prefix = w[: tokens.PREFIX_LENGTH] if len(w) >= tokens.PREFIX_LENGTH else ""
            if shared or prefix in prefixes:
                if own is None:
                    own = frozenset(r.word for r in self._roots_of(folded, wide=True))
                if self._another_word(w, own):
                    stems -= shared
                    prefixes.discard(prefix)
        # the words the stems left match (those a word shares were read above)
        stemmed = ({w for w, shared in share.items() if shared & stems} if known
                   else {w for t in stems for w in family.with_stem(vocab, t)})
        exacts = folds | {
            w for w in accepted - folds
            if not (w[: tokens.PREFIX_LENGTH] in prefixes or w in stemmed)
        }
        return Clause(kind="word", words=(surface,), stems=frozenset(stems),
                      exacts=frozenset(exacts), prefixes=frozenset(prefixes))

    def _another_word(self, word: str, own: frozenset[str]) -> bool:
        """Whether a word of the texts that shares a stem or a prefix with the query
        word (whose roots, read widely, are *own*), and that the grammar does not read
        as its inflection, is another word: no root of one is a root of the other
        (``dönüşleri`` and ``dönüşü`` are both ``dön-üş-``, a noun the root list does
        not hold)."""
        theirs = (self._roots_of(word, wide=True) if word in own else  # (then all of them)
                  inflect.roots_of(word, self.vocabulary.__contains__, wide=True, among=own))
        return not any(r.word in own for r in theirs)

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


#: A root the list knows this long or longer keeps Snowball's stem on an index
#: whose words cannot be listed (shorter ones are where Snowball conflates:
#: ``bal``/``balta``, ``gemi``/``ge``).
LISTLESS_STEM_FROM = 5


@lru_cache(maxsize=1024)  # a cluster search asks it per word for each request it builds
def listless_terms(surface: str) -> tuple[frozenset[str], bool, bool]:
    """The same rule as :meth:`QueryParser.word_clause` for an index whose vocabulary
    cannot be read (the OpenSearch backend): (the folded forms the grammar writes
    out for the word's roots, whether to match its Snowball stem, whether its
    5-letter prefix).  A word of the root list is matched by its forms, and by its
    stem only when the root is long and Snowball does not cut into it; another
    word also by its stem and prefix, as before."""
    folded = turkish.fold(surface)
    roots = inflect.roots_of(folded)
    known = [r for r in roots if r.flags is not None]
    if not known:
        return forms(roots, typed=surface), True, True
    shortest = min(len(form) for r in known for form in r.starts)
    stem = (min(len(r.word) for r in known) >= LISTLESS_STEM_FROM
            and len(tokens.stem_term(surface)) >= shortest)
    return forms(roots, typed=surface), stem, False


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
