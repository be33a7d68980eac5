"""Operator queries: ranking quality on both backends, and a check that no hit breaks an operator.

    python benchmarks/operators.py [--queries benchmarks/operators.jsonl] [--texts texts]
                                   [--opensearch URL] [-v]

The queries (``benchmarks/operators.jsonl``) are graded like the development set
(benchmarks/QUERIES.md); a query may carry ``filters`` (``doc``, ``pages``), passed
to :meth:`searcher.Searcher.search`.  Each backend's hits are scored with
:mod:`quality`'s measures (nDCG@10 and the rest), and every hit is checked against
the query's operators and filters by rules written here, at the level of words,
without the engine:

* a word is held where a word of the passage has the same folded form, Snowball stem
  or first five letters (a word of fewer letters: form or stem), or is its inflection
  by searcher's grammar (:mod:`searcher.query.inflect`), as a search word matches
  (README: "any inflection, case or ASCII spelling"); for ``-word`` the hit must hold
  none of its inflections by the grammar or the same folded form (the stem and prefix
  also join other words the engine rightly leaves alone: ``ermeni``, ``Ermenistan``);
* a phrase is held where its words stand in order, folded, as written;
* ``-word``/``-"a phrase"``: the hit does not hold it; ``+word``: it does; ``A OR B``:
  it holds one of them; ``"a b"~N``: its words stand within ``N`` positions of each
  other in any order -- as written for an ``exact`` hit, in any inflection below,
  and for a ``near`` hit of three words or more all but one of them;
* ``doc``: the document's file name matches a glob; ``pages``: the passage
  overlaps the range.

The exit status is 1 when a hit breaks an operator, or a backend's nDCG@10 is under
:data:`FLOOR`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import K, OpenSearchSystem, SearcherSystem, evaluate, fold, summarise  # noqa: E402

from searcher.query import inflect  # noqa: E402
from searcher.query.operators import read_filters, read_query  # noqa: E402
from searcher.text import tokens, turkish  # noqa: E402
from searcher.text.record import last_page  # noqa: E402

#: The nDCG@10 each backend must reach on the operator queries.
FLOOR = 0.95


def _forms(word: str) -> tuple[str, str | None, str | None]:
    w = tokens.surface(word)
    f = turkish.fold(w)
    stem = None if w in turkish.STOP_WORDS else tokens.stem_term(w)
    return f, stem, f[: tokens.PREFIX_LENGTH] if len(f) >= tokens.PREFIX_LENGTH else None


def words(text: str) -> list[tuple[str, str | None, str | None]]:
    """Each word of *text*: its folded form, stem and first five letters."""
    return [_forms(t) for t in tokens.TOKEN_RE.findall(text)]


def where(text_words, word: str, written: bool = False, strict: bool = False) -> set[int]:
    """Positions where *word* stands in the passage, in any inflection (or as
    *written*: the same folded form; *strict*: the same form or an inflection the
    grammar accepts, no stem or prefix)."""
    f, stem, prefix = _forms(word)
    roots = inflect.roots_of(f)
    return {i for i, (tf, ts, tp) in enumerate(text_words)
            if tf == f or (not written and (
                inflect.accepts(roots, tf)
                or not strict and ((stem and ts == stem) or (prefix and tp == prefix))))}


def has_phrase(text_words, phrase: str) -> bool:
    want = [f for f, _, _ in words(phrase)]
    have = [f for f, _, _ in text_words]
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def within(text_words, phrase: str, slop: int, written: bool, missing: int = 0) -> bool:
    """Whether the words of *phrase* (all but *missing* of them) stand within *slop*
    positions of each other, in any order."""
    ws = tokens.TOKEN_RE.findall(phrase)
    at = [where(text_words, w, written) for w in ws]
    from itertools import combinations

    for keep in combinations(range(len(ws)), len(ws) - missing):
        events = sorted((p, k) for k in keep for p in at[k])
        for i, (p, _) in enumerate(events):
            seen = {k for q, k in events[i:] if q - p <= len(keep) - 1 + slop}
            if len(seen) == len(keep):
                return True
    return False


def holds(text_words, part, strict: bool = False) -> bool:
    if part.kind == "word":
        return all(where(text_words, w, strict=strict) for w in tokens.TOKEN_RE.findall(part.text))
    if part.slop is not None:
        return within(text_words, part.text, part.slop, True)
    return has_phrase(text_words, part.text)


def violations(query: dict, hit, passage) -> list[str]:
    """What the hit breaks of the query's operators and filters (empty: nothing)."""
    ops = read_query(query["query"]).ops
    tw = words(hit.text)
    out = []
    for p in ops.excluded:
        if holds(tw, p, strict=True):
            out.append(f"holds excluded {p.text!r}")
    for p in ops.required:
        if not holds(tw, p):
            out.append(f"lacks required {p.text!r}")
    for group in ops.either:
        if not any(holds(tw, p) for p in group):
            out.append(f"holds none of {' OR '.join(p.text for p in group)}")
    for p in ops.near:
        n = len(tokens.TOKEN_RE.findall(p.text))
        missing = 1 if hit.match == "near" and n >= 3 else 0
        if not within(tw, p.text, p.slop, hit.match == "exact", missing):
            out.append(f"words of {p.text!r} not within {p.slop} ({hit.match})")
    filters = query.get("filters") or {}
    if "doc" in filters:
        globs = [filters["doc"]] if isinstance(filters["doc"], str) else filters["doc"]
        name = hit.doc.casefold()
        if not any(fnmatchcase(name, g.casefold()) or fnmatchcase(name.rsplit(".", 1)[0],
                                                                   g.casefold()) for g in globs):
            out.append(f"document {hit.doc} not {filters['doc']}")
    if "pages" in filters:
        first, last = read_filters(None, filters["pages"], ()).pages
        if passage.page > last or last_page(passage) < first:
            out.append(f"pages {passage.page}-{last_page(passage)} not {filters['pages']}")
    return out


class _Checked:
    """A backend that passes each query's filters and checks every hit it returns."""

    def __init__(self, system, passages, queries) -> None:
        self.system, self.passages = system, passages
        self.name = system.name
        self.by_text = {q["query"]: q for q in queries}
        self.broken: list[str] = []

    def search(self, query: str, kind: str = ""):
        q = self.by_text[query]
        hits = self.system.s.search(query, K, context=0, **(q.get("filters") or {}))
        for h in hits:
            for why in violations(q, h, self.passages[(h.doc, h.passage)]):
                self.broken.append(f"{q['id']} {query!r} -> {h.doc}:{h.line}: {why}")
        return [(h.doc, h.passage) for h in hits]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=Path, default=ROOT / "benchmarks" / "operators.jsonl")
    ap.add_argument("--texts", type=Path, default=ROOT / "texts")
    ap.add_argument("--opensearch", metavar="URL", help="also run them on this cluster")
    ap.add_argument("-v", "--verbose", action="store_true", help="show weak queries")
    args = ap.parse_args(argv)
    queries = [json.loads(x) for x in args.queries.read_text(encoding="utf-8").splitlines()
               if x.strip()]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        local = SearcherSystem(args.texts, Path(tmp))
        passages = {(p.doc, p.number): p for p in local.s.passages()}
        folded = {k: fold(p.text) for k, p in passages.items()}
        systems = [local]
        if args.opensearch:
            systems.append(OpenSearchSystem(args.texts, args.opensearch))
        print(f"# Operator queries ({len(queries)} queries, {len(passages)} passages, k={K})\n")
        print("| system | type | n | success@1 | MRR | recall@10 | nDCG@10 |")
        print("|---|---|---|---|---|---|---|")
        broken = {}
        try:
            for system in systems:
                checked = _Checked(system, passages, queries)
                rows = summarise(evaluate(checked, queries, folded, args.verbose)[0])
                for t, r in rows.items():
                    print(f"| {system.name} | {t} | {r['n']} | {r['s1']:.2f} | {r['mrr']:.2f} | "
                          f"{r['recall']:.2f} | {r['ndcg']:.3f} |")
                failed |= rows["ALL"]["ndcg"] < FLOOR
                broken[system.name] = checked.broken
        finally:
            local.s.close()
            if args.opensearch:
                systems[1].close()
    print()
    for name, found in broken.items():
        print(f"{name}: {len(found)} hits break an operator or filter")
        for line in found:
            print(f"  {line}")
        failed |= bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
