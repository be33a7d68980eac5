"""Stage 5 (query): a root's inflections written out, for an index whose words cannot be listed.

The OpenSearch backend has no vocabulary to read (:mod:`searcher.query.family` decides
against one): the grammar of :mod:`searcher.query.inflect` writes out every form of a
query word's roots with up to :data:`FORMS_DEPTH` suffixes, and those are sent as terms.
"""

from __future__ import annotations

from searcher.query.inflect import VOWELS, Context, Root, _moves
from searcher.query.roots import root_spellings

#: The longest suffix chain :func:`forms` writes out (a cluster has no vocabulary
#: to read: the forms are sent as terms).
FORMS_DEPTH = 3


def forms(roots: tuple[Root, ...], depth: int = FORMS_DEPTH, typed: str = ""
          ) -> frozenset[str]:
    """Every folded form of *roots* with up to *depth* suffixes, as the grammar
    writes them out: what :meth:`Root.inflects` reads, for an index whose words
    cannot be listed (the OpenSearch backend sends them as terms).  A root and one
    letter that is a word of the list is left out as :meth:`Root.accepts` leaves it
    out, the spelling compared being the root's (as *typed*, or as the list writes
    it) with the letter in harmony: ``salı`` is left out for ``sal``, ``atı`` kept
    for ``at`` (the list's ``ati`` is another word)."""
    out: set[str] = set()
    for r in roots:
        written: set[str] = set()
        for form, vowel_next, ctx in r.forms:
            if vowel_next is None:
                continue
            for state in r.states:  # a verb's chains are longer and branch more
                _write(form, state, ctx, depth - (state == "verb"), bool(vowel_next), written)
        spelled = {*root_spellings(r.word), *([typed] if fold_ascii(typed) == r.word else [])}
        out |= {w for w in written if len(w) != len(r.word) + 1
                or r.accepts(w, tuple(_one_letter(x, w[-1]) for x in spelled))}
    return frozenset(out)


def _one_letter(stem: str, letter: str) -> str:
    """*stem* (as written) and one folded letter, as Turkish would write it."""
    vowel = next((c for c in reversed(stem) if c in "aeıioöuü"), "a")
    back = vowel in "aıou"
    if letter == "i":
        letter = "ı" if back else "i"
    elif letter == "u":
        letter = "u" if back else "ü"
    return stem + letter


def fold_ascii(word: str) -> str:
    """:func:`searcher.text.turkish.fold` of a lower-case Turkish word, without its import."""
    return word.translate(_FOLD)


_FOLD = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def _write(word: str, state: str, ctx: Context, depth: int, vowel_next: bool,
           out: set[str]) -> None:
    if not vowel_next:
        out.add(word)
    if depth == 0:
        return
    for moves in _moves(state, ctx).values():
        for form, following, after in moves:
            if vowel_next and form[:1] not in VOWELS:
                continue
            _write(word + form, following, after, depth - 1, False, out)
