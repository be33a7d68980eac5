"""Stage 6 (cli): how results look -- hit lines and blocks, JSON, concordance columns,
page strips -- and the dispersion plot (matplotlib, imported only to draw one).

Plain functions from library values to text, so the Click commands stay thin and
the layout can be tested without a terminal.  Nothing here imports Whoosh or ftfy.
"""

from __future__ import annotations

import math

BOLD_MATCH = ("\x1b[1;31m", "\x1b[0m")
HEADER = ("\x1b[35m", "\x1b[0m")
DIM = ("\x1b[2m", "\x1b[0m")

#: Eighths of a cell, for a page's share of the busiest page's count.
BLOCKS = "▁▂▃▄▅▆▇█"
#: Widest page strip; longer documents get several pages a cell.
MAX_CELLS = 100


def paint(text: str, codes: tuple[str, str], on: bool) -> str:
    return f"{codes[0]}{text}{codes[1]}" if on else text


def to_json(value, indent: int | None = None) -> str:
    import json  # not for --help, --version and plain searches

    return json.dumps(value, ensure_ascii=False, indent=indent)


def json_text(rows: list[dict], lines: bool) -> str:
    """One JSON array (indented), or one JSON object a line (*lines*)."""
    if lines:
        return "".join(to_json(r) + "\n" for r in rows)
    return to_json(rows, indent=1) + "\n"


def indent(text: str) -> str:
    return "  " + text


def notes(footnotes) -> str:
    return "notes: " + ", ".join(f"{f.marker} line {f.line}" for f in footnotes)


# ------------------------------------------------------------------ search hits


def marked(snippet, on: bool) -> str:
    return snippet.marked(*BOLD_MATCH) if on else snippet.text


def hit_line(h, path: str, on: bool, context: int) -> str:
    """grep-like: ``path:line:snippet``, context passages as ``path-text``, ``--`` after."""
    out = [f"{path}-{' '.join(t.split())}\n" for t in h.before]
    out.append(f"{path}:{h.line}:{marked(h.snippet, on)}\n")
    out += [f"{path}-{' '.join(t.split())}\n" for t in h.after]
    if context:
        out.append("--\n")
    return "".join(out)


def hit_block(h, path: str, on: bool, context: int) -> str:
    """A readable block: location, page, section, paragraph and score; the snippet;
    context passages dimmed; the passage's footnote markers; a blank line."""
    where = f"{path}:{h.line}  p.{h.page_label}"
    if h.section:
        where += f"  §{h.section}"
    where += f"  ¶{h.passage}  score {h.score:.1f}"
    if h.match != "words":
        where += f"  {h.match}"
    out = [paint(where, HEADER, on)]
    out += [paint(indent(t), DIM, on) for t in h.before]
    out.append(indent(marked(h.snippet, on)))
    out += [paint(indent(t), DIM, on) for t in h.after]
    if h.footnotes:
        out.append(paint("  " + notes(h.footnotes), DIM, on))
    return "\n".join(out) + "\n\n"


# ------------------------------------------------------------------ concordance


def passages_text(passages, path: str) -> str:
    """``searcher show``: each passage under its lines, page, section and number."""
    out = []
    for q in passages:
        head = f"{path}:{q.line_start}-{q.line_end}  p.{q.label_at(0)}"
        if q.section:
            head += f"  §{q.section}"
        out += [f"{head}  ¶{q.number}", indent(q.text)]
        if q.footnotes:
            out.append("  " + notes(q.footnotes))
        out.append("")
    return "".join(line + "\n" for line in out)


def stats_text(st: dict) -> str:
    """``searcher stats``: one aligned row a figure (rows a backend lacks left out)."""
    import time

    rows = [
        ("texts", st["texts"]),
        ("index", st["index"]),
        ("documents", st["documents"]),
        ("passages", st["passages"]),
        ("pages", st["pages"]),
        ("footnote markers", st["footnotes"]),
        ("distinct terms", ", ".join(f"{k} {v}" for k, v in st["terms"].items())),
        ("cluster", f"{st['health']}, {st['nodes']} nodes" if "health" in st else ""),
        ("shards/replicas", f"{st['shards']}/{st['replicas']}" if "shards" in st else ""),
        ("index size", f"{st['index_bytes'] / 1024:.0f} KiB"),
        ("vectors", _vectors_text(st["vectors"]) if "vectors" in st else ""),
        ("index age", _age(time.time() - st["built"])),
        ("schema/analyzer", f"{st['schema_version']}/{st['analyzer_version']}"),
    ]
    out = "".join(f"{k + ':':<18}{v}\n" for k, v in rows if v != "")
    reading = st.get("reading", {})
    return out + ("read as:\n" if reading else "") + "".join(
        f"  {name}: {r['layout'] or '?'}; "
        + (f"repaired: {', '.join(r['repairs'])}" if r["repairs"] else "nothing repaired") + "\n"
        for name, r in reading.items()
    )


def _vectors_text(v: dict | None) -> str:
    if not v:
        return "none (searcher index --semantic adds them)"
    size = f", {v['bytes'] / 1024:.0f} KiB" if v.get("bytes") else ""
    return f"{v['units']} units, {v['model']}{size}"


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def kwic_text(lines, paths: dict[str, str], on: bool) -> str:
    """Concordance lines as aligned columns: ``path:line  p.page  left MATCH right``.

    Left contexts are right-aligned to the widest, so every match starts in one column."""
    heads = [f"{paths[k.doc]}:{k.line}" for k in lines]
    pages = [f"p.{k.page_label}" for k in lines]
    hw = max(map(len, heads), default=0)
    pw = max(map(len, pages), default=0)
    width = max((len(k.left) for k in lines), default=0)
    return "".join(
        f"{h:<{hw}}  {pg:<{pw}}  {k.left:>{width}} {paint(k.match, BOLD_MATCH, on)} "
        f"{k.right.rstrip()}\n"
        for h, pg, k in zip(heads, pages, lines, strict=True)
    )


# ------------------------------------------------------------------ dispersion


def pages_a_cell(pages: int) -> int:
    """How many pages one cell of a strip stands for (1 up to :data:`MAX_CELLS` pages)."""
    return max(1, math.ceil(pages / MAX_CELLS))


def cells(counts: tuple[int, ...], per: int) -> list[int]:
    return [sum(counts[i : i + per]) for i in range(0, len(counts), per)]


def strip(counts: list[int]) -> str:
    """One character a cell: blank for none, else an eighth block scaled to the busiest."""
    top = max(counts, default=0)
    return "".join(
        BLOCKS[max(1, math.ceil(8 * c / top)) - 1] if c else " " for c in counts
    )


def where_text(dispersions, paths: dict[str, str]) -> str:
    """Per document: a heading, then one row per query with its page strip, its total
    and its busiest pages."""
    by_doc: dict[str, dict[str, object]] = {}
    for d in dispersions:
        for pc in d.docs:
            by_doc.setdefault(pc.doc, {})[d.query] = pc
    label = max((len(d.query) for d in dispersions), default=0)
    out = []
    for doc in sorted(by_doc):
        rows = by_doc[doc]
        pages = max(len(pc.counts) for pc in rows.values())
        per = pages_a_cell(pages)
        note = f", {per} pages a cell" if per > 1 else ""
        out.append(f"{paths[doc]}  ({pages} pages{note})\n")
        for d in dispersions:
            pc = rows.get(d.query)
            counts = pc.counts if pc else (0,) * pages
            most = ", ".join(f"p.{pc.label(p)} ({c})" for p, c in pc.busiest()) if pc else ""
            total = pc.total if pc else 0
            out.append(
                f"  {d.query:<{label}}  │{strip(cells(counts, per))}│ {total:>5}"
                + (f"  most on {most}" if most else "")
                + "\n"
            )
    if len(by_doc) > 1:
        for d in dispersions:
            docs = "document" if len(d.docs) == 1 else "documents"
            out.append(f"{d.query:<{label}}  {d.total} in {len(d.docs)} {docs}\n")
    return "".join(out)


def pyplot():
    """matplotlib's pyplot drawing to files (no display), or None when not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_dispersion(plt, dispersions, passages: dict[str, list], path: str) -> None:
    """A dispersion plot like NLTK's: one row per query, a tick at the line of every
    occurrence.  *passages* (each document's, in order) give the extent of the x axis
    and, for a single document, where its pages begin (marked along the top);
    several documents are laid end to end."""
    docs = sorted(passages)
    start, offset = {}, 0
    for doc in docs:
        start[doc] = offset
        offset += passages[doc][-1].line_end if passages[doc] else 0
    fig, ax = plt.subplots(figsize=(10, 1.4 + 0.45 * len(dispersions)))
    n = len(dispersions)
    for row, d in enumerate(dispersions):
        xs = [start[pc.doc] + line for pc in d.docs for line in pc.lines]
        ax.plot(xs, [n - 1 - row] * len(xs), "|", color="tab:blue", markersize=14)
    ax.set_yticks(range(n), [d.query for d in reversed(dispersions)])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, max(offset, 1))
    if len(docs) == 1:
        ax.set_xlabel(f"line of {docs[0]}")
        firsts: dict[int, int] = {}
        for p in passages[docs[0]]:
            for _, line, page in p.line_map:
                firsts.setdefault(page, line)
        step = max(1, math.ceil(len(firsts) / 30))
        top = ax.secondary_xaxis("top")
        top.set_xticks([firsts[p] for p in sorted(firsts)][::step],
                       [str(p) for p in sorted(firsts)][::step], fontsize="small")
        top.set_xlabel("page")
    else:
        for doc in docs[1:]:
            ax.axvline(start[doc], color="0.8", linewidth=0.8)
        ax.set_xlabel(f"line, {len(docs)} documents end to end (grey lines between them)")
    ax.set_title("Lexical dispersion", loc="left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
