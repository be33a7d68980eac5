"""Ranking quality on the development queries: searcher vs SQLite FTS5 vs plain Whoosh.

    python benchmarks/quality.py [--queries benchmarks/dev.jsonl ...] [--texts texts] [-v]
                                 [--opensearch URL]

With ``--opensearch URL`` the texts are also loaded into an index on that
OpenSearch cluster (``searcher index --opensearch``; dropped afterwards) and the
same queries run through it beside the local engine.

Scoring follows benchmarks/QUERIES.md: a returned passage is relevant when, after
folding both, it contains one of the query's relevant strings (grade 2 or 1).
Measures at k = 10: success@1, MRR, recall@10, nDCG@10 (gains 2/1), and for
negative queries the mean number of hits returned.  All three systems search the
same passages (searcher's segmentation), so only the ranking differs.

The reference systems read word queries as all words required (AND).  A question
(type ``question``) is no list of required words, so for questions they get the
reading that suits them: any word (OR), FTS5 with 5-letter prefixes (``imzal*``);
so does a negative marked ``"question": true``.  ``empty`` counts the queries
with a relevant passage that got no hit at all.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searcher import Searcher  # noqa: E402
from searcher.text.normalize import GLYPH_TABLE  # noqa: E402
from searcher.text.turkish import fold as fold_word  # noqa: E402
from searcher.text.turkish import lower  # noqa: E402

K = 10


GLYPHS = str.maketrans(GLYPH_TABLE)


def fold(text: str) -> str:
    """The scoring fold of the query README: glyphs, Turkish lower, no diacritics/punctuation."""
    text = fold_word(lower(text.translate(GLYPHS)))
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def grade(passage_folded: str, relevant: dict[str, int]) -> int:
    return max((g for s, g in relevant.items() if fold(s) in passage_folded), default=0)


# ------------------------------------------------------------------ systems


def fts5_query(query: str, question: bool = False) -> str:
    """The query as FTS5 reads it: words quoted (AND), "phrases" kept as phrases;
    a question: any word, by its first five letters (OR)."""
    parts = re.split(r"[\"“”]", query)
    terms = []
    for i, part in enumerate(parts):
        words = re.findall(r"\w+", part)
        if i % 2 and words:
            terms.append('"' + " ".join(words) + '"')
        elif question:
            terms += [f'"{w[:5]}"*' if len(w) >= 5 else f'"{w}"' for w in words]
        else:
            terms += [f'"{w}"' for w in words]
    return (" OR " if question else " ").join(terms)


class SearcherSystem:
    name = "searcher"

    def __init__(self, texts: Path, workdir: Path, semantic: bool | None = None,
                 index: Path | None = None) -> None:
        index = index or workdir / "searcher-index"
        if semantic:
            from searcher.backends.local.build import update

            update(texts, index, semantic=True)
            self.name = "searcher+vectors"
        self.semantic = semantic
        self.s = Searcher(index_dir=index, texts_dir=texts)
        self.passages = {(p.doc, p.number): p.text for p in self.s.passages()}

    def search(self, query: str, kind: str = "") -> list[tuple[str, int]]:
        hits = self.s.search(query, K, context=0, semantic=None if self.semantic else False)
        return [(h.doc, h.passage) for h in hits]


class OpenSearchSystem:
    """searcher's OpenSearch backend: the same texts loaded into a throwaway index."""

    name = "searcher-opensearch"

    def __init__(self, texts: Path, url: str, replicas: int = 0, semantic: bool = False
                 ) -> None:
        from searcher.backends.opensearch.load import update

        self.url = url
        self.index_name = f"quality-{int(time.time())}"
        update(texts, url, self.index_name, replicas=replicas,  # 0: a one-node cluster too
               semantic=semantic)
        if semantic:
            self.name = "searcher-opensearch+vectors"
        self.s = Searcher(opensearch=url, index_name=self.index_name, texts_dir=texts)

    def search(self, query: str, kind: str = "") -> list[tuple[str, int]]:
        return [(h.doc, h.passage) for h in self.s.search(query, K, context=0)]

    def close(self) -> None:
        self.s.cluster.client.indices.delete(index=f"{self.index_name}-*")
        self.s.close()


class FTS5System:
    """SQLite FTS5, unicode61 tokenizer with diacritics removed, bm25 ranking."""

    name = "sqlite-fts5"

    def __init__(self, passages: dict[tuple[str, int], str]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE p USING fts5(doc UNINDEXED, number UNINDEXED, text, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO p VALUES (?, ?, ?)", [(d, n, t) for (d, n), t in passages.items()]
        )

    def search(self, query: str, kind: str = "") -> list[tuple[str, int]]:
        terms = fts5_query(query, question=kind == "question")
        if not terms:
            return []
        sql = "SELECT doc, number FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?"
        try:
            return [(d, int(n)) for d, n in self.db.execute(sql, (terms, K))]
        except sqlite3.OperationalError:
            return []


def whoosh_searcher(passages: dict[tuple[str, int], str], folder: Path, analyzer):
    """A Whoosh searcher over *passages*, one document each, with *analyzer* on ``text``
    (positions kept, as Whoosh's TEXT field does by default)."""
    from whoosh import index
    from whoosh.fields import ID, NUMERIC, TEXT, Schema

    schema = Schema(doc=ID(stored=True), number=NUMERIC(stored=True),
                    text=TEXT(analyzer=analyzer))
    folder.mkdir()
    ix = index.create_in(str(folder), schema)
    w = ix.writer()
    for (doc, n), t in passages.items():
        w.add_document(doc=doc, number=n, text=t)
    w.commit()
    return ix.searcher()


class WhooshSystem:
    """Plain Whoosh: default tokenizer and lower-casing plus a Snowball Turkish stem filter."""

    name = "whoosh-snowball"

    def __init__(self, passages: dict[tuple[str, int], str], workdir: Path) -> None:
        from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
        from whoosh.qparser import OrGroup, QueryParser

        from searcher.text.turkish import stem  # Snowball Turkish, nothing more

        analyzer = RegexTokenizer() | LowercaseFilter() | StemFilter(stemfn=stem)
        self.searcher = whoosh_searcher(passages, workdir / "whoosh-plain", analyzer)
        self.parser = QueryParser("text", self.searcher.schema)
        self.any_word = QueryParser("text", self.searcher.schema, group=OrGroup)

    def search(self, query: str, kind: str = "") -> list[tuple[str, int]]:
        parser = self.any_word if kind == "question" else self.parser
        try:
            q = parser.parse(query.replace("“", '"').replace("”", '"'))
        except Exception:
            return []
        return [(h["doc"], h["number"]) for h in self.searcher.search(q, limit=K)]


# ------------------------------------------------------------------ scoring


def evaluate(system, queries, folded, verbose=False):
    per_type: dict[str, list[dict]] = defaultdict(list)
    latencies = []
    for q in queries:
        t0 = time.perf_counter()
        # a negative that is a question is read as one by the reference systems too
        results = system.search(q["query"], "question" if q.get("question") else q["type"])
        latencies.append(time.perf_counter() - t0)
        rel = q["relevant"]
        if not rel:
            per_type[q.get("group", q["type"])].append({"hits": len(results)})
            if verbose:
                print(f"  {system.name:16} {q['id']} {q['query']!r}: {len(results)} hits")
            continue
        grades = [grade(folded[r], rel) for r in results[:K]]
        all_grades = sorted((g for g in (grade(f, rel) for f in folded.values()) if g),
                            reverse=True)
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(grades))
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(all_grades[:K]))
        first = next((i for i, g in enumerate(grades) if g), None)
        m = {
            "empty": 0.0 if results else 1.0,
            "s1": 1.0 if grades and grades[0] else 0.0,
            "mrr": 1.0 / (first + 1) if first is not None else 0.0,
            "recall": sum(1 for g in grades if g) / len(all_grades) if all_grades else 0.0,
            "ndcg": dcg / idcg if idcg else 0.0,
        }
        per_type[q.get("group", q["type"])].append(m)
        if verbose and (m["s1"] < 1 or m["ndcg"] < 0.9):
            print(f"  {system.name:16} {q['id']} {q['query']!r}: s@1={m['s1']:.0f} "
                  f"ndcg={m['ndcg']:.2f} grades={grades} relevant={len(all_grades)}")
    return per_type, latencies


def summarise(per_type):
    rows = {}
    everything = []
    for t, ms in sorted(per_type.items()):
        if "hits" in ms[0]:
            rows[t] = {"n": len(ms), "hits": sum(m["hits"] for m in ms) / len(ms)}
        else:
            rows[t] = {"n": len(ms), **{k: sum(m[k] for m in ms) / len(ms)
                                       for k in ("s1", "mrr", "recall", "ndcg")},
                       "empty": int(sum(m["empty"] for m in ms))}
            everything += ms
    if not everything:  # negatives only
        return rows
    rows["ALL"] = {"n": len(everything), **{k: sum(m[k] for m in everything) / len(everything)
                                           for k in ("s1", "mrr", "recall", "ndcg")},
                   "empty": int(sum(m["empty"] for m in everything))}
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=Path, nargs="+", default=[ROOT / "benchmarks" / "dev.jsonl"],
                    help="query files (JSONL), scored together")
    ap.add_argument("--texts", type=Path, default=ROOT / "texts")
    ap.add_argument("-v", "--verbose", action="store_true", help="show weak queries")
    ap.add_argument("--opensearch", metavar="URL",
                    help="also run the queries through searcher on this OpenSearch cluster")
    ap.add_argument("--semantic", action="store_true",
                    help="searcher with vectors (searcher index --semantic) beside words only")
    ap.add_argument("--index", type=Path, metavar="DIR",
                    help="keep searcher's index here (reused: its vectors are built once)")
    ap.add_argument("--replicas", type=int, default=0,
                    help="replicas of the throwaway index (default 0: a one-node cluster too)")
    args = ap.parse_args(argv)
    queries = [json.loads(x) for f in args.queries
               for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    if len(args.queries) > 1:  # several files: a row per file and type
        at = 0
        for f in args.queries:
            n = sum(1 for x in f.read_text(encoding="utf-8").splitlines() if x.strip())
            for q in queries[at:at + n]:
                q["group"] = f"{f.stem}/{q['type']}"
            at += n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours = SearcherSystem(args.texts, work, args.semantic, args.index)
        passages = ours.passages
        folded = {k: fold(t) for k, t in passages.items()}
        systems = [ours, FTS5System(passages), WhooshSystem(passages, work)]
        if args.semantic:
            systems.insert(1, SearcherSystem(args.texts, work, False, args.index))
        if args.opensearch:
            systems.insert(1, OpenSearchSystem(args.texts, args.opensearch, args.replicas,
                                               args.semantic))
        results = {}
        try:
            for system in systems:
                per_type, lat = evaluate(system, queries, folded, args.verbose)
                results[system.name] = (summarise(per_type), sorted(lat))
        finally:
            for system in systems:
                if isinstance(system, SearcherSystem):
                    system.s.close()
            if args.opensearch:
                systems[1].close()

    print(f"# Quality on {', '.join(f.name for f in args.queries)} ({len(queries)} queries, "
          f"{len(passages)} passages, k={K})\n")
    types = list(results[ours.name][0])
    print("| type | n | system | success@1 | MRR | recall@10 | nDCG@10 | empty | mean hits |")
    print("|---|---|---|---|---|---|---|---|---|")
    for t in types:
        for name, (rows, _) in results.items():
            r = rows[t]
            if "hits" in r:
                print(f"| {t} | {r['n']} | {name} | | | | | | {r['hits']:.2f} |")
            else:
                print(f"| {t} | {r['n']} | {name} | {r['s1']:.2f} | {r['mrr']:.2f} | "
                      f"{r['recall']:.2f} | {r['ndcg']:.3f} | {r['empty']} | |")
    print()
    for name, (_, lat) in results.items():
        print(f"{name}: latency p50 {lat[len(lat) // 2] * 1000:.2f} ms "
              f"(includes first-query warm-up)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
