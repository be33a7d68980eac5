"""Your own texts read as they are: no paragraph merged, no word lost, no letter rewritten.

    python benchmarks/own_texts.py [FOLDER_OR_FILE ...] [--tests] [-v]

Reads every ``.txt`` file of the folders (default: ``texts/``) as an index build
does (:func:`searcher.text.document.read_document`) and checks each against the file
itself, by rules that do not come from the reader:

* paragraphs, as the file marks them: blocks between blank lines, or, in a file
  without blank lines, its lines.  A passage whose lines reach into two paragraphs
  **merged** them.  (A file read in the PDF double-spaced layout marks no paragraph
  ends, so there the merge check is left out and said so.)
* **lost**: words of the file (after the repairs that document needed, as the
  manifest records them) found in no passage and no heading; **rewritten**: words of
  the passages and headings that the file does not have.  Both are counted as a
  multiset difference, so a word dropped in one place and kept in another counts;
  a word broken at a line end and joined again (``kurak-`` / ``lık``) is neither.
* **paragraph lost**: a paragraph none of whose lines is in a passage (a heading
  only, in the PDF layout, is said apart).

``--tests`` adds the texts written in ``tests/test_own_texts.py`` (each kind of own
text the tests use).  Prints one row a file and the totals; exit status 1 when any
file merged, lost or rewrote anything.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searcher.text import layout  # noqa: E402
from searcher.text.document import _split_lines, decode, read_document  # noqa: E402
from searcher.text.normalize import PDF_GLYPHS, repair  # noqa: E402
from searcher.text.tokens import TOKEN_RE  # noqa: E402


def paragraphs(text: str) -> list[set[int]]:
    """The file's own paragraphs as sets of line numbers (see the module docstring)."""
    lines = _split_lines(text)
    at = [n for n, line in enumerate(lines, start=1) if line.strip()]
    if not at or at[-1] - at[0] + 1 == len(at):  # no blank line inside: a paragraph a line
        return [{n} for n in at]
    out: list[set[int]] = [set()]
    for prev, n in zip([at[0] - 1, *at], at, strict=False):
        if n > prev + 1 and out[-1]:
            out.append(set())
        out[-1].add(n)
    return out


def check(name: str, text: str) -> dict:
    r = read_document(text, name)
    repaired, _ = repair(text.removeprefix("\ufeff"), glyphs=PDF_GLYPHS in r.repairs)
    want = Counter(TOKEN_RE.findall(repaired))
    got = Counter(w for p in r.passages for w in TOKEN_RE.findall(p.text))
    got.update(w for h in r.headings for w in TOKEN_RE.findall(h))
    paras = paragraphs(text)
    of_line = {n: i for i, para in enumerate(paras) for n in para}
    covered: set[int] = set()
    merged = 0
    for p in r.passages:
        lines = {ln for _, ln, _ in p.line_map} or {p.line_start}
        touched = {of_line[ln] for ln in lines if ln in of_line}
        covered |= touched
        merged += len(touched) > 1
    pdf = r.layout == layout.DOUBLE_SPACED
    return {
        "name": name,
        "layout": r.layout,
        "repairs": ", ".join(r.repairs) or "-",
        "paragraphs": "-" if pdf else len(paras),
        "passages": len(r.passages),
        "headings": len(r.headings),
        "merged": "n/a" if pdf else merged,
        "paragraphs lost": "n/a" if pdf else len(paras) - len(covered),
        "words": sum(want.values()),
        "lost": sum(n for w, n in (want - got).items() if not any(w in e for e in got - want)),
        "rewritten": sum(n for w, n in (got - want).items()
                         if not any(m in w for m in want - got)),
        "examples": sorted((want - got).keys())[:5] + sorted((got - want).keys())[:5],
    }


def test_texts() -> dict[str, str]:
    """The own texts the tests write (tests/test_own_texts.py), by a made-up name."""
    sys.path.insert(0, str(ROOT))
    from tests import test_own_texts as t

    return {
        "tests:transliteration": t.TRANSLITERATION, "tests:capital-list": t.CAPITAL_LIST,
        "tests:capital-table": t.CAPITAL_TABLE, "tests:one-line": t.ONE_LINE_PARAGRAPHS,
        "tests:wrapped": t.WRAPPED, "tests:markdown": t.MARKDOWN,
        "tests:crlf-bom": "\ufeff" + t.CRLF_TEXT,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="folders or .txt files (default texts/)")
    ap.add_argument("--tests", action="store_true", help="add the texts of the tests")
    ap.add_argument("-v", "--verbose", action="store_true", help="show lost/rewritten words")
    args = ap.parse_args()
    files: dict[str, str] = {}
    for path in args.paths or ([] if args.tests else [ROOT / "texts"]):
        for f in sorted(path.glob("*.txt")) if path.is_dir() else [path]:
            files[str(f)] = decode(f.read_bytes(), str(f))[0]
    if args.tests:
        files.update(test_texts())
    rows = [check(name, text) for name, text in files.items()]
    cols = ["name", "layout", "repairs", "paragraphs", "passages", "headings", "merged",
            "paragraphs lost", "words", "lost", "rewritten"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
        if args.verbose and row["examples"]:
            print(f"|   {row['examples']}")

    def total(key: str) -> int:
        return sum(r[key] for r in rows if isinstance(r[key], int))

    print(f"\n{len(rows)} texts, {total('words')} words, {total('passages')} passages: "
          f"{total('merged')} passages merged paragraphs, {total('paragraphs lost')} "
          f"paragraphs lost, {total('lost')} words lost, {total('rewritten')} rewritten")
    return 1 if total("merged") or total("paragraphs lost") or total("lost") or total(
        "rewritten") else 0


if __name__ == "__main__":
    sys.exit(main())
