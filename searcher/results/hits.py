"""Stage 6 (results): the values a search returns -- hits and their snippets.

Frozen dataclasses that cross into users' scripts, the CLI and JSON output;
:class:`~searcher.text.document.Footnote` is re-exported here as part of a hit.
"""

from __future__ import annotations

from dataclasses import dataclass

from searcher.text.document import Footnote


@dataclass(frozen=True)
class Snippet:
    """The best fragment of a passage; ``highlights`` are spans in ``text``."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()
    start: int = 0  # offset of ``text`` in the passage (before any leading ellipsis)

    def __str__(self) -> str:
        return self.text

    def marked(self, open_: str = "[", close: str = "]") -> str:
        """The fragment with every match wrapped in *open_* / *close*."""
        out, last = [], 0
        for s, e in self.highlights:
            out += [self.text[last:s], open_, self.text[s:e], close]
            last = e
        out.append(self.text[last:])
        return "".join(out)

    def to_dict(self) -> dict:
        return {"text": self.text, "highlights": [list(h) for h in self.highlights]}


@dataclass(frozen=True)
class Hit:
    """One ranked passage.  ``line``/``page`` are where the first match is: ``page``
    the physical page (1..N), ``page_label`` the number printed on it (a PDF's page
    label: ``"101"``, ``"xii"``; else the physical number as text), the one to cite.

    ``match`` says how it matched the query's quotation: ``"exact"`` (word for
    word), ``"inflected"`` (the same words in other inflections), ``"near"`` (a word
    left out or added, or another order), or ``"words"`` (a query without quotation).
    Hits come best tier first, so a first hit that is not ``"exact"`` means the
    quotation occurs nowhere word for word.

    ``words_held``: for a question ranked by the words that match, how many of its
    content words (:attr:`Results.question_words`) the passage holds; else None.
    """

    rank: int
    score: float
    doc: str
    passage: int
    line: int
    line_start: int
    line_end: int
    page: int
    section: str
    text: str
    snippet: Snippet
    highlights: tuple[tuple[int, int], ...]
    footnotes: tuple[Footnote, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    match: str = "words"
    words_held: int | None = None
    page_label: str = ""

    def __post_init__(self) -> None:
        if not self.page_label:
            object.__setattr__(self, "page_label", str(self.page))

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc": self.doc,
            "passage": self.passage,
            "line": self.line,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "page": self.page,
            "page_label": self.page_label,
            "section": self.section,
            "text": self.text,
            "snippet": self.snippet.to_dict(),
            "highlights": [list(h) for h in self.highlights],
            "footnotes": [f.to_dict() for f in self.footnotes],
            "before": list(self.before),
            "after": list(self.after),
            "match": self.match,
            **({} if self.words_held is None else {"words_held": self.words_held}),
        }


class Results(list):
    """The hits of a search, best first (a plain list of :class:`Hit`), and what the
    search did with the query.

    ``corrections`` maps each query word that matched nothing to the spellings of
    the near words searched instead (``{"gorvulan": ("görülen", "görülmez")}``);
    empty when every word was found as typed.  ``question`` is the
    :class:`~searcher.query.question.Question` the query asked, or None.
    ``not_in_texts``: the words of a question that no text holds, as typed; they
    were left out (``("esirlerini",)``).  ``question_words``: the content words a
    question was searched for, as typed (a hit's ``words_held`` counts among them).
    """

    def __init__(self, hits=(), *, corrections: dict | None = None, question=None,
                 not_in_texts: tuple = (), question_words: tuple = ()) -> None:
        super().__init__(hits)
        self.corrections: dict[str, tuple[str, ...]] = dict(corrections or {})
        self.question = question
        self.not_in_texts: tuple[str, ...] = tuple(not_in_texts)
        self.question_words: tuple[str, ...] = tuple(question_words)

    def _like(self, hits) -> Results:
        return Results(hits, corrections=self.corrections, question=self.question,
                       not_in_texts=self.not_in_texts, question_words=self.question_words)

    def __getitem__(self, index):
        """A hit, or for a slice the hits as :class:`Results` that keep what the search
        did with the query (``hits[:3].corrections``)."""
        found = super().__getitem__(index)
        return self._like(found) if isinstance(index, slice) else found

    def copy(self) -> Results:
        return self._like(self)

    def __copy__(self) -> Results:
        return self._like(self)

    def __add__(self, other) -> Results:
        return self._like(list.__add__(self, other))


__all__ = ["Footnote", "Hit", "Results", "Snippet"]
