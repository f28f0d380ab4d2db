"""Rendering of corpus documents: text PDF (reportlab), scanned PDF, fax TIFF, phone JPEG.

Everything is deterministic given the ``random.Random`` passed in: reportlab
runs with ``invariant=1`` (fixed dates and document id) and image noise comes
from a numpy generator seeded from that ``Random``.
"""

from __future__ import annotations

import io
import random
from xml.sax.saxutils import escape

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import doc as D

BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}
ITALIC = {
    "Helvetica": "Helvetica-Oblique",
    "Times-Roman": "Times-Italic",
    "Courier": "Courier-Oblique",
}


# ============================================================================ text PDF


class _LogoFlowable(Flowable):
    def __init__(self, logo: D.Logo, style: D.Style):
        super().__init__()
        self.logo = logo
        self.st = style

    def wrap(self, aw, ah):
        self.aw = aw
        return aw, 62

    def draw(self):
        c = self.canv
        lg, st = self.logo, self.st
        r, g, b = st.accent
        c.setFillColorRGB(r, g, b)
        c.setStrokeColorRGB(r, g, b)
        x0 = 0
        if lg.shape == "circle":
            c.circle(22, 36, 20, fill=1, stroke=0)
        elif lg.shape == "square":
            c.rect(2, 16, 40, 40, fill=1, stroke=0)
        elif lg.shape == "triangle":
            p = c.beginPath()
            p.moveTo(2, 16)
            p.lineTo(42, 16)
            p.lineTo(22, 56)
            p.close()
            c.drawPath(p, fill=1, stroke=0)
        elif lg.shape == "bars":
            for i in range(4):
                c.rect(2 + i * 10, 16, 7, 12 + i * 9, fill=1, stroke=0)
        if lg.shape != "none":
            if lg.shape in ("circle", "square"):
                c.setFillColorRGB(1, 1, 1)
                c.setFont(BOLD[st.font], 14)
                c.drawCentredString(22, 31, lg.initials)
            x0 = 52
        c.setFillColorRGB(r, g, b)
        c.setFont(BOLD[st.font], st.size + 5)
        c.drawString(x0, 38, lg.name)
        c.setFillColorRGB(0.25, 0.25, 0.25)
        if lg.tagline:
            c.setFont(ITALIC[st.font], st.size - 1)
            c.drawString(x0, 24, lg.tagline)
        c.setFont(st.font, st.size - 2)
        for i, line in enumerate(lg.address[:4]):
            c.drawRightString(self.aw, 50 - i * (st.size - 0.5), line)
        c.setFillColorRGB(0, 0, 0)


def _styles(st: D.Style) -> dict[str, ParagraphStyle]:
    f, s = st.font, st.size
    base = ParagraphStyle("body", fontName=f, fontSize=s, leading=s * 1.28, spaceAfter=s * 0.55)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=s - 1.5, leading=(s - 1.5) * 1.25),
        "bold": ParagraphStyle("bold", base, fontName=BOLD[f]),
        "caps": ParagraphStyle("caps", base, fontName=f),
        "italic": ParagraphStyle("italic", base, fontName=ITALIC[f]),
        "cell": ParagraphStyle("cell", base, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _cell(text: str, style: ParagraphStyle) -> Paragraph:
    """A table cell: wraps at spaces, but a date inside it stays on one line."""
    markup = escape(text)
    for unit in D.cell_units(text):
        if " " in unit:
            markup = markup.replace(escape(unit), escape(unit).replace(" ", "&nbsp;"))
    return Paragraph(markup.replace("\n", "<br/>"), style)


def _min_width(texts: list[str], font: str, size: float, pad: float) -> float:
    """Narrowest column that shows every unbreakable piece (date, word) of its cells whole."""
    best = 0.0
    for t in texts:
        for unit in D.cell_units(t):
            best = max(best, stringWidth(unit, font, size))
    return best + pad + 1


def _fit_widths(want: list[float], least: list[float], avail: float) -> list[float] | None:
    """Column widths near ``want`` (summing to ``avail``) with each at least ``least``;
    None when the minimums alone do not fit."""
    if sum(least) > avail + 0.01:
        return None
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(want)) if i not in fixed]
        room = avail - sum(fixed.values())
        scale = room / sum(want[i] for i in free) if free else 0
        out = [fixed.get(i, want[i] * scale) for i in range(len(want))]
        short = [i for i in free if out[i] < least[i]]
        if not short:
            return out
        for i in short:
            fixed[i] = least[i]


def _kv_rows(
    blk: D.KV, cell: ParagraphStyle, st: D.Style, avail: float, two: bool
) -> tuple[list, list[float]]:
    """Rows and column widths of a key/value block. Best: every key and value on one
    line (a value wrapped in a two-column block interleaves with its neighbour in the
    text layer); a two-column block that cannot manage that goes one pair a row; last
    resort, values wrap but keep dates and words whole."""
    kb = ParagraphStyle("kvb", cell, fontName=BOLD[st.font])
    pairs = blk.pairs
    if two:
        rows = []
        for i in range(0, len(pairs), 2):
            row: list = []
            for k, v in pairs[i : i + 2]:
                row += [_p(f"{k}{blk.sep}" if k else "", kb), _cell(v, cell)]
            while len(row) < 4:
                row.append("")
            rows.append(row)
        want = [avail * w for w in (0.17, 0.33, 0.17, 0.33)]
        keys = [[f"{k}{blk.sep}" for k, _ in pairs[j::2]] for j in (0, 1)]
        vals = [[v for _, v in pairs[j::2]] for j in (0, 1)]
        cols = [keys[0], vals[0], keys[1], vals[1]]
    else:
        rows = [[_p(f"{k}{blk.sep}" if k.strip() else "", kb), _cell(v, cell)] for k, v in pairs]
        want = [avail * 0.3, avail * 0.7]
        cols = [[f"{k}{blk.sep}" for k, _ in pairs], [v for _, v in pairs]]
    fonts = [BOLD[st.font] if j % 2 == 0 else st.font for j in range(len(cols))]
    whole = [
        max([stringWidth(x, fonts[j], cell.fontSize) for x in c] + [0]) + 13
        for j, c in enumerate(cols)
    ]
    widths = _fit_widths(want, whole, avail)
    if widths is None and two:
        return _kv_rows(blk, cell, st, avail, False)
    if widths is None:
        least = [_min_width(c, fonts[j], cell.fontSize, 12) for j, c in enumerate(cols)]
        widths = _fit_widths(want, least, avail) or want
    return rows, widths


def _story(doc: D.Doc, avail: float) -> list:
    st = doc.style
    S = _styles(st)
    r, g, b = st.accent
    acc = colors.Color(r, g, b)
    story: list = []
    for blk in doc.blocks:
        if isinstance(blk, D.Logo):
            story += [_LogoFlowable(blk, st), Spacer(1, 6)]
        elif isinstance(blk, D.Title):
            ps = ParagraphStyle(
                "t",
                S["bold"],
                fontSize=st.size + blk.size,
                leading=(st.size + blk.size) * 1.25,
                textColor=acc,
                alignment=TA_CENTER if blk.align == "center" else TA_LEFT,
                spaceBefore=4,
                spaceAfter=6,
            )
            story.append(_p(blk.text, ps))
        elif isinstance(blk, D.Para):
            ps = S.get(blk.style, S["body"])
            if blk.indent:
                ps = ParagraphStyle("i", ps, leftIndent=blk.indent)
            text = blk.text.upper() if blk.style == "caps" else blk.text
            story.append(_p(text, ps))
        elif isinstance(blk, D.KV):
            cell = ParagraphStyle(
                "kv", S["cell"], fontSize=st.size - 0.5, leading=(st.size - 0.5) * 1.2
            )
            rows, widths = _kv_rows(blk, cell, st, avail, blk.cols == 2)
            t = Table(rows, colWidths=widths, hAlign="LEFT")
            t.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ]
                )
            )
            story += [t, Spacer(1, 6)]
        elif isinstance(blk, D.Table):
            ncol = len(blk.header) if blk.header else len(blk.rows[0])
            has_header = any(h for h in blk.header)
            rel = blk.widths or [1] * ncol
            want = [avail * w / sum(rel) for w in rel]
            # no cell may cut a date or a word: widen such columns (narrowing the
            # others), and if the table cannot fit at this size, use a smaller font
            fs = st.size + blk.size
            while True:
                least = [
                    max(
                        _min_width(
                            [str(r[i]) for r in blk.rows if i < len(r)],
                            BOLD[st.font] if not has_header and i == 0 else st.font,
                            fs,
                            6,
                        ),
                        _min_width([blk.header[i]] if has_header else [], BOLD[st.font], fs, 6),
                    )
                    for i in range(ncol)
                ]
                widths = _fit_widths(want, least, avail)
                if widths is not None or fs <= 5:
                    break
                fs = round(fs - 0.5, 2)
            if widths is None:  # pragma: no cover - wider than the page even at 5 pt
                widths = least
            cell = ParagraphStyle("c", S["cell"], fontSize=fs, leading=fs * 1.2)
            cellr = ParagraphStyle("cr", cell, alignment=2)
            hs = ParagraphStyle("h", cell, fontName=BOLD[st.font])
            data = []
            if has_header:
                data.append([_cell(h, hs) for h in blk.header])
            for row in blk.rows:
                data.append(
                    [
                        _cell(
                            str(v),
                            cellr
                            if i in blk.align_right
                            else (hs if not has_header and i == 0 else cell),
                        )
                        for i, v in enumerate(row)
                    ]
                )
            t = Table(data, colWidths=widths, repeatRows=1 if has_header else 0, hAlign="LEFT")
            cmds = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
            if blk.style == "grid":
                cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
            elif blk.style == "lines":
                cmds += [("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.grey)]
                if has_header:
                    cmds.append(("LINEBELOW", (0, 0), (-1, 0), 1, colors.black))
            elif blk.style == "shaded":
                cmds += [
                    ("BOX", (0, 0), (-1, -1), 0.8, acc),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1 if has_header else 0),
                        (-1, -1),
                        [colors.Color(0.93, 0.93, 0.93), colors.white],
                    ),
                ]
                if has_header:
                    cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.82, 0.86, 0.9)))
            t.setStyle(TableStyle(cmds))
            story += [t, Spacer(1, 8)]
        elif isinstance(blk, D.Mono):
            longest = max((len(x) for x in blk.lines), default=1)
            size = min(blk.size, avail / (0.6 * max(longest, 1)))
            ps = ParagraphStyle("m", fontName="Courier", fontSize=size, leading=size * 1.22)
            story += [Preformatted("\n".join(blk.lines), ps), Spacer(1, 6)]
        elif isinstance(blk, D.Box):
            inner = [_p(blk.title, ParagraphStyle("bt", S["bold"], textColor=acc))]
            inner += [_p(x, S["body"]) for x in blk.paras]
            t = Table([[inner]], colWidths=[avail])
            t.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 1, acc),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.97, 0.97, 0.95)),
                        ("LEFTPADDING", (0, 0), (-1, -1), 8),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ]
                )
            )
            story += [KeepTogether(t), Spacer(1, 8)]
        elif isinstance(blk, D.Space):
            story.append(Spacer(1, blk.height))
        elif isinstance(blk, D.Rule):
            story.append(
                HRFlowable(
                    width="100%", thickness=0.7, color=colors.grey, spaceBefore=3, spaceAfter=5
                )
            )
        elif isinstance(blk, D.PageBreak):
            story.append(PageBreak())
    return story


def render_pdf(doc: D.Doc) -> bytes:
    st = doc.style
    buf = io.BytesIO()
    m = st.margin
    tmpl = SimpleDocTemplate(
        buf,
        pagesize=letter,
        leftMargin=m,
        rightMargin=m,
        topMargin=m + (16 if st.header else 0),
        bottomMargin=m + (14 if st.footer else 0),
        invariant=1,
        title=doc.title or "Correspondence",
        author="",
        creator="synthetic corpus",
        producer="synthetic corpus",
    )

    def on_page(c, d):
        c.saveState()
        c.setFont(st.font, max(st.size - 2, 6.5))
        c.setFillColorRGB(0.3, 0.3, 0.3)
        w, h = letter
        if st.header:
            c.drawString(m, h - m + 2, st.header)
        if st.footer:
            c.drawString(m, m - 8, st.footer.replace("{page}", str(d.page)))
        c.restoreState()

    avail = letter[0] - 2 * m
    tmpl.build(_story(doc, avail), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def rasterize(pdf: bytes, dpi: float, gray: bool = True) -> list[Image.Image]:
    out = []
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        page = doc[i]
        bmp = page.render(scale=dpi / 72, grayscale=gray)
        img = bmp.to_pil().convert("L" if gray else "RGB")
        out.append(img)
        page.close()
    doc.close()
    return out


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


# ============================================================================ scanned PDF


def scan_pdf(pdf: bytes, rng: random.Random) -> tuple[bytes, dict]:
    """Rasterise, degrade like a flatbed scan, and wrap as an image-only PDF."""
    nrng = _np_rng(rng)
    dpi = rng.choice([200, 200, 240, 300])
    quality = rng.randint(45, 62)
    angles = []
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setCreator("synthetic corpus scanner")
    for img in rasterize(pdf, dpi):
        angle = round(rng.uniform(-2.0, 2.0), 2)
        angles.append(angle)
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        arr = np.asarray(img, dtype=np.float32)
        arr = arr * rng.uniform(0.86, 0.95) + rng.uniform(8, 22)  # paper tone, weaker blacks
        arr += nrng.normal(0, rng.uniform(3, 7), arr.shape)
        n_specks = int(rng.uniform(50, 400))
        ys = nrng.integers(0, arr.shape[0], n_specks)
        xs = nrng.integers(0, arr.shape[1], n_specks)
        arr[ys, xs] = nrng.uniform(0, 120, n_specks)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
        jb = io.BytesIO()
        img.save(jb, "JPEG", quality=quality, optimize=True)
        jb.seek(0)
        w_pt, h_pt = img.width * 72 / dpi, img.height * 72 / dpi
        c.setPageSize((w_pt, h_pt))
        c.drawImage(ImageReader(jb), 0, 0, w_pt, h_pt)
        c.showPage()
    c.save()
    return buf.getvalue(), {"dpi": dpi, "skew_degrees": angles}


# ============================================================================ fax TIFF


def fax_tiff(pdf: bytes, rng: random.Random, fine: bool, header: str) -> tuple[bytes, dict]:
    """Bilevel multi-page TIFF (G4) at 204x196 (fine) or 204x98 (normal) dpi."""
    nrng = _np_rng(rng)
    ydpi = 196 if fine else 98
    pages = rasterize(pdf, 204)
    font = ImageFont.load_default(size=20)
    out = []
    threshold = rng.randint(135, 175)
    for i, img in enumerate(pages):
        img = img.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BILINEAR, fillcolor=255)
        draw = ImageDraw.Draw(img)
        draw.rectangle([0, 0, img.width, 30], fill=255)
        draw.text((20, 5), f"{header}   P.{i + 1:03d}/{len(pages):03d}", fill=0, font=font)
        arr = np.asarray(img, dtype=np.float32)
        arr += nrng.normal(0, 18, arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
        img = img.resize((img.width, round(img.height * ydpi / 204)), Image.Resampling.BOX)
        bw = img.point(lambda v: 255 if v > threshold else 0).convert("1", dither=Image.NONE)
        out.append(bw)
    buf = io.BytesIO()
    out[0].save(
        buf, "TIFF", save_all=True, append_images=out[1:], compression="group4", dpi=(204, ydpi)
    )
    return buf.getvalue(), {"dpi": [204, ydpi], "pages": len(out)}


# ============================================================================ phone photo


def _perspective_coeffs(src, dst):
    """Coefficients for Image.transform(PERSPECTIVE) mapping output (dst) to input (src)."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return np.linalg.solve(np.array(a, dtype=np.float64), np.array(b, dtype=np.float64))


def photo_jpeg(pdf: bytes, rng: random.Random) -> tuple[bytes, dict]:
    """A phone photo of page 1: perspective, background, uneven light, maybe rotated."""
    nrng = _np_rng(rng)
    dpi = rng.choice([180, 200, 220])
    page = rasterize(pdf, dpi, gray=False)[0]
    w, h = page.size
    pad = int(max(w, h) * rng.uniform(0.05, 0.1))
    W, H = w + 2 * pad, h + 2 * pad
    bg_col = np.array(
        rng.choice([(112, 86, 60), (70, 72, 78), (160, 150, 135), (40, 44, 52)]), dtype=np.float32
    )
    bg = np.ones((H, W, 3), np.float32) * bg_col + nrng.normal(0, 10, (H, W, 1))
    canvas = Image.fromarray(np.clip(bg, 0, 255).astype(np.uint8), "RGB")
    j = 0.028
    dst = [
        (pad + rng.uniform(-j, j) * w, pad + rng.uniform(-j, j) * h),
        (pad + w + rng.uniform(-j, j) * w, pad + rng.uniform(-j, j) * h),
        (pad + w + rng.uniform(-j, j) * w, pad + h + rng.uniform(-j, j) * h),
        (pad + rng.uniform(-j, j) * w, pad + h + rng.uniform(-j, j) * h),
    ]
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = _perspective_coeffs(src, dst)
    warped = page.transform(
        (W, H), Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BICUBIC
    )
    mask = Image.new("L", page.size, 255).transform(
        (W, H), Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BILINEAR
    )
    canvas.paste(warped, (0, 0), mask)
    # uneven lighting: a linear gradient in a random direction plus a soft vignette
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    grad = np.cos(ang) * (xx / W - 0.5) + np.sin(ang) * (yy / H - 0.5)
    light = 1.0 - rng.uniform(0.12, 0.3) * (grad + 0.5)
    vig = 1.0 - 0.18 * (((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) / 0.5)
    arr = np.asarray(canvas, dtype=np.float32) * (light * vig)[..., None]
    arr *= np.array([1.0, rng.uniform(0.95, 1.0), rng.uniform(0.86, 0.97)], np.float32)
    arr += nrng.normal(0, rng.uniform(2, 5), arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1)))
    # orientation: pixels rotated; some carry an EXIF tag that undoes it
    rot = rng.choice([0, 0, 0, 90, 180, 270])
    exif_tag = None
    if rot:
        img = img.rotate(rot, expand=True)  # counter-clockwise
        if rng.random() < 0.5:
            exif_tag = {90: 6, 180: 3, 270: 8}[rot]
    elif rng.random() < 0.3:
        exif_tag = 1
    exif = Image.Exif()
    exif[0x010F] = "CorpusCam"
    exif[0x0110] = "Synthetic Phone 1"
    if exif_tag is not None:
        exif[0x0112] = exif_tag
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(70, 82), optimize=True, exif=exif.tobytes())
    return buf.getvalue(), {"dpi": dpi, "pixel_rotation_ccw": rot, "exif_orientation": exif_tag}
