"""Bad input: each gets one failed record (or a page error) that says what to do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from pipeline.datamodel import PageMethod
from pipeline.errors import OcrError
from pipeline.read import read_document
from pipeline.settings import Settings
from pipeline.triage import Triager, failed_result

from .conftest import LETTER_LINES, FakeEngine, make_text_pdf


def _triager(engine=None, **settings) -> Triager:  # type: ignore[no-untyped-def]
    return Triager(settings=Settings(workers=1, **settings), engine=engine or FakeEngine())


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret-password")
    c.drawString(72, 720, "Claim denied, CO-197")
    c.save()
    return path


def _bad_files(tmp: Path) -> dict[str, Path]:
    good = make_text_pdf(tmp / "good.pdf", [LETTER_LINES])
    files = {
        "empty_file": tmp / "zero.pdf",
        "corrupt_document": tmp / "truncated.pdf",
        "unsupported_format": tmp / "random.pdf",
        "encrypted_pdf": _encrypted_pdf(tmp / "locked.pdf"),
        "image_too_large": tmp / "bomb.png",
        "unreadable_file": tmp / "missing.pdf",
    }
    files["empty_file"].write_bytes(b"")
    files["corrupt_document"].write_bytes(good.read_bytes()[:300])
    files["unsupported_format"].write_bytes(os.urandom(4096).replace(b"%PDF", b"%PDX"))
    # 20000 x 20000 pixels (400 MP) compresses to a tiny PNG: a decompression bomb
    Image.new("1", (20000, 20000)).save(files["image_too_large"])
    return files


@pytest.mark.parametrize(
    ("kind", "advice"),
    [
        ("empty_file", "re-scan or re-upload"),
        ("corrupt_document", "new"),
        ("unsupported_format", "not a PDF"),
        ("encrypted_pdf", "remove the password"),
        ("image_too_large", "re-scan at 300 dpi"),
        ("unreadable_file", "disappeared"),
    ],
)
def test_each_bad_input_fails_alone_with_advice(tmp_path: Path, kind: str, advice: str) -> None:
    path = _bad_files(tmp_path)[kind]
    result = _triager().triage(path)
    assert result.status == "failed"
    assert result.error is not None and result.error.kind == kind
    assert advice in result.error.message
    assert result.needs_review is True
    assert result.source == str(path)
    assert result.category is None and result.codes.carc == []


def test_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "long.pdf", [["page"]] * 4)
    result = _triager(max_pages=3).triage(path)
    assert result.status == "failed" and result.error.kind == "too_many_pages"
    assert "split" in result.error.message


def test_an_unreadable_page_is_a_page_error_not_a_lost_document(tmp_path: Path) -> None:
    class FlakyEngine(FakeEngine):
        def recognize(self, image):  # type: ignore[no-untyped-def]
            if self.calls == 1:
                self.calls += 1
                raise OcrError("tesseract failed with status 1; the page image may be damaged")
            return super().recognize(image)

    page = Image.new("L", (850, 1100), 255)
    path = tmp_path / "two_pages.tif"
    page.save(path, save_all=True, append_images=[page.copy()], dpi=(100, 100))
    doc = read_document(path, FlakyEngine(), Settings(workers=1))
    assert [p.method for p in doc.pages] == [PageMethod.OCR, PageMethod.ERROR]
    assert doc.pages[1].error.kind == "ocr_failed"


def test_scan_without_ocr_engine_says_to_install_tesseract(tmp_path: Path, scanned_pdf) -> None:
    triager = Triager(settings=Settings(workers=1))
    triager._engine_checked = True  # as if the probe found no tesseract
    result = triager.triage(scanned_pdf)
    assert result.status == "failed" and result.error.kind == "ocr_unavailable"


def test_failed_record_never_quotes_foreign_exception_text(tmp_path: Path) -> None:
    secret = "Patient Jane Q Public, member ZXW400118822"
    result = failed_result(str(tmp_path / "x.pdf"), ValueError(secret))
    assert result.error.kind == "internal_error"
    assert "Jane" not in result.error.message and "ZXW" not in result.error.message
