"""Shared fixtures: real documents generated in the tests, and a fake OCR engine."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

LETTER_LINES = [
    "Northfield Mutual Health Plan",
    "PO Box 4410, Springfield, IL 62704",
    "Date: March 2, 2026",
    "Member ID: ZXW400118822   Claim Number: RA2603-11873",
    "Patient: Alex Sample",
    "RE: Denial of coverage for lumbar epidural steroid injection",
    "We have denied this claim. The service CPT 62323 on 02/11/2026 required",
    "prior authorization and no authorization was on file. Reason code CO-197.",
    "Remark code N54: claim information does not match the authorization.",
    "Diagnosis M54.16. Amount billed: $1,250.00.",
    "You may appeal within 180 days of the date of this notice.",
]


def make_text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a real text layer, one list of lines per page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for lines in pages:
        y = 720
        c.setFont("Helvetica", 12)
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def render_lines(lines: list[str], dpi: int = 200):
    """A greyscale page image of ``lines`` (rendered from a PDF, no system fonts needed)."""
    import pypdfium2 as pdfium

    buf = io.BytesIO()
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    y = 720
    c.setFont("Helvetica", 13)
    for line in lines:
        c.drawString(60, y, line)
        y -= 22
    c.showPage()
    c.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    image = pdf[0].render(scale=dpi / 72, grayscale=True).to_pil()
    pdf.close()
    return image


def make_scanned_pdf(path: Path, images: list) -> Path:
    """An image-only PDF (no text layer), like a scanner's output."""
    first, *rest = [im.convert("L") for im in images]
    first.save(path, format="PDF", resolution=200, save_all=True, append_images=rest)
    return path


class FakeEngine:
    """An OCR engine that returns fixed text, counting its calls."""

    def __init__(self, text: str = "\n".join(LETTER_LINES), confidence: float = 91.0,
                 rotate: int = 0) -> None:
        self.text = text
        self.confidence = confidence
        self.rotate = rotate
        self.calls = 0
        self.sizes: list[tuple[int, int]] = []

    def recognize(self, image):  # type: ignore[no-untyped-def]
        from pipeline.ocr import OcrText

        self.calls += 1
        self.sizes.append(image.size)
        return OcrText(self.text, self.confidence)

    def orientation(self, image) -> int:  # type: ignore[no-untyped-def]
        return self.rotate


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def letter_pdf(tmp_path: Path) -> Path:
    return make_text_pdf(tmp_path / "letter.pdf", [LETTER_LINES])


@pytest.fixture
def scanned_pdf(tmp_path: Path) -> Path:
    return make_scanned_pdf(tmp_path / "scan.pdf", [render_lines(LETTER_LINES)])


def tesseract_available() -> bool:
    from pipeline.errors import OcrUnavailable
    from pipeline.ocr import probe

    try:
        probe()
        return True
    except OcrUnavailable:
        return False
