"""Stage 5 (query): Turkish inflection -- which words of the texts are a query word plus suffixes.

A word of the query matches the words of the texts that are its root followed by a chain
of inflectional suffixes (:func:`inflects`): plural, possessive, case, ``ki``, the
copula and, for a verb, tense, mood and person.  The root as typed, or as Turkish
changes it before a vowel: a final p/ç/t/k softened (``kitap``/``kitabı``,
``renk``/``rengi``), the last vowel dropped (``burun``/``burnu``), the final
consonant doubled (``hak``/``hakkı``), front suffixes after a back vowel
(``saat``/``saate``).  The suffixes follow vowel harmony and take their buffer
letters (``kutuyu``, ``penceresi``, ``odasına``).  A word that merely starts like the
query is another word (``dağıtım`` is not ``dağ`` plus suffixes, ``balta`` is not
``bal``: its locative is ``balda``).

Which roots change is knowledge, not a rule: the root list of :mod:`searcher.query.roots`,
derived from Zemberek's lexicon (Apache-2.0); a word it does not know (a name, a damaged
word) changes as the rules allow (a final p/t/k softens after more than one syllable).

Everything here is folded (:func:`searcher.text.turkish.fold`): the vocabulary's keys
are, and ASCII typing must work.  Folding keeps what harmony needs most: ``a``/``e``
tell back from front, ``i``/``u`` unrounded from rounded; ``i``, ``o`` and ``u`` after
folding may be either, so a suffix ``A`` after them may be ``a`` or ``e``.  No Whoosh,
no index: the decision is made against a vocabulary, at query time, by both backends.
"""

from __future__ import annotations

from functools import lru_cache

from searcher.query.roots import entry as _entry
from searcher.query.roots import root_flags

VOWELS = frozenset("aeiou")
_VOICELESS = frozenset("ptkfhs")  # folded; c may be ç (voiceless) or c
SOFT = {"p": "b", "t": "d", "k": "g"}  # folded: ç -> c and g -> ğ fold to themselves
#: The softenings folding hides (written letters): a root's last ç or g before a vowel.
SOFT_UNFOLDED = {"ç": "c", "g": "ğ"}

#: Roots this long or shorter are where a word of the list and root + one letter meet.
SHORT_ROOT = 3
#: Shortest root read off a query word the table does not know (a name in the texts).
MIN_VOCABULARY_ROOT = 3

# ------------------------------------------------------------------ the suffix grammar

# Templates: A = a|e and I = i|u by harmony, D = d|t by the sound before it; a
# letter in parentheses is a buffer, present only after a vowel -- (I) and (A) the
# other way round, present only after a consonant.  Lower-case letters are as
# written (``ki``, ``ken`` and ``yor`` do not harmonise).
_CASES = (("(y)I", "case"), ("(y)A", "case"), ("DA", "loc"), ("DAn", "case"),
          ("(n)In", "loc"), ("(y)lA", "case"), ("CA", "case"))
_CASES_N = (("nI", "case"), ("nA", "case"), ("nDA", "loc"), ("nDAn", "case"),
            ("nIn", "loc"), ("(y)lA", "case"), ("ncA", "case"))
_POSS = (("(I)m", "poss"), ("(I)n", "poss"), ("(I)mIz", "poss"), ("(I)nIz", "poss"))
_COPULA = (("(y)DI", "cop"), ("(y)mIs", "cop"), ("(y)sA", "cop"), ("DIr", "cop"),
           ("(y)ken", "end"))
_PERSON_PAST = (("m", "cop"), ("n", "cop"), ("k", "cop"), ("nIz", "cop"), ("lAr", "end"))
_PERSON = (("(y)Im", "cop"), ("sIn", "cop"), ("(y)Iz", "cop"), ("sInIz", "cop"),
           ("lAr", "cop"))
_TENSE = (("DI", "past"), ("mIs", "tense"), ("(I)yor", "tense"), ("(y)AcAk", "fut"),
          ("(y)AcAg", "futv"), ("(A)r", "tense"), ("(I)r", "tense"), ("sA", "past"),
          ("mAlI", "tense"), ("(y)A", "opt"))
_CONVERBS = (("(y)Ip", "end"), ("(y)ArAk", "end"), ("(y)IncA", "end"), ("(y)ken", "end"),
             ("(y)An", "root"), ("DIk", "cop"), ("DIg", "part"), ("mAk", "inf"),
             ("mA", "root"), ("(y)Is", "root"))

# passive, causative (gönder-il-di, imzala-t-tı): a verb again
_VOICE = (("(I)l", "verb"), ("(I)n", "verb"), ("DIr", "verb"), ("t", "verb"), ("Ir", "verb"))

GRAMMAR: dict[str, tuple[tuple[str, str], ...]] = {
    # nouns, adjectives, names
    "root": (("lAr", "plural"), *_POSS, ("(s)I", "poss3"), ("lArI", "poss3"), *_CASES,
             *_COPULA),
    "plural": (*_POSS, ("I", "poss3"), *_CASES, *_COPULA),
    "poss": (*_CASES, *_COPULA),
    "poss3": (*_CASES_N, *_COPULA),
    "case": (),
    "loc": (("ki", "ki"), *_COPULA),
    "ki": (("lAr", "kiplural"), *_CASES_N),
    "kiplural": (("I", "poss3"), *_CASES),
    "cop": (("lAr", "end"),),
    "end": (),
    # verbs
    "verb": (("mA", "neg"), *_TENSE, *_CONVERBS, *_VOICE),
    "neg": (("z", "tense"), *_TENSE, *_CONVERBS),
    "past": _PERSON_PAST,
    "tense": (*_PERSON, ("(y)DI", "past"), ("DIr", "cop"), ("(y)sA", "past")),
    "fut": (*_PERSON, ("(y)DI", "past"), ("DIr", "cop"), *_CASES, ("lAr", "plural")),
    "futv": (("(I)m", "cop"), ("(I)z", "cop"), ("I", "poss3"), ("(I)n", "poss"),
             ("(I)mIz", "poss"), ("(I)nIz", "poss")),
    "opt": (("(y)Im", "cop"), ("lIm", "cop"), ("sIn", "cop"), ("lAr", "cop")),
    "part": (("(I)m", "poss"), ("(I)n", "poss"), ("I", "poss3"), ("(I)mIz", "poss"),
             ("(I)nIz", "poss"), ("lArI", "poss3")),
    "inf": (("DA", "loc"), ("DAn", "case"), ("lA", "case"), ("sIz", "end")),
}

Context = tuple[str, str, int]  # last sound, backness (b, f, x: either), rounded (0, 1, 2)


def context(stem: str, inverse: bool = False) -> Context:
    """What the suffix after *stem* (folded) harmonises with: its last letter's sound, and
    the backness and rounding of its last vowel.  ``H`` (front suffixes after a back
    vowel, ``saat``/``saate``) allows either: the table merges homonyms (``hak``
    has both, ``haklar`` and ``hakkı``)."""
    for ch in reversed(stem):
        if ch in VOWELS:
            back = "x" if inverse else {"a": "b", "e": "f"}.get(ch, "x")
            return _sound(stem[-1]), back, 1 if ch in "ou" else 0
    return _sound(stem[-1:] or "a"), "x", 2


def _sound(letter: str) -> str:
    """What a suffix needs of the letter before it: a vowel (``a``), a voiceless
    consonant (``t``), ``c`` (folded: c or ç, either) or another consonant (``d``) --
    four classes, so the grammar's tables are shared by every word."""
    return "a" if letter in VOWELS else "t" if letter in _VOICELESS else (
        "c" if letter == "c" else "d")


@lru_cache(maxsize=4096)
def realize(template: str, ctx: Context) -> tuple[tuple[str, Context], ...]:
    """The folded forms of a suffix template after a word in context *ctx*, each with
    the context it leaves for the next suffix."""
    last = ctx[0]
    if template.startswith("("):
        j = template.index(")")
        buffer, template = template[1:j], template[j + 1 :]
        after_vowel = last in VOWELS
        if after_vowel != (buffer in ("I", "A")):
            template = buffer + template
    forms = [("", ctx)]
    for ch in template:
        grown = []
        for form, (prev, back, rnd) in forms:
            if ch == "A":
                opts = "a" if back == "b" else "e" if back == "f" else "ae"
                grown += [(form + o, ("a", "b" if o == "a" else "f", 0)) for o in opts]
            elif ch == "I":
                opts = "u" if rnd == 1 else "i" if rnd == 0 else "iu"
                grown += [(form + o, ("a", back, int(o == "u"))) for o in opts]
            elif ch == "D":
                opts = "t" if prev in _VOICELESS else "dt" if prev == "c" else "d"
                grown += [(form + o, (_sound(o), back, rnd)) for o in opts]
            elif ch == "C":
                grown.append((form + "c", ("c", back, rnd)))
            elif ch in "ei":
                grown.append((form + ch, ("a", "f", 0)))
            elif ch == "o":
                grown.append((form + ch, ("a", "b", 1)))
            else:
                grown.append((form + ch, (_sound(ch), back, rnd)))
        forms = grown
    return tuple(forms)


@lru_cache(maxsize=65536)
def chain(rest: str, state: str, ctx: Context) -> bool:
    """Whether *rest* (folded) is a chain of suffixes the grammar allows from *state*."""
    if not rest:
        return True
    for form, following, after in _moves(state, ctx).get(rest[0], ()):
        if rest.startswith(form) and chain(rest[len(form) :], following, after):
            return True
    return False


@lru_cache(maxsize=4096)
def _moves(state: str, ctx: Context) -> dict[str, tuple[tuple[str, str, Context], ...]]:
    """The suffixes *state* allows after a word in context *ctx*, by first letter."""
    out: dict[str, list[tuple[str, str, Context]]] = {}
    for template, following in GRAMMAR[state]:
        for form, after in realize(template, ctx):
            out.setdefault(form[0], []).append((form, following, after))
    return {k: tuple(v) for k, v in out.items()}


# ------------------------------------------------------------------ roots and their forms


class Root:
    """A root a query word stands for, with the forms a suffix may follow."""

    __slots__ = ("word", "flags", "states", "forms", "known", "begins", "starts")

    def __init__(self, word: str, flags: str | None, verb: bool = False, known: bool = True
                 ) -> None:
        self.word = word
        self.flags = flags
        self.known = known or flags is not None  # by the table or the texts
        known = flags is not None
        self.states = ("verb",) if verb else ("root",)
        # (form, needs a vowel after it, context): the root as typed first
        h = known and "H" in flags
        ctx = context(word, h)  # a changed form's suffixes harmonise with the root
        forms = [(word, False, ctx)]
        last = word[-1:]
        soft = SOFT.get(last)
        if verb:
            softens = known and "U" in flags
        elif known:
            softens = "V" in flags
        else:  # the rule: a final p/t/k softens after more than one syllable
            softens = soft is not None and sum(map(word.count, "aeiou")) > 1
        if soft and softens:
            forms.append((word[:-1] + soft, True, ctx))
        if known and "D" in flags and len(word) > 2 and word[-2] in VOWELS:
            forms.append((word[:-2] + last, True, ctx))
        if known and "W" in flags:  # hakkı; reddi, and müstaitti beside müstaiddi
            for double in {last * 2, (soft if soft and softens else last) * 2}:
                forms.append((word[:-1] + double, True, ctx))
        if verb and last in "ae" and len(word) > 2:  # bekle -> bekliyor
            forms.append((word[:-1], None, context(word[:-1] or word, h)))
        self.forms = tuple(forms)
        # the beginnings every inflected form has: one vocabulary range each
        self.starts = tuple(dict.fromkeys(form for form, _, _ in forms))
        # what a form and its first suffix start with: a word that starts with none of
        # these (and is no bare form) is no inflection, told without reading the grammar
        begins = []
        for form, vowel_next, ctx in forms:
            if vowel_next is None:
                begins += (form + "iyor", form + "uyor")
                continue
            for state in self.states:
                begins += (form + first for first in _moves(state, ctx)
                           if not vowel_next or first in VOWELS)
        self.begins = tuple(dict.fromkeys(begins))

    def inflects(self, word: str) -> bool:
        """Whether *word* (folded) is this root plus a chain of suffixes."""
        for form, vowel_next, ctx in self.forms:
            if not word.startswith(form):
                continue
            rest = word[len(form) :]
            if vowel_next is None:  # a verb's a/e raised before -yor
                if rest[:1] in ("i", "u") and rest[1:4] == "yor":
                    if chain(rest[4:], "tense", ("d", "b", 1)):
                        return True
                continue
            if vowel_next and rest[:1] not in VOWELS:
                continue
            for state in self.states:
                if chain(rest, state, ctx):
                    return True
        return False

    def accepts(self, word: str, spellings=()) -> bool:
        """Whether the folded *word* of the texts (written *spellings* there, or as
        ``spellings(word, ())`` tells, read only where it decides) is an inflection
        of this root -- but not a word of the root list, written as it writes it,
        that is a short root (up to :data:`SHORT_ROOT` letters) and one letter:
        ``kara`` is not ``kar-a``, ``kuma`` not ``kum-a``, ``salı`` not ``sal-ı``,
        ``adam`` not ``ada-m`` (Snowball's classic conflations); ``atı`` is ``at-ı``
        (the list's ``ati`` is written so), ``hale`` is ``hal-e`` (a root that takes
        front suffixes: folding cannot tell ``hali`` from ``halı``)."""
        if not self.inflects(word):
            return False
        if (len(self.word) <= SHORT_ROOT and len(word) == len(self.word) + 1
                and word.startswith(self.word) and "H" not in (self.flags or "")):
            entry = _entry(word)
            if entry and "n" in entry[0]:
                if callable(spellings):
                    spellings = spellings(word, ())
                return not set(spellings or (word,)) & set(entry[1])
        return True

    def __repr__(self) -> str:
        return f"Root({self.word!r}, {self.flags!r}, {self.states[0]})"


def inflects(root: str, word: str) -> bool:
    """Whether the folded *word* is *root* (folded, a query word) plus suffixes:
    ``inflects("dag", "daga")``, not ``inflects("dag", "dagitim")``."""
    return any(r.inflects(word) for r in roots_of(root))


def roots_of(folded: str, vocabulary_has=None, wide: bool = False,
             among: frozenset[str] | None = None) -> tuple[Root, ...]:
    """The roots a folded query word stands for.

    A word the table knows is its own root (``odun`` is not ``od`` plus ``-un``; a
    verb typed as one, ``gitmek``, is the verb ``git``), and also the root it
    inflects where it shows a root's change or the plural (``kitabi``: ``kitab-``
    softened from ``kitap``, though ``kitabî`` is a word too).  Another word
    stands for every root it inflects (``zaferi`` -> ``zafer``, ``sovyetlerin`` ->
    ``sovyet`` when *vocabulary_has* it), else for itself, changing as the rules
    allow.  A verb stem the texts use as a word is a noun too (``dönüş``); a verb is
    only a verb typed as one (``git``, ``gitmek``: ``giden`` is not ``gitti``).  *wide*
    reads a root that is a noun and a verb as both (``don``: ``dönüşü`` is ``dön-üş-ü``),
    to tell whether two words share a root; a query word's are read as nouns.  Read *wide*,
    with *among* (root words, not *folded*), the roots found beyond its readings as a word
    are only those written so: to tell whether it has one of them, the others need not be
    looked for."""
    listed, texts, entries, fallback = _plan(folded, wide, among if wide else None)
    if listed and listed[0].states == ("verb",) and folded != listed[0].word:
        return listed  # typed with -mak/-mek
    if texts is not None and vocabulary_has is not None and len(folded) >= MIN_VOCABULARY_ROOT \
            and vocabulary_has(folded):
        listed += (texts,)
    found = {(r.word, r.states): r for r in listed}
    longest = None  # the head where a root of the list was found: shorter ones are not read
    for head, root, needs in entries:
        if longest is not None and head is not longest:
            break
        if needs is not None and (vocabulary_has is None or not vocabulary_has(needs)):
            continue
        if (root.word, root.states) not in found:
            found[root.word, root.states] = root
            if root.flags is not None and not wide:
                longest = head
    return tuple(found.values()) or fallback


@lru_cache(maxsize=65536)
def _plan(folded: str, wide: bool, among: frozenset[str] | None):
    """What :func:`roots_of` reads of a word that does not depend on the texts, worked
    out once a word (the root list and the grammar never change): its readings as a
    root of the list, its reading as a word of the texts (None: none to add), then each
    root behind one of its heads, longest first, that *folded* inflects, with the word
    the texts must hold for it to count (None: none), and the root it is when none is
    found."""
    listed, texts = _listed_readings(folded, True, wide)
    table = any(r.flags is not None for r in listed)  # a word of the list: no texts roots
    entries = []
    for k in _head_lengths(folded, among):
        head = folded[:k]
        rest, ctx = folded[k:], _ANY_HARMONY.get(head[-1]) or (_sound(head[-1]), "x", 2)
        if not (chain(rest, "root", ctx) or wide and chain(rest, "verb", ctx)):
            continue  # for nothing that cannot follow a root
        head_listed, head_texts = _listed_readings(head, False, wide)
        behind = [(r, None) for r in head_listed]
        hard, changed = _listed_behind(head)
        if not table:
            if head_texts is not None and len(head) >= MIN_VOCABULARY_ROOT:
                behind.append((head_texts, head))
            if hard is not None:
                behind.append((hard, hard.word))  # softened if the texts hold the hard form
        behind += [(r, None) for r in changed]
        for root, needs in behind:
            if root.states == ("verb",) and not wide:
                continue  # giden is not every form of gitmek: a verb is typed as one
            if table and not (head != root.word or rest.startswith(("lar", "ler"))):
                continue  # adami is adam-i (a word of the list), not ada-m-i
            if root.inflects(folded):
                entries.append((head, root, needs))
    return listed, texts, tuple(entries), (Root(folded, None, known=False),)


def accepts(roots: tuple[Root, ...], word: str, spellings=()) -> bool:
    """Whether the folded *word* of the texts (written *spellings* there, or as
    ``spellings(word, ())`` tells, read only where it decides) is an inflection of one
    of *roots* (:meth:`Root.accepts`)."""
    return any(r.accepts(word, spellings) for r in roots)


@lru_cache(maxsize=65536)
def _listed_readings(word: str, typed: bool, wide: bool) -> tuple[tuple[Root, ...], Root | None]:
    """*word* as a root of the list (noun, verb or both; a verb also typed with -mak/-mek
    when *typed*), read once a word: the readings, and the reading to add when the texts
    hold *word* (at least :data:`MIN_VOCABULARY_ROOT` letters), or None."""
    if typed and word.endswith(("mak", "mek")) and len(word) > 4:
        flags = root_flags(word[:-3])
        if flags and "v" in flags:
            return (_root(word[:-3], flags, True),), None
    flags = root_flags(word)
    if flags is None:
        return (), _root(word, None, False)
    if "n" in flags:
        return (_root(word, flags, False),) + (
            (_root(word, flags, True),) if wide and "v" in flags else ()), None
    return (_root(word, flags, True),), _root(word, flags, False)


@lru_cache(maxsize=65536)
def _root(word: str, flags: str | None, verb: bool) -> Root:
    """One :class:`Root` for each (word, flags, verb): a root never changes once made."""
    return Root(word, flags, verb)


@lru_cache(maxsize=65536)
def _listed_behind(head: str) -> tuple[Root | None, list[Root]]:
    """The roots whose form before a suffix may be *head* beyond its own readings, read
    once a head: (an unlisted root *head* may be softened from, if the texts hold it;
    the listed roots changed into *head*: softened, doubled, their last vowel dropped)."""
    out, last, unlisted = [], head[-1], None
    hard = _HARD.get(last)
    if hard:
        flags = root_flags(head[:-1] + hard)
        if flags and ("V" in flags or "U" in flags):
            out.append(_root(head[:-1] + hard, flags, "n" not in flags))
        elif flags is None:
            root = _root(head[:-1] + hard, None, False)
            if head in (form for form, _, _ in root.forms):
                unlisted = root
    if len(head) > 2 and head[-2] == last:
        flags = root_flags(head[:-1])
        if flags and "W" in flags:
            out.append(_root(head[:-1], flags, False))
    if len(head) > 1 and head[-2] not in VOWELS and last not in VOWELS:
        for v in "aeiou":
            flags = root_flags(head[:-1] + v + last)
            if flags and "D" in flags:
                out.append(_root(head[:-1] + v + last, flags, False))
    return unlisted, tuple(out)


_HARD = {v: k for k, v in SOFT.items()}
#: The context after a head, by its last letter: any harmony (its vowels not looked up).
_ANY_HARMONY = {c: (_sound(c), "x", 2) for c in "abcdefghijklmnopqrstuvwxyz"}


def _head_lengths(word: str, among: frozenset[str] | None = None) -> list[int]:
    """The lengths of *word*'s heads :func:`roots_of` reads, longest first; with *among*, only
    those :func:`_plan` may find one of them behind (a root's length -1 to +1)."""
    if among is None:
        return list(range(len(word) - 1, 1, -1))
    return sorted({k for root in among for k in range(len(root) - 1, len(root) + 2)
                   if 1 < k < len(word) and root.startswith(word[: k - 1])}, reverse=True)
