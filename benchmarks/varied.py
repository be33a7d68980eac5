"""A varied corpus: N copies of the seed text that differ as a real library's books do.

    python benchmarks/varied.py N DEST [--seed S]

Identical copies flatter anything that remembers words (a build's per-word analysis
cache sees 4,700 distinct words at 1x and at 100x).  Here each copy differs: its
passages shuffled, every number changed, ~6% of its words swapped for another
inflection of the same stem (another spelling of the seed with that stem, or the
stem with a suffix of the right vowel harmony) and ~4% for made-up Turkish-shaped
words (syllables of Turkish letters, one vowel harmony, a suffix).  100 copies hold
over ten times the seed's distinct words (printed).  Deterministic for a seed.
Used by benchmarks/speed.py (build time and cache hit rate on both corpora) and by
tests/test_analysis.py (made-up words through the analysis cache and the chains).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "texts" / "sovyet-rusya-ve-tbmm-1920-1922.txt"
WORD = re.compile(r"\w+(?:'\w+)*")

_BACK, _FRONT = "aıou", "eiöü"
_CONSONANTS = "bcçdfgğhjklmnprsştvyz"
_ONSET = "bcçdfghjklmnprsştvyz"  # no word starts with ğ
_SUFFIXES = {  # (back, front) forms of common case and plural suffixes
    "lar": ("lar", "ler"), "da": ("da", "de"), "dan": ("dan", "den"), "ın": ("ın", "in"),
    "ı": ("ı", "i"), "a": ("a", "e"), "la": ("la", "le"), "ları": ("ları", "leri"),
    "ların": ("ların", "lerin"), "daki": ("daki", "deki"), "ıyla": ("ıyla", "iyle"),
}


def made_up_word(rng: random.Random) -> str:
    """A Turkish-shaped word no dictionary has: 2-4 syllables in one vowel harmony,
    sometimes with a suffix (``kavudalar``, ``tezeminde``)."""
    vowels = _BACK if rng.random() < 0.5 else _FRONT
    parts = []
    for i in range(rng.randint(2, 4)):
        onset = rng.choice(_ONSET if i == 0 else _CONSONANTS)
        coda = rng.choice(_CONSONANTS) if rng.random() < 0.3 else ""
        parts.append(onset + rng.choice(vowels) + coda)
    word = "".join(parts)
    if rng.random() < 0.5:
        word += _SUFFIXES[rng.choice(list(_SUFFIXES))][vowels is _FRONT]
    return word


def _inflect(word: str, rng: random.Random, by_stem: dict[str, list[str]], stem) -> str:
    """Another inflection of *word*'s stem: a seed spelling with that stem, or the
    stem with a suffix in the harmony of its last vowel."""
    s = stem(word.lower())
    others = by_stem.get(s, ())
    if len(others) > 1 and rng.random() < 0.5:
        return rng.choice(others)
    last = next((c for c in reversed(s) if c in _BACK + _FRONT), "a")
    return s + _SUFFIXES[rng.choice(list(_SUFFIXES))][last in _FRONT]


def _shape(new: str, old: str) -> str:
    if old[:1].isupper():
        return new.upper() if old.isupper() and len(old) > 1 else new[:1].upper() + new[1:]
    return new


def passages_of_seed() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from searcher import load_passages

    return [p.text for p in load_passages(SEED)]


def varied(n: int, dest: Path, seed: int = 0) -> int:
    """Write *n* varied copies of the seed into *dest*; return their distinct words."""
    from searcher.text.turkish import lower, stem

    passages = passages_of_seed()
    by_stem: dict[str, list[str]] = {}
    for w in sorted({lower(w) for p in passages for w in WORD.findall(p)}):
        by_stem.setdefault(stem(w), []).append(w)
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seen: set[str] = set()

    def swap(m: re.Match) -> str:
        w = m.group(0)
        if w.isdigit():
            return str(rng.randint(10 ** (len(w) - 1) if len(w) > 1 else 0, 10 ** len(w) - 1))
        r = rng.random()
        if r < 0.06 and "'" not in w:
            return _shape(_inflect(w, rng, by_stem, stem), w)
        if r < 0.10:
            return _shape(made_up_word(rng), w)
        return w

    for i in range(n):
        order = passages[:]
        if i:  # copy 0 is the seed's passages as they are
            rng.shuffle(order)
            order = [WORD.sub(swap, p) for p in order]
        text = "\n\n".join(order) + "\n"
        seen.update(WORD.findall(text))
        (dest / f"varied-{i:04d}.txt").write_text(text, encoding="utf-8")
    return len(seen)


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    distinct = varied(args.n, args.dest, args.seed)
    print(f"{args.n} copies in {args.dest}: {distinct} distinct words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
