"""PDFs for the tests, made with fpdf2 and the DejaVu Sans font (Debian's
fonts-dejavu-core): real files that pypdf reads as it reads a user's book.
Without fpdf2, pypdf or the font the tests that need them skip with the reason;
under CI=true they fail instead: CI must run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _need(what: str, ok: bool) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PDF tests cannot run under CI: {what}")
    pytest.skip(what)


def require_pdf_tools() -> None:
    """Skip (fail under CI=true) when fpdf2, pypdf or the font is missing."""
    try:
        import fpdf  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as exc:
        _need(f"{exc.name} is not installed (pip install -e '.[test]')", False)
    _need(f"{FONT} missing (apt-get install fonts-dejavu-core)", FONT.is_file())


def make_pdf(path: Path, pages: list[list[str]], *, first_label: int | None = None,
             header: str | None = None, footer: bool = False) -> Path:
    """A PDF with one page per list of lines, in DejaVu Sans 10 pt.  *header*: a running
    header on every page; *footer*: the printed page number at the foot of each page;
    *first_label*: page labels that start there (``101`` on the first page)."""
    from fpdf import FPDF
    from pypdf import PdfWriter

    pdf = FPDF(format=(148, 210))
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.set_auto_page_break(False)
    start = first_label or 1
    for number, lines in enumerate(pages):
        pdf.add_page()
        if header:
            pdf.set_xy(15, 10)
            pdf.cell(text=header)
        for i, line in enumerate(lines):
            if line:  # "": a line's space left empty
                pdf.set_xy(15, 22 + 6 * i)
                pdf.cell(text=line)
        if footer:
            pdf.set_xy(70, 195)
            pdf.cell(text=str(start + number))
    pdf.output(str(path))
    if first_label is not None:
        writer = PdfWriter(clone_from=str(path))
        writer.set_page_label(0, len(pages) - 1, style="/D", start=first_label)
        writer.write(str(path))
    return path


#: Two pages of a book whose printed pages are 101 and 102: a running header and
#: footer, a word broken at a line end, compounds broken at their hyphen, a footnote
#: marker, and a sentence that runs on from page 101 to page 102.
BOOK = [
    [
        "Gümrük kapısı açıldığında Kars ile Gümrü arasında yük taşınmaya başlandı",
        "ve kervanlar her hafta yola çıktı. O yıl bozkırda büyük bir kurak-",
        "lık sürüyordu; Sovyet-",
        "Türk görüşmeleri bu yüzden uzadı (*). Kafkaslar Ötesi-",
        "Türkiye yolu açık kaldı ve Moskova'dan gelen heyet uzun bir yolculuğun",
    ],
    [
        "sonunda Ankara'ya ulaştı. Heyet Meclis'te büyük bir sevinçle karşılandı",
        "ve görüşmeler hemen başladı.",
        "Ertesi gün Şükrü Bey antlaşmanın ilk maddelerini okudu.",
    ],
    [
        "Üçüncü sayfada Çiçerin'in mektubu Meclis'e sunuldu ve okundu.",
    ],
]


