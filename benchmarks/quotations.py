"""Misremembered quotations: searcher vs an Elasticsearch-like stemmed phrase query.

    python benchmarks/quotations.py [--seed 12] [--per-kind 60] [--texts texts] [-v]
                                    [--dump FILE]

The set is generated (seeded, so every run with the same seed and texts gets the
same queries) from the text's own quotations, the passages inside “...” or "...":
a window of 3 to 8 of a quotation's words, then (a changed window whose words
stand somewhere in the texts as typed is left out: that is not misremembering)

* ``verbatim``   the words as written;
* ``inflect1``   one word replaced by another word of the texts with the same
  (Snowball) stem, an inflection the corpus itself uses;
* ``inflect2``   two words so replaced;
* ``drop``       one inner word left out (windows of 4 words or more);
* ``ascii``      one word re-inflected and the whole quotation typed in ASCII.

A query succeeds when its first hit contains the source window (both folded as in
benchmarks/quality.py).  The reference is what ``match_phrase`` over
Elasticsearch's Turkish analyzer does, built with plain Whoosh: a field with
positions analysed by Turkish lower case, the apostrophe filter and Snowball
Turkish, searched with a ``Phrase`` query (stop words kept, so a phrase still
needs them where Elasticsearch would leave a gap).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import fold, whoosh_searcher  # noqa: E402

from searcher import Searcher, load_passages  # noqa: E402
from searcher.text.tokens import TOKEN_RE, surface  # noqa: E402
from searcher.text.turkish import STOP_WORDS, lower, stem  # noqa: E402
from searcher.text.turkish import fold as fold_word  # noqa: E402

KINDS = ("verbatim", "inflect1", "inflect2", "drop", "ascii")
_QUOTED = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")
MIN_WORDS, MAX_WORDS = 3, 8


def quotations(texts: Path) -> tuple[list[list[str]], list[str]]:
    """Every quotation of the texts, as its words (tokens as written), and every
    passage folded."""
    out, folded = [], []
    for path in sorted(texts.glob("*.txt")):
        for p in load_passages(path):
            folded.append(_as_typed(p.text))
            for m in _QUOTED.finditer(p.text):
                words = TOKEN_RE.findall(m.group(1) or m.group(2))
                if len(words) >= MIN_WORDS:
                    out.append(words)
    return out, folded


def _as_typed(text: str) -> str:
    """Words as a phrase matches them word for word: folded, suffixes after ' dropped."""
    return " " + " ".join(fold_word(surface(w)) for w in TOKEN_RE.findall(text)) + " "


def _key(word: str) -> str:
    return stem(surface(word))


def inflections(texts: Path) -> dict[str, list[str]]:
    """Snowball stem -> the words of the texts (no apostrophe) with that stem."""
    groups: dict[str, set[str]] = defaultdict(set)
    for path in sorted(texts.glob("*.txt")):
        for p in load_passages(path):
            for w in TOKEN_RE.findall(p.text):
                if w.isalpha() and len(w) > 2:
                    groups[_key(w)].add(lower(w))
    return {k: sorted(v) for k, v in groups.items() if len(v) > 1}


def _replaceable(words: list[str], forms: dict[str, list[str]]) -> list[int]:
    return [
        i for i, w in enumerate(words)
        if w.isalpha() and lower(w) not in STOP_WORDS and _key(w) in forms
    ]


def _reinflect(rng, words, forms, count) -> list[str] | None:
    where = _replaceable(words, forms)
    if len(where) < count:
        return None
    out = list(words)
    for i in rng.sample(where, count):
        others = [f for f in forms[_key(words[i])] if fold_word(f) != fold_word(lower(words[i]))]
        if not others:
            return None
        out[i] = rng.choice(others)
    return out


def generate(texts: Path, seed: int = 12, per_kind: int = 60) -> list[dict]:
    """The quotation set: ``{"kind", "query", "source"}`` dicts, *per_kind* of each kind."""
    rng = random.Random(seed)
    quotes, passages = quotations(texts)
    forms = inflections(texts)
    out: list[dict] = []
    for kind in KINDS:
        seen: set[str] = set()
        for _ in range(per_kind * 50):
            if sum(1 for q in out if q["kind"] == kind) >= per_kind:
                break
            words = rng.choice(quotes)
            n = rng.randint(MIN_WORDS if kind != "drop" else 4, MAX_WORDS)
            if len(words) < n:
                continue
            start = rng.randint(0, len(words) - n)
            window = words[start : start + n]
            if kind == "verbatim":
                query = list(window)
            elif kind in ("inflect1", "ascii"):
                query = _reinflect(rng, window, forms, 1)
            elif kind == "inflect2":
                query = _reinflect(rng, window, forms, 2)
            else:
                query = window[:]
                del query[rng.randint(1, n - 2)]
            if query is None:
                continue
            text = " ".join(query)
            if kind == "ascii":
                text = fold_word(lower(text))
            source = " ".join(window)
            if source in seen:
                continue
            if kind != "verbatim" and any(_as_typed(text) in p for p in passages):
                continue  # misremembered into words the texts do have: not this kind
            seen.add(source)
            out.append({"kind": kind, "query": f'"{text}"', "source": source})
    return out


# ------------------------------------------------------------------ reference


class StemmedPhrase:
    """Elasticsearch ``match_phrase`` over a Turkish analyzer, in plain Whoosh."""

    name = "stemmed-phrase"

    def __init__(self, passages: dict[tuple[str, int], str], workdir: Path) -> None:
        from whoosh.analysis import RegexTokenizer, StemFilter

        from searcher.backends.local.analysis import ApostropheFilter, TurkishLowercaseFilter
        from searcher.text.tokens import TOKEN_PATTERN

        # Elasticsearch's "turkish" analyzer: apostrophe, turkish_lowercase, snowball
        self.analyzer = (
            RegexTokenizer(TOKEN_PATTERN) | TurkishLowercaseFilter() | ApostropheFilter()
            | StemFilter(stemfn=stem)
        )
        self.searcher = whoosh_searcher(passages, workdir / "stemmed-phrase", self.analyzer)

    def first(self, query: str) -> tuple[str, int] | None:
        from whoosh.query import Phrase, Term

        terms = [t.text for t in self.analyzer(query.strip('"'))]
        if not terms:
            return None
        q = Term("text", terms[0]) if len(terms) == 1 else Phrase("text", terms)
        hits = self.searcher.search(q, limit=1)
        return (hits[0]["doc"], hits[0]["number"]) if hits else None


# ------------------------------------------------------------------ scoring


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=ROOT / "texts")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--per-kind", type=int, default=60)
    ap.add_argument("--dump", type=Path, help="also write the generated set here (JSONL)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the failures")
    args = ap.parse_args(argv)
    queries = generate(args.texts, args.seed, args.per_kind)
    if args.dump:
        args.dump.write_text(
            "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries), encoding="utf-8"
        )
    ok: dict[str, dict[str, list[bool]]] = {"searcher": defaultdict(list),
                                            "stemmed-phrase": defaultdict(list)}
    tiers: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    latency: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        s = Searcher(index_dir=Path(tmp) / "index", texts_dir=args.texts)
        passages = {(p.doc, p.number): p.text for p in s.passages()}
        folded = {k: fold(t) for k, t in passages.items()}
        ref = StemmedPhrase(passages, Path(tmp))
        for q in queries:
            want = fold(q["source"])
            s.clear_caches()  # as benchmarks/speed.py: no credit for an earlier query's work
            t = time.perf_counter()
            hits = s.search(q["query"], 10, context=0)
            latency[q["kind"]].append(time.perf_counter() - t)
            good = bool(hits) and want in folded[(hits[0].doc, hits[0].passage)]
            ok["searcher"][q["kind"]].append(good)
            tiers[q["kind"]][hits[0].match if hits else "none"] += 1
            r = ref.first(q["query"])
            ok["stemmed-phrase"][q["kind"]].append(r is not None and want in folded[r])
            if args.verbose and not good:
                got = hits[0].text[:100] if hits else "(no hits)"
                print(f"  {q['kind']:9} {q['query']}\n            want {q['source']!r}\n"
                      f"            got  {hits[0].match if hits else ''} {got!r}")
        s.close()

    print(f"# Misremembered quotations ({len(queries)} queries, seed {args.seed}, "
          f"{len(passages)} passages)\n")
    print("| kind | n | searcher success@1 | stemmed phrase success@1 | searcher first hit "
          "by tier | searcher p50 ms |")
    print("|---|---|---|---|---|---|")
    for kind in (*KINDS, "ALL"):
        mine = [x for k in KINDS for x in ok["searcher"][k]] if kind == "ALL" \
            else ok["searcher"][kind]
        theirs = [x for k in KINDS for x in ok["stemmed-phrase"][k]] if kind == "ALL" \
            else ok["stemmed-phrase"][kind]
        lat = sorted(x for k in KINDS for x in latency[k]) if kind == "ALL" \
            else sorted(latency[kind])
        by = "" if kind == "ALL" else ", ".join(f"{m} {c}" for m, c in sorted(tiers[kind].items()))
        print(f"| {kind} | {len(mine)} | {sum(mine) / len(mine):.3f} | "
              f"{sum(theirs) / len(theirs):.3f} | {by} | {lat[len(lat) // 2] * 1e3:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
