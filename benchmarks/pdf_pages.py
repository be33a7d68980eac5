"""The seed's own pages as a PDF, read back: does a PDF give the passages of its text?

    python benchmarks/pdf_pages.py [--texts texts] [--first-label 1] [--out FILE.pdf]
                                   [--runs 3] [-v]

Each page of the seed text (a run of three empty lines ends one) becomes one PDF
page, line for line, in DejaVu Sans (fpdf2), with a running header and the printed
page number at the foot of every page, and page labels starting at
``--first-label``.  searcher then reads the PDF as it reads any PDF in texts/
(:func:`searcher.text.corpus.read_text`), and its passages are compared one by one
with those of the ``.txt``: text (spacing aside), first and last physical page,
section, footnote markers and the page each marker is on.  A visible gap of the
``.txt`` (a whitespace-only line, before or after a heading) is a line's space left
empty on the PDF page.

Then the line-end hyphen rule (:mod:`searcher.text.hyphens`) on the seed's own
words as if a typesetter had broken them at a line end (see :func:`hyphen_rule`).

Prints the figures (extraction time per page and per MB, best of ``--runs``) and
every difference; exit status 1 when a passage differs.  Needs the pdf and test
extras (pypdf, fpdf2) and fonts-dejavu-core.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searcher.text.corpus import read_text  # noqa: E402
from searcher.text.document import load_passages  # noqa: E402
from searcher.text.normalize import normalize  # noqa: E402
from searcher.text.pdf import extract  # noqa: E402

SEED = "sovyet-rusya-ve-tbmm-1920-1922.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEADER = "SOVYET RUSYA VE TBMM 1920-1922"


def seed_pages(text: str) -> list[list[str]]:
    """The seed's text lines page by page (its layout: each line followed by an empty
    one, a run of three empty lines a page break, a whitespace-only line a gap)."""
    pages: list[list[str]] = [[]]
    empties = 0
    for line in text.split("\n"):
        if line == "":
            empties += 1
            if empties == 3:
                pages.append([])
            continue
        empties = 0
        pages[-1].append(line.strip())  # "" for a visible gap: a line's space left empty
    return [p for p in pages if p]


def write_pdf(pages: list[list[str]], path: Path, first_label: int) -> None:
    from fpdf import FPDF
    from pypdf import PdfWriter

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=9)
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages):
        pdf.add_page()
        pdf.set_xy(12, 8)
        pdf.cell(text=HEADER)
        for i, line in enumerate(lines):
            if line:
                pdf.set_xy(12, 16 + 4.1 * i)
                pdf.cell(text=line)
        pdf.set_xy(100, 288)
        pdf.cell(text=str(first_label + number))
    pdf.output(str(path))
    writer = PdfWriter(clone_from=str(path))
    writer.set_page_label(0, len(pages) - 1, style="/D", start=first_label)
    writer.write(str(path))


_VOWELS = set("aeıioöuüâîûAEIİOÖUÜÂÎÛ")
_INLINE = re.compile(r"(?<![\w-])([^\W\d_]{2,})-([^\W\d_]{2,})(?![\w-])")


def _syllable_break(word: str) -> int | None:
    """Where a typesetter may break *word*: before a consonant that starts a syllable
    (V-CV, or VC-CV), the breaks nearest the middle first; None if nowhere."""
    spots = [i for i in range(2, len(word) - 2)
             if word[i] not in _VOWELS and word[i + 1] in _VOWELS]
    return min(spots, key=lambda i: abs(2 * i - len(word))) if spots else None


def hyphen_rule(text: str) -> dict:
    """The line-end hyphen rule on the seed's own words, as if a typesetter had broken
    them at a line end: every word the text uses once (so the rule cannot see it
    elsewhere) broken at a syllable should be joined; every compound the text writes
    with a hyphen inside a line (``Sovyet-Türk``) broken at its hyphen should keep it."""
    from searcher.text.hyphens import LineEndHyphens
    from searcher.text.tokens import TOKEN_RE, surface

    rule = LineEndHyphens(text)
    counts = Counter(surface(w) for w in TOKEN_RE.findall(text))
    words = {w for w in TOKEN_RE.findall(text) if "'" not in w and w.isalpha()}
    once = sorted(w for w in words if counts[surface(w)] == 1 and len(w) >= 5)
    joined, missed = 0, []
    for w in once:
        i = _syllable_break(w)
        if i is None:
            continue
        rule_words, halves = rule.words, rule.halves
        rule.words, rule.halves = rule_words - {surface(w)}, halves - {w}
        ok = rule.joins(f"bir {w[:i]}-", f"{w[i:]} ve")
        rule.words, rule.halves = rule_words, halves
        joined += ok
        if not ok:
            missed.append(f"{w[:i]}-{w[i:]}")
    compounds = sorted({m.group(0) for m in _INLINE.finditer(text)})
    kept = [c for c in compounds if not rule.joins(c.split("-")[0] + "-", c.split("-", 1)[1])]
    return {"broken": joined + len(missed), "joined": joined, "missed": missed,
            "compounds": len(compounds), "kept": len(kept),
            "lost": sorted(set(compounds) - set(kept))}


def _view(p) -> tuple:
    notes = tuple((f.marker, p.page_at(p.text.index(f.marker))) for f in p.footnotes)
    return (" ".join(p.text.split()), p.page, p.page_at(len(p.text)), p.section, notes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=Path, default=ROOT / "texts")
    ap.add_argument("--first-label", type=int, default=1)
    ap.add_argument("--out", type=Path, help="keep the PDF made from the seed here")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    seed = args.texts / SEED
    pages = seed_pages(seed.read_text(encoding="utf-8"))
    out = args.out or Path(tempfile.mkdtemp()) / "seed.pdf"
    write_pdf(pages, out, args.first_label)
    data = out.read_bytes()
    best = float("inf")
    for _ in range(max(args.runs, 1)):
        started = time.perf_counter()
        got = extract(data)
        best = min(best, time.perf_counter() - started)

    warnings: list[str] = []
    started = time.perf_counter()
    pdf_passages, state = read_text(out.name, out, warnings)
    read_s = time.perf_counter() - started
    txt_passages = load_passages(seed)
    mb = len(data) / 1e6
    print(f"seed as PDF: {len(pages)} pages, {len(data):,} bytes ({out})")
    print(f"extraction (pypdf, best of {args.runs}): {best:.3f} s, "
          f"{1000 * best / len(pages):.1f} ms a page, {best / mb:.2f} s a MB; "
          f"running lines left out: {got.dropped}")
    print(f"read_text (extraction + repairs + passages): {read_s:.3f} s")
    for w in warnings:
        print(f"warning: {w}")

    txt = [_view(p) for p in txt_passages]
    pdf = [_view(p) for p in pdf_passages]
    same = sum(a == b for a, b in zip(txt, pdf, strict=False))
    notes_txt = sum(len(p.footnotes) for p in txt_passages)
    notes_pdf = sum(len(p.footnotes) for p in pdf_passages)
    pages_txt = max(p.page_at(len(p.text)) for p in txt_passages)
    print(f"passages: .txt {len(txt)}, .pdf {len(pdf)}, identical {same}")
    print(f"footnote markers: .txt {notes_txt}, .pdf {notes_pdf}")
    print(f"pages: .txt {pages_txt}, .pdf {state.pages}")
    labels = {p.label_at(0) for p in pdf_passages}
    print(f"printed labels seen: {min(labels, key=int)}..{max(labels, key=int)}")
    differ = 0
    for i, (a, b) in enumerate(zip(txt, pdf, strict=False), start=1):
        if a != b:
            differ += 1
            if args.verbose or differ <= 5:
                print(f"¶{i} differs:\n  txt {a}\n  pdf {b}")
    h = hyphen_rule(normalize(seed.read_text(encoding="utf-8")))
    print(f"line-end hyphen rule on the seed's words: {h['joined']}/{h['broken']} words used "
          f"once, broken at a syllable, joined; {h['kept']}/{h['compounds']} in-line "
          "compounds broken at their hyphen kept")
    if args.verbose:
        print(f"  not joined: {', '.join(h['missed'])}\n  not kept: {', '.join(h['lost'])}")
    ok = len(txt) == len(pdf) and differ == 0 and notes_txt == notes_pdf
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
