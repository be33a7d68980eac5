"""Property: any quoted window of 4-12 consecutive words comes back at rank 1."""

import random

from searcher.backends.local import analysis
from searcher.text import turkish

_NO_QUOTES = str.maketrans({q: " " for q in '"“”„«»'})


def _fold_ascii(text: str) -> str:
    """How a user without a Turkish keyboard types it."""
    return "".join(turkish.fold(c) if c.islower() else turkish.fold(turkish.lower(c)).upper()
                   if c.isalpha() else c for c in text)


def _tokens(text: str) -> list[str]:
    return [t.text for t in analysis.exact_analyzer()(text)]


def _windows(passages, n, seed=20221):
    rng = random.Random(seed)
    out = []
    crossing_line = crossing_page = ascii_typed = 0
    while len(out) < n:
        p = rng.choice(passages)
        words = p.text.split()
        size = rng.randint(4, 12)
        if len(words) < size:
            continue
        start = rng.randrange(len(words) - size + 1)
        window = " ".join(words[start : start + size]).translate(_NO_QUOTES)
        if len(_tokens(window)) < 4:
            continue
        offset = len(" ".join(words[:start])) + (1 if start else 0)
        end = offset + len(window)
        lines = {p.line_at(offset), p.line_at(end - 1)}
        crossing_line += len(lines) > 1
        crossing_page += p.page_at(offset) != p.page_at(end - 1)
        if rng.random() < 0.25:
            window = _fold_ascii(window)
            ascii_typed += 1
        out.append((window, p))
    return out, crossing_line, crossing_page, ascii_typed


def test_quoted_windows_return_their_passage_at_rank_one(real_searcher, real_passages):
    windows, crossing_line, crossing_page, ascii_typed = _windows(real_passages, 240)
    # the sample exercises what it claims to
    assert crossing_line >= 60 and ascii_typed >= 30
    assert crossing_page >= 1 or any(
        p.page_at(0) != p.page_at(len(p.text) - 1) for _, p in windows
    )
    failures = []
    for window, _p in windows:
        hits = real_searcher.search(f'"{window}"', 3, context=0)
        want = _tokens(window)
        if not (hits and _contains(_tokens(hits[0].text), want)):
            failures.append(window)
    assert failures == []


def test_windows_crossing_page_breaks_are_found(real_searcher, real_passages):
    found = 0
    for p in real_passages:
        pages = [(o, pg) for o, _, pg in p.line_map]
        for (_o1, pg1), (o2, pg2) in zip(pages, pages[1:], strict=False):
            if pg1 != pg2:
                words_before = p.text[:o2].split()[-3:]
                words_after = p.text[o2:].split()[:3]
                window = " ".join(words_before + words_after)
                hits = real_searcher.search(f'"{window.translate(_NO_QUOTES)}"', 1)
                assert hits and hits[0].passage == p.number, window
                found += 1
    assert found >= 10


def _contains(tokens: list[str], window: list[str]) -> bool:
    n = len(window)
    return any(tokens[i : i + n] == window for i in range(len(tokens) - n + 1))
