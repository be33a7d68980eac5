"""Stage 5 (engine): the reading tools on a searcher -- ``concordance`` and ``dispersion``.

:class:`ReadingTools` is mixed into both backends' searchers.  Only the methods
are here: the work, and the values they return, are :mod:`searcher.concordance`,
imported the first time a tool is used, so that a plain ``searcher search`` does
not load it (its four value types cost ~1.5 ms of the command's start-up).
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (1.5 ms)
if TYPE_CHECKING:
    from .concordance import Dispersion, KwicLine, Occurrences

#: Characters of context on each side of a concordance line, by default.
DEFAULT_WIDTH = 40


class ReadingTools:
    """The reading tools of :class:`~searcher.engine.Searcher`, which mixes them in.

    They use what a Searcher has: its lock, :meth:`parse` (which brings the index up
    to date) and the open index's clause scorer, passage reader and manifest; the
    OpenSearch searcher has its own :meth:`_occurrences`."""

    def concordance(
        self, query: str, *, width: int = DEFAULT_WIDTH, sort: str = "position",
        phrase: bool = False,
    ) -> list[KwicLine]:
        """Every occurrence of *query* in context, one line each: a concordance
        (key word in context).  See :func:`~searcher.concordance.kwic_lines` for
        *width* and *sort*."""
        from .concordance import kwic_lines

        return kwic_lines(self._occurrences(query, phrase), width, sort)

    def dispersion(self, query: str, *, phrase: bool = False) -> Dispersion:
        """How often *query* occurs on each page of each document."""
        from .concordance import page_dispersion

        return page_dispersion(self._occurrences(query, phrase))

    def _occurrences(self, query: str, phrase: bool) -> Occurrences:
        from .concordance import find_occurrences

        with self._lock:
            clauses = self.parse(query, phrase=phrase)
            return find_occurrences(
                query, clauses, self._scorer, self._passages, self._manifest)
