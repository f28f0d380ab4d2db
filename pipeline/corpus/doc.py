"""A small layout-neutral document model for the synthetic corpus.

Templates build a :class:`Doc` (a list of blocks plus a page style); the same
``Doc`` is rendered to plain text here (``to_text``) and to PDF in
:mod:`pipeline.corpus.render`.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Logo:
    name: str
    initials: str
    shape: str = "circle"  # circle | square | triangle | bars | none
    tagline: str = ""
    address: list[str] = field(default_factory=list)  # printed at the right


@dataclass
class Title:
    text: str
    size: float = 4  # points above the base size
    align: str = "left"


@dataclass
class Para:
    text: str
    style: str = "body"  # body | small | bold | caps | italic
    indent: int = 0


@dataclass
class KV:
    pairs: list[tuple[str, str]]
    cols: int = 1  # 1 or 2 key/value pairs per row
    sep: str = ":"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    style: str = "grid"  # grid | lines | plain | shaded
    widths: list[float] | None = None  # relative widths
    size: float = -1.5  # points relative to the base size
    align_right: tuple[int, ...] = ()  # numeric column indexes


@dataclass
class Mono:
    lines: list[str]
    size: float = 8.0


@dataclass
class Box:
    title: str
    paras: list[str]


@dataclass
class Space:
    height: float = 8


@dataclass
class Rule:
    pass


@dataclass
class PageBreak:
    pass


Block = Logo | Title | Para | KV | Table | Mono | Box | Space | Rule | PageBreak


@dataclass
class Style:
    font: str = "Helvetica"  # Helvetica | Times-Roman | Courier
    size: float = 10
    margin: float = 54  # points
    accent: tuple[float, float, float] = (0.1, 0.25, 0.5)
    header: str = ""  # running header (every page)
    footer: str = ""  # running footer (every page); "{page}" is replaced
    page_numbers: bool = True


@dataclass
class Doc:
    blocks: list[Block]
    style: Style = field(default_factory=Style)
    title: str = ""


# ------------------------------------------------------------------ formatting helpers

DATE_STYLES = ["us", "long", "dmy_abbr", "us_short", "abbr", "iso", "us_dash"]


def fmt_date(d: date, style: str) -> str:
    if style == "us":
        return d.strftime("%m/%d/%Y")
    if style == "long":
        return f"{d.strftime('%B')} {d.day}, {d.year}"
    if style == "dmy_abbr":
        return d.strftime("%d-%b-%y")
    if style == "us_short":
        return d.strftime("%m/%d/%y")
    if style == "abbr":
        return f"{d.strftime('%b')} {d.day}, {d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "us_dash":
        return d.strftime("%m-%d-%Y")
    raise ValueError(style)


def money(x: float, dollar: bool = True, comma: bool = True) -> str:
    s = f"{x:,.2f}" if comma else f"{x:.2f}"
    return ("$" + s) if dollar else s


# ------------------------------------------------------------------ text rendering


def _wrap(text: str, width: int, indent: int = 0) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, width=width, initial_indent=pad, subsequent_indent=pad) or [""]


# Pieces of a table cell that are never wrapped: a date split over two lines (or cut
# at a cell edge) cannot be read back, nor a CARC torn from its group code. The rest of
# a cell wraps at spaces only, and columns are made wide enough for its longest word.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ATOMIC = re.compile(
    rf"(?:(?:{_MONTHS}|[A-Z][a-z]{{2}})\.? \d{{1,2}}, \d{{4}}"  # Jan 4, 2026 / January 4, 2026
    r"|\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{2}-[A-Z][a-z]{2}-\d{2}"
    r"|\b(?:CO|PR|OA|PI) \d{1,3}\b)"  # a group code and its CARC ("CO 16")
)


def cell_units(text: str) -> list[str]:
    """The pieces of a table cell that must stay on one line: the whole cell when it is
    a date (or a date range's dates), otherwise its words."""
    text = str(text)
    units = [m.group() for m in _ATOMIC.finditer(text)]
    rest = _ATOMIC.sub(" ", text)
    return units + rest.split()


def _table_lines(header: list[str], rows: list[list[str]], width: int) -> list[str]:
    cols = len(header) if header else max(len(r) for r in rows)
    allrows = ([header] if header else []) + rows
    widths = [max(len(str(r[i])) if i < len(r) else 0 for r in allrows) for i in range(cols)]
    # narrowest a column may get: its longest unbreakable piece (a date, a word), and
    # no narrower than 12 characters unless its content is
    floors = [
        max([min(w, 12)] + [len(u) for r in allrows if i < len(r) for u in cell_units(r[i])])
        for i, w in enumerate(widths)
    ]
    # shrink the widest columns until the table fits (or nothing can shrink)
    while sum(widths) + 2 * (cols - 1) > width:
        can = [i for i in range(cols) if widths[i] > floors[i]]
        if not can:
            break
        i = max(can, key=lambda k: (widths[k], -k))
        widths[i] -= 1
    out = []
    for n, r in enumerate(allrows):
        cells = [_wrap_cell(str(r[i]) if i < len(r) else "", widths[i]) for i in range(cols)]
        height = max(len(c) for c in cells)
        for k in range(height):
            out.append(
                "  ".join(
                    (c[k] if k < len(c) else "").ljust(widths[i]) for i, c in enumerate(cells)
                ).rstrip()
            )
        if n == 0 and header:
            out.append("-" * min(width, sum(widths) + 2 * (cols - 1)))
    return out


def _wrap_cell(text: str, width: int) -> list[str]:
    """Wrap a cell at spaces, keeping each date whole."""
    if not text:
        return [""]
    glue = "\x00"
    protected = _ATOMIC.sub(lambda m: m.group().replace(" ", glue), text)
    lines = textwrap.wrap(protected, width, break_long_words=False, break_on_hyphens=False)
    return [x.replace(glue, " ") for x in lines] or [""]


def to_text(doc: Doc, width: int = 86) -> str:
    """Plain-text rendering (used for the ``text`` form and as the reference text)."""
    lines: list[str] = []
    st = doc.style
    if st.header:
        lines += [st.header, ""]
    for b in doc.blocks:
        if isinstance(b, Logo):
            lines.append(b.name.upper())
            if b.tagline:
                lines.append(b.tagline)
            lines += b.address
            lines.append("")
        elif isinstance(b, Title):
            lines += _wrap(b.text, width)
            lines.append("")
        elif isinstance(b, Para):
            text = b.text.upper() if b.style == "caps" else b.text
            for part in text.split("\n"):
                lines += _wrap(part, width, b.indent // 10)
            lines.append("")
        elif isinstance(b, KV):
            for k, v in b.pairs:
                lines.append(f"{k}{b.sep} {v}" if k else v)
            lines.append("")
        elif isinstance(b, Table):
            lines += _table_lines(b.header, b.rows, width)
            lines.append("")
        elif isinstance(b, Mono):
            lines += b.lines
            lines.append("")
        elif isinstance(b, Box):
            lines.append("+" + "-" * (width - 2) + "+")
            lines.append(b.title.upper())
            for p in b.paras:
                lines += _wrap(p, width - 2, 1)
            lines.append("+" + "-" * (width - 2) + "+")
            lines.append("")
        elif isinstance(b, Space | Rule):
            if isinstance(b, Rule):
                lines.append("_" * width)
        elif isinstance(b, PageBreak):
            lines.append("\f")
    if st.footer:
        lines += ["", st.footer.replace("{page}", "1").replace(" of {pages}", "")]
    text = "\n".join(line.rstrip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
