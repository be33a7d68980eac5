"""Stage 2 (text): the texts folder -- listing and reading texts, and what changed since a build.

Both backends read texts through :func:`read_text`, so they index the same
passages, and tell what changed with :func:`diff`: the index manifest keeps each
text's size, mtime and SHA-256; a search compares them with the texts folder in a
few ``stat`` calls and hashes a file only when its size or mtime moved, so an
unchanged collection costs almost nothing.  :class:`BuildReport` is what any
backend's build says it did.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import TextsError
from searcher.text.manifest import built_with

TEXT_SUFFIX = ".txt"
#: What the texts folder may hold: text files and (with the ``pdf`` extra) PDFs.
SUFFIXES = (TEXT_SUFFIX, ".pdf")

#: A build's progress callback: ``(done, total, document name)``.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildReport:
    """What an index update did (``searcher index`` prints it)."""

    documents: int
    passages: int
    indexed: int  # documents (re)indexed by this run
    seconds: float
    warnings: tuple[str, ...] = ()
    processes: int = 1  # processes that read and indexed texts (a big local build: 2)
    #: the per-word analysis cache's (hits, misses) in every process of the build
    cache: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class DocState:
    """What the index knows about one text file, to tell whether it changed."""

    size: int
    mtime_ns: int
    sha256: str
    passages: int = 0
    pages: int = 0
    footnotes: int = 0
    needs: str = ""  # an extra that was missing when it was read (its passages are not in)
    repairs: tuple[str, ...] | list[str] = ()  # what was repaired in reading it
    layout: str = ""  # how its paragraphs were told apart (searcher.text.layout)


@dataclass
class Changes:
    """Differences between the texts folder and an index manifest."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    touched: dict[str, DocState] = field(default_factory=dict)  # same content, new mtime
    rebuild: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.rebuild)


def list_texts(texts_dir: Path) -> dict[str, Path]:
    """The ``.txt`` and ``.pdf`` files of a texts folder by name; a clear error if
    there are none."""
    try:
        with os.scandir(texts_dir) as entries:
            files = {
                e.name: Path(e.path)
                for e in sorted(entries, key=lambda e: e.name)
                if e.name.lower().endswith(SUFFIXES) and e.is_file()
            }
    except FileNotFoundError:
        raise TextsError(f"texts folder not found: {texts_dir}") from None
    except NotADirectoryError:
        raise TextsError(f"texts folder is not a directory: {texts_dir}") from None
    except PermissionError as exc:
        raise TextsError(f"cannot read texts folder {texts_dir}: permission denied") from exc
    if not files:
        raise TextsError(f"no .txt or .pdf files in texts folder {texts_dir}")
    return files


def _sha256(path: Path) -> str:
    import hashlib  # only when a text's size or mtime moved

    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def diff(texts: dict[str, Path], manifest: dict | None, versions: dict) -> Changes:
    """Cheap staleness check: sizes and mtimes first, a hash only when they differ.

    A manifest written under other *versions* (schema, analyzer) means a rebuild."""
    ch = Changes()
    if manifest is None or not built_with(manifest, versions):
        ch.rebuild = True
        ch.added = list(texts)
        return ch
    known: dict = manifest.get("docs", {})
    for name, path in texts.items():
        st = path.stat()
        old = known.get(name)
        if old is None:
            ch.added.append(name)
        elif old.get("needs") and _extra_installed(old["needs"]):
            ch.changed.append(name)  # read at last, now that its extra is installed
        elif old["size"] != st.st_size or old["mtime_ns"] != st.st_mtime_ns:
            if old["size"] == st.st_size and old["sha256"] == _sha256(path):
                ch.touched[name] = DocState(**{**old, "mtime_ns": st.st_mtime_ns})
            else:
                ch.changed.append(name)
    ch.removed = [name for name in known if name not in texts]
    return ch


def _extra_installed(extra: str) -> bool:
    from searcher.text import pdf

    return extra == "pdf" and pdf.available()


def stderr_progress() -> Progress | None:
    """A plain progress line on stderr when it is a terminal (for library callers)."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\rsearcher: indexing {done}/{total} {name[:50]:<50}{end}")
        sys.stderr.flush()

    return report


def read_text(name: str, path: Path, warnings: list[str]) -> tuple[list, DocState]:
    """A text file or PDF -> its passages and what the index keeps to tell whether it
    changed.  What cannot be read is one line in *warnings* (undecodable bytes, a
    binary file, a damaged PDF, a PDF without the ``pdf`` extra) and no passages;
    nothing raises but an unreadable file.  Every backend reads texts through here,
    so they index the same passages."""
    import hashlib

    from searcher.text.document import decode, read_document

    try:
        data = path.read_bytes()
        st = path.stat()
    except OSError as exc:
        raise TextsError(f"cannot read {path}: {exc.strerror}") from exc
    labels: tuple[str, ...] = ()
    needs = ""
    if name.lower().endswith(".pdf"):
        text, labels, needs = _read_pdf(path, data, warnings)
    elif b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        warnings.append(f"{path}: binary file (NUL bytes), skipped")
        text = ""
    else:
        text, errors = decode(data, str(path))
        for err in errors:
            warnings.append(f"{err}; indexed with replacement characters")
    from searcher.text import layout

    pdf_kind = layout.DOUBLE_SPACED if name.lower().endswith(".pdf") and text else None
    reading = read_document(text, name, page_labels=labels, kind=pdf_kind)
    passages = reading.passages
    return passages, DocState(
        size=len(data),
        mtime_ns=st.st_mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
        passages=len(passages),
        pages=max((p.page_at(len(p.text)) for p in passages), default=0),  # last page, not first
        footnotes=sum(len(p.footnotes) for p in passages),
        needs=needs,
        repairs=list(reading.repairs),
        layout=reading.layout,
    )


def _read_pdf(path: Path, data: bytes, warnings: list[str]) -> tuple[str, tuple[str, ...], str]:
    """A PDF's text, page labels and the extra it needs ("pdf" when pypdf is missing)."""
    from searcher.text import pdf

    if not pdf.available():
        warnings.append(f"{path}: skipped: reading PDFs needs the pdf extra: {pdf.INSTALL_HINT}")
        return "", (), "pdf"
    try:
        got = pdf.extract(data)
    except pdf.PdfError as exc:
        warnings.append(f"{path}: skipped: {exc}")
        return "", (), ""
    return got.text, got.labels, ""
