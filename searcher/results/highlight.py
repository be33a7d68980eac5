"""Stage 5 (engine): which words of a passage matched, and the snippet around them.

Highlighting compares each word of a passage with the query's clauses through the
same analysis as the index (folded word, Snowball stem, 5-letter prefix), so a
word is marked exactly when it could have matched.  A regex of candidate words
(by their first folded letters) keeps this off the whole passage's tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from searcher.query.parse import _FOLDED_STOP_WORDS, Clause, clause_parts
from searcher.results.hits import Hit, Snippet
from searcher.text import tokens, turkish

SNIPPET_CHARS = 240

Token = tuple[int, int, str, str]  # start, end, folded word, stem term ("" for stop words)


def passage_tokens(text: str) -> tuple[Token, ...]:
    """Every word of a passage with the forms highlighting compares against."""
    forms = _word_forms
    return tuple((m.start(), m.end(), *forms(m.group())) for m in _TOKEN_FINDITER(text))


_TOKEN_FINDITER = tokens.TOKEN_RE.finditer
_TOKEN_FINDALL = tokens.TOKEN_RE.findall
_TOKEN_SEARCH = tokens.TOKEN_RE.search


@lru_cache(maxsize=1)
def _first_letter_classes() -> dict[str, str]:
    """folded letter -> every Latin character that folds to it (any case)."""
    ranges = [(0x30, 0x3A), (0x41, 0x5B), (0x61, 0x7B), (0xC0, 0x250), (0x1E00, 0x1F00)]
    chars = "".join(
        ch for lo, hi in ranges for ch in map(chr, range(lo, hi)) if ch.isalnum()
    )
    classes: dict[str, list[str]] = {}
    for ch, key in zip(chars, turkish.first_folded(chars), strict=True):
        classes.setdefault(key, []).append(ch)
    return {k: "".join(v) for k, v in classes.items()}


@lru_cache(maxsize=256)
def _candidate_words(starts: frozenset[str]) -> re.Pattern | None:
    """A regex for the tokens whose folded form starts with one of *starts* (one or
    two letters), cut exactly as TOKEN_RE cuts them; None when a letter is not Latin."""
    classes = _first_letter_classes()
    if not starts or not all(c in classes and c.isascii() for st in starts for c in st):
        return None
    # the first letter comes first so the regex engine can skip to where it occurs;
    # the look-behinds then check that it starts a word (not after a letter or a
    # letter and an apostrophe), as TOKEN_RE would cut it
    heads = "|".join(
        f"[{re.escape(classes[st[0]])}](?<!\\w.)(?<!\\w'.)"
        + "".join(f"[{re.escape(classes[c])}]" for c in st[1:])
        for st in sorted(starts)
    )
    return re.compile(rf"(?:{heads})\w*(?:'\w+)*")


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    """Spans where *word* stands in *text* as a whole token (as TOKEN_RE cuts it)."""
    out = []
    n, size = len(text), len(word)
    i = text.find(word)
    while i != -1:
        j = i + size
        before = i > 0 and (
            _is_word(text[i - 1]) or (text[i - 1] == "'" and i > 1 and _is_word(text[i - 2]))
        )
        after = j < n and (
            _is_word(text[j]) or (text[j] == "'" and j + 1 < n and _is_word(text[j + 1]))
        )
        if not before and not after:
            out.append((i, j))
        i = text.find(word, i + 1)
    return out


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char) == "Mn"


@lru_cache(maxsize=131072)
def _word_forms(word: str) -> tuple[str, str]:
    """(folded word, stem term or "" for a stop word) of a word as written."""
    w = tokens.surface(word)
    return turkish.fold(w), ("" if w in turkish.STOP_WORDS else tokens.stem_term(w))


class Highlighter:
    """Marks the words of passages that matched a query's clauses (built once a query)."""

    def __init__(self, clauses: list[Clause]) -> None:
        exacts: set[str] = set()
        prefixes: set[str] = set()
        stems: set[str] = set()
        self.phrases = []
        for c in (part for clause in clauses for part in clause_parts(clause)):
            if c.slots:  # a quotation in a lower tier: its words in any inflection
                for slot in c.slots:  # (stop words, only an "exact" term, are not marked)
                    stems.update(t for f, t in slot if f == "stem")
                    prefixes.update(t for f, t in slot if f == "prefix")
                    if c.slop is not None:  # a proximity's words, as written
                        exacts.update(t for f, t in slot
                                      if f == "exact" and t not in _FOLDED_STOP_WORDS)
                    elif len(slot) > 1:  # an inflection the grammar accepted
                        exacts.update(t for f, t in slot if f == "exact")
            elif c.slop is not None:
                exacts.update(t for t in c.exact if t not in _FOLDED_STOP_WORDS)
            elif c.kind == "phrase":
                self.phrases.append(c.exact)
            else:
                exacts |= c.exacts
                prefixes |= c.prefixes
                stems |= c.stems
        self.exacts, self.prefixes, self.stems = exacts, prefixes, stems
        self.any_words = bool(exacts or stems)
        self.firsts = {exact[0] for exact in self.phrases}
        # a regex finds the words that can match (by their first two folded letters)
        # or start a phrase; each is then checked as the token path would check it
        starts = {t[:2] for t in exacts | prefixes | stems} | {f[:2] for f in self.firsts}
        self.candidates = _candidate_words(frozenset(starts))

    def matches(self, folded: str, stem: str) -> bool:
        return (
            folded in self.exacts
            or folded[: tokens.PREFIX_LENGTH] in self.prefixes
            or bool(stem and stem in self.stems)
        )

    def __call__(
        self, text: str, tokens: tuple[Token, ...] | None = None
    ) -> list[tuple[int, int]]:
        """Character spans of *text* that matched, in order, overlaps merged.

        *tokens* (:func:`passage_tokens`) forces the reference path that compares
        every word of the passage; the tests check the fast paths against it."""
        if tokens is None and self.candidates is not None:
            spans = self._candidate_spans(text)
        elif tokens is None and not self.phrases:
            spans = []
            for word in set(_TOKEN_FINDALL(text)) if self.any_words else ():
                if self.matches(*_word_forms(word)):
                    spans += _occurrences(text, word)
        else:
            spans = self._token_spans(passage_tokens(text) if tokens is None else tokens)
        return _merged(spans)


    def _candidate_spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in self.candidates.finditer(text):
            folded, stem = _word_forms(m.group())
            if self.any_words and self.matches(folded, stem):
                spans.append(m.span())
            if folded in self.firsts:
                for exact in self.phrases:
                    end = _phrase_end(text, m.end(), exact[1:]) if exact[0] == folded else None
                    if end is not None:
                        spans.append((m.start(), end))
        return spans

    def _token_spans(self, words: tuple[Token, ...]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for exact in self.phrases:
            n, first = len(exact), exact[0]
            for i in range(len(words) - n + 1):
                if words[i][2] == first and tuple(w[2] for w in words[i : i + n]) == exact:
                    spans.append((words[i][0], words[i + n - 1][1]))
        if self.any_words:
            spans += [(s, e) for s, e, f, stem in words if self.matches(f, stem)]
        return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """*spans* in order, overlaps merged."""
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


class ClauseMarks:
    """Each clause's spans in a text, as ``[Highlighter([c])(text) for c in clauses]``
    gives them, in one pass over the words that can match any (a question's re-rank
    marks ~20 passages clause by clause).  Where a word found there starts a token,
    whether a clause's own candidate regex finds it depends on the word alone, so
    which clauses a word matches is worked out once a query."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.marks = [Highlighter([c]) for c in clauses]
        words = all(m.candidates is not None and not m.phrases for m in self.marks)
        starts = {t[:2] for m in self.marks for t in m.exacts | m.prefixes | m.stems}
        self.candidates = _candidate_words(frozenset(starts)) if words and starts else None
        self._clauses_of: dict[str, tuple[int, ...]] = {}

    def __call__(self, text: str) -> list[list[tuple[int, int]]]:
        if self.candidates is None:
            return [m(text) for m in self.marks]
        out: list[list[tuple[int, int]]] = [[] for _ in self.marks]
        known = self._clauses_of
        for found in self.candidates.finditer(text):
            word = found.group()
            which = known.get(word)
            if which is None:
                which = known[word] = self._matching(word)
            for i in which:
                out[i].append(found.span())
        return [_merged(spans) for spans in out]

    def _matching(self, word: str) -> tuple[int, ...]:
        folded, stem = _word_forms(word)
        return tuple(i for i, m in enumerate(self.marks) if m.any_words
                     and m.matches(folded, stem) and m.candidates.fullmatch(word))


def _phrase_end(text: str, pos: int, rest: tuple[str, ...]) -> int | None:
    """Where the phrase ends if the words after *pos* are *rest* (folded), else None."""
    for word in rest:
        m = _TOKEN_SEARCH(text, pos)
        if m is None or _word_forms(m.group())[0] != word:
            return None
        pos = m.end()
    return pos


def highlight_spans(
    text: str, clauses: list[Clause], tokens: tuple[Token, ...] | None = None
) -> list[tuple[int, int]]:
    """Character spans of *text* that matched the query's clauses, in order."""
    return Highlighter(clauses)(text, tokens)


def make_snippet(
    text: str,
    spans: list[tuple[int, int]],
    width: int = SNIPPET_CHARS,
    focus: tuple[int, int] | None = None,
    anchored: bool = False,
) -> Snippet:
    """The window of about *width* characters holding the most matches, or, given a
    *focus* sentence (where a question's answer is), the window opening with it
    (*anchored*: at its very start, even where that leaves the window short)."""
    if len(text) <= width:
        return Snippet(text, tuple(spans), 0)
    if focus is not None:
        start = _focus_start(spans, focus, width)
    else:
        best, best_count = 0, -1
        for i, (s, _) in enumerate(spans):
            count = sum(1 for s2, e2 in spans[i:] if e2 <= s + width)
            if count > best_count:
                best, best_count = s, count
        start = max(0, best - width // 4)
        if spans:
            # centre the run of matches in the window
            last = (
                max(e for s, e in spans if s >= best and e <= best + width) if best_count else best
            )
            start = max(0, min(best, (best + last) // 2 - width // 2))
    if anchored and focus is not None:
        start = focus[0]
    end = min(len(text), start + width)
    start = max(0, end - width) if end == len(text) and not anchored else start
    if start > 0 and not text[start - 1].isspace():
        sp = text.find(" ", start, start + 30)
        start = sp + 1 if sp != -1 else start
    if end < len(text):
        sp = text.rfind(" ", end - 30, end)
        end = sp if sp > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inner = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(prefix + text[start:end] + suffix, inner, start)


def _focus_start(spans: list[tuple[int, int]], focus: tuple[int, int], width: int) -> int:
    """Where a snippet of *width* opens to show the *focus* sentence: at its start
    when it fits, else with the sentence's matches centred."""
    s0, s1 = focus
    inside = [(s, e) for s, e in spans if s0 <= s < s1]
    if s1 - s0 <= width or not inside:
        return s0
    first, last = inside[0][0], inside[-1][1]
    return max(s0, min(first, (first + last) // 2 - width // 2))


def make_hit(
    p, rank: int, score: float, highlighter: Highlighter, match: str,
    focus: tuple[int, int] | None = None, before: tuple = (), after: tuple = (),
    held: int | None = None,
) -> Hit:
    """The :class:`~searcher.results.hits.Hit` of passage *p* (a Passage), for either backend:
    its matches marked, its line and page those of the first match (of the *focus*
    sentence's first match, for a question), the snippet around them."""
    spans = highlighter(p.text)
    first = spans[0][0] if spans else 0
    if focus is not None:  # where the answer is: the focus sentence's first match
        inside = (focus[0],) if match == "semantic" else ()  # found by meaning: its start
        first = next((s for s, _ in spans if focus[0] <= s < focus[1]), (*inside, first)[0])
    return Hit(
        rank=rank,
        score=score,
        doc=p.doc,
        passage=p.number,
        line=p.line_at(first),
        line_start=p.line_start,
        line_end=p.line_end,
        page=p.page_at(first),
        page_label=p.label_at(first),
        section=p.section,
        text=p.text,
        snippet=make_snippet(p.text, spans, focus=focus, anchored=match == "semantic"),
        highlights=tuple(spans),
        footnotes=p.footnotes,
        before=before,
        after=after,
        match=match,
        words_held=held,
    )
