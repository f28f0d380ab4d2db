"""Reading stage: each input type from real files generated here."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pipeline.datamodel import FileFormat, PageMethod
from pipeline.errors import EmptyFile, ImageTooLarge, NoText, OcrUnavailable, UnsupportedFormat
from pipeline.ocr import TesseractEngine, TesserocrEngine, tsv_to_dict, words_to_text
from pipeline.read import decode_text, detect_format, prepare_image, read_document
from pipeline.settings import Settings

from .conftest import LETTER_LINES, FakeEngine, make_scanned_pdf, make_text_pdf, render_lines

SETTINGS = Settings(workers=1)


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"%PDF-1.7\n", FileFormat.PDF),
        (b"\x00\x00junk before the header %PDF-1.4", FileFormat.PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00", FileFormat.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", FileFormat.JPEG),
        (b"II*\x00\x08\x00", FileFormat.TIFF),
        (b"MM\x00*\x00\x00", FileFormat.TIFF),
        (b"Dear member, your claim was denied.\n", FileFormat.TEXT),
        ("Caf\u00e9 denial letter".encode("latin-1"), FileFormat.TEXT),
        ("\ufeffDenial".encode("utf-16"), FileFormat.TEXT),
    ],
)
def test_format_is_detected_from_content(head: bytes, fmt: FileFormat) -> None:
    assert detect_format(head) is fmt


def test_empty_and_binary_content_are_refused_with_reasons() -> None:
    with pytest.raises(EmptyFile, match="empty"):
        detect_format(b"")
    with pytest.raises(UnsupportedFormat, match="ZIP"):
        detect_format(b"PK\x03\x04rest-of-a-docx")
    with pytest.raises(UnsupportedFormat, match="not a PDF"):
        detect_format(bytes(range(256)) * 4)


def test_text_decoding_handles_utf16_latin1_and_nul_bytes() -> None:
    assert decode_text("CO-197 denial".encode("utf-16")) == "CO-197 denial"
    assert decode_text("Caf\u00e9".encode("latin-1")) == "Caf\u00e9"
    assert decode_text(b"CO\x00-197\r\nnext") == "CO-197\nnext"


def test_text_pdf_uses_the_text_layer_without_ocr(letter_pdf: Path, fake_engine) -> None:
    doc = read_document(letter_pdf, fake_engine, SETTINGS)
    assert doc.format is FileFormat.PDF
    assert [p.method for p in doc.pages] == [PageMethod.TEXT]
    assert "CO-197" in doc.text and "RA2603-11873" in doc.text
    assert fake_engine.calls == 0
    assert doc.pages[0].ocr_confidence is None
    assert len(doc.sha256) == 64


def test_scanned_pdf_is_rendered_and_ocred(scanned_pdf: Path, fake_engine) -> None:
    doc = read_document(scanned_pdf, fake_engine, SETTINGS)
    assert [p.method for p in doc.pages] == [PageMethod.OCR]
    assert doc.pages[0].ocr_confidence == 91.0
    assert fake_engine.calls == 1
    # rendered at the OCR resolution: US letter at 300 dpi
    width, height = fake_engine.sizes[0]
    assert abs(width - 2550) <= 3 and abs(height - 3300) <= 3


def test_multi_page_fax_tiff_is_rescaled_to_square_pixels(tmp_path: Path, fake_engine) -> None:
    page = render_lines(LETTER_LINES, dpi=204)  # 204 x 204 dpi
    fax_normal = page.resize((page.width, page.height * 98 // 204)).convert("1")
    path = tmp_path / "fax.tif"
    fax_normal.save(path, format="TIFF", dpi=(204, 98), compression="group4", save_all=True,
                    append_images=[fax_normal.copy()])
    doc = read_document(path, fake_engine, SETTINGS)
    assert doc.format is FileFormat.TIFF
    assert [p.number for p in doc.pages] == [1, 2]
    assert all(p.method is PageMethod.OCR for p in doc.pages)
    # 98 dpi rows stretched back to square pixels, and the page enlarged to 300 dpi
    for w, h in fake_engine.sizes:
        assert w == round(page.width * 300 / 204)
        assert abs(h - page.height * 300 / 204) <= 5


def _fax_page(dpi: tuple[int, int], size: tuple[int, int] = (1728, 2156)):
    """A bilevel page with some black strokes, as a fax machine sends it."""
    from PIL import ImageDraw

    image = Image.new("1", size, 1)
    draw = ImageDraw.Draw(image)
    for y in range(100, size[1] - 100, 60):
        draw.rectangle((100, y, size[0] - 100, y + 3), fill=0)
    image.info["dpi"] = dpi
    return image


@pytest.mark.parametrize(("dpi", "height"), [((204, 98), 1078), ((204, 196), 2156),
                                              ((200, 200), 2200)])
def test_fax_page_is_smoothed_and_enlarged_to_300_dpi(dpi, height: int) -> None:
    frame = prepare_image(_fax_page(dpi, (1728, height)), SETTINGS.max_image_pixels)
    assert frame.mode == "L"
    assert frame.info["dpi"] == (300, 300)
    assert frame.size == (round(1728 * 300 / dpi[0]), round(height * 300 / dpi[1]))
    # the 1-bit edges became grey: smoothed, not a blocky enlargement of black/white
    assert sum(1 for count in frame.histogram() if count) > 10


def test_fax_tiff_goes_to_ocr_at_300_dpi(tmp_path: Path, fake_engine) -> None:
    path = tmp_path / "fine.tif"
    _fax_page((204, 196)).save(path, format="TIFF", dpi=(204, 196), compression="group4")
    read_document(path, fake_engine, SETTINGS)
    assert fake_engine.sizes == [(2541, 3300)]


@pytest.mark.parametrize(("mode", "dpi"), [
    ("1", (300, 300)),  # a bilevel scan at 300 dpi: not a fax
    ("1", (72, 72)),    # 72 dpi is the placeholder of images that know no resolution
    ("L", (200, 200)),  # greyscale at 200 dpi: not a fax, never enlarged
    ("RGB", (72, 72)),  # a phone photo
])
def test_images_other_than_faxes_are_not_resized(mode: str, dpi) -> None:
    image = _fax_page(dpi, (850, 1100)).convert(mode)
    image.info["dpi"] = dpi
    frame = prepare_image(image, SETTINGS.max_image_pixels)
    assert frame.size == image.size
    assert frame.tobytes() == image.convert("L").tobytes()


def test_fax_enlargement_is_bounded_by_the_pixel_limit(tmp_path: Path, fake_engine) -> None:
    # 1728x2156 (3.7 MP) is within the limit; at 300 dpi it would be 8.4 MP
    path = tmp_path / "fax.tif"
    _fax_page((204, 196)).save(path, format="TIFF", dpi=(204, 196), compression="group4")
    settings = Settings(workers=1, max_image_pixels=5_000_000)
    with pytest.raises(ImageTooLarge, match="5,000,000-pixel limit"):
        prepare_image(Image.open(path), settings.max_image_pixels)
    with pytest.raises(NoText, match="image_too_large"):
        read_document(path, fake_engine, settings)
    assert fake_engine.calls == 0


def test_jpeg_exif_orientation_is_applied(tmp_path: Path, fake_engine) -> None:
    image = Image.new("L", (400, 200), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    path = tmp_path / "photo.jpg"
    image.save(path, format="JPEG", exif=exif.tobytes())
    doc = read_document(path, fake_engine, SETTINGS)
    assert doc.format is FileFormat.JPEG
    assert fake_engine.sizes[0] == (200, 400)


def test_low_confidence_page_is_turned_upright_when_that_reads_better(tmp_path: Path) -> None:
    class SidewaysEngine(FakeEngine):
        def recognize(self, image):  # type: ignore[no-untyped-def]
            result = super().recognize(image)
            upright = image.height > image.width
            from pipeline.ocr import OcrText

            return OcrText(result.text if upright else "~ ~", 92.0 if upright else 20.0)

    page = render_lines(LETTER_LINES, dpi=100).rotate(90, expand=True)  # lying on its side
    path = tmp_path / "sideways.png"
    page.save(path)
    engine = SidewaysEngine(rotate=90)
    doc = read_document(path, engine, SETTINGS)
    assert doc.pages[0].rotation == 90
    assert doc.pages[0].ocr_confidence == 92.0
    assert "CO-197" in doc.text


def test_words_to_text_rebuilds_lines_blocks_and_columns() -> None:
    data = {
        "text": ["Claim", "denied", "", "CPT", "62323", "Next"],
        "conf": [90, 80, -1, 70, 60, 100],
        "block_num": [1, 1, 1, 1, 1, 2],
        "par_num": [1, 1, 1, 1, 1, 1],
        "line_num": [1, 1, 1, 2, 2, 1],
        "left": [10, 60, 0, 10, 400, 10],
        "width": [40, 50, 0, 30, 50, 40],
        "height": [12, 12, 0, 12, 12, 12],
    }
    out = words_to_text(data)
    assert out.text == "Claim denied\nCPT   62323\n\nNext"
    assert out.confidence == 80.0


# --- with the real tesseract -------------------------------------------------------------

REAL = TesseractEngine(timeout_s=60)


def _real_engines() -> list:
    """The tesseract command, and tesserocr (in-process) when it is installed."""
    engines = [pytest.param(REAL, id="cli")]
    fast = TesserocrEngine(timeout_s=60)
    try:
        fast.check()
        engines.append(pytest.param(fast, id="tesserocr"))
    except OcrUnavailable:
        pass
    return engines


REAL_ENGINES = _real_engines()


@pytest.mark.tesseract
@pytest.mark.parametrize("real", REAL_ENGINES)
def test_real_tesseract_reads_a_scanned_pdf(scanned_pdf: Path, real) -> None:
    doc = read_document(scanned_pdf, real, SETTINGS)
    page = doc.pages[0]
    assert page.method is PageMethod.OCR
    assert page.ocr_confidence is not None and page.ocr_confidence > 70
    assert "prior authorization" in doc.text
    assert "62323" in doc.text


@pytest.mark.tesseract
@pytest.mark.parametrize("turned", [90, 180])
@pytest.mark.parametrize("real", REAL_ENGINES)
def test_real_tesseract_turns_a_rotated_scan_upright(tmp_path: Path, turned: int, real) -> None:
    # PIL rotates counter-clockwise; tesseract alone misreads these two orientations
    page = render_lines(LETTER_LINES, dpi=200).rotate(turned, expand=True)
    path = tmp_path / "rotated.png"
    page.save(path)
    doc = read_document(path, real, SETTINGS)
    assert doc.pages[0].rotation == turned
    assert "prior authorization" in doc.text
    assert doc.pages[0].ocr_confidence and doc.pages[0].ocr_confidence > 80


@pytest.mark.tesseract
@pytest.mark.parametrize("real", REAL_ENGINES)
def test_real_tesseract_reads_a_fax_at_204x98(tmp_path: Path, real) -> None:
    page = render_lines(LETTER_LINES, dpi=204)
    fax = page.resize((page.width, page.height * 98 // 204)).convert("1")
    path = tmp_path / "fax.tif"
    fax.save(path, format="TIFF", dpi=(204, 98), compression="group4")
    doc = read_document(path, real, SETTINGS)
    assert "authorization" in doc.text.lower()
    assert doc.pages[0].ocr_confidence and doc.pages[0].ocr_confidence > 60


def test_mixed_pdf_reads_text_pages_and_ocrs_scanned_pages(tmp_path: Path, fake_engine) -> None:
    text_page = make_text_pdf(tmp_path / "t.pdf", [LETTER_LINES])
    scan = make_scanned_pdf(tmp_path / "s.pdf", [render_lines(["scanned page two"])])
    mixed = tmp_path / "mixed.pdf"
    _concat_pdfs([text_page, scan], mixed)
    doc = read_document(mixed, fake_engine, SETTINGS)
    assert [p.method for p in doc.pages] == [PageMethod.TEXT, PageMethod.OCR]
    assert fake_engine.calls == 1


def _concat_pdfs(parts: list[Path], out: Path) -> None:
    import pypdfium2 as pdfium

    dest = pdfium.PdfDocument.new()
    for part in parts:
        src = pdfium.PdfDocument(str(part))
        dest.import_pages(src)
        src.close()
    dest.save(str(out))
    dest.close()


def test_fast_page_text_is_pdfplumbers_extract_text(tmp_path: Path) -> None:
    # page_text rebuilds only the character attributes extract_text reads: the text
    # must be the same, page for page (bench/check_text_layer.py checks whole corpora)
    import pdfplumber

    from pipeline.read import page_text

    samples = Path(__file__).resolve().parent.parent / "sample_letters"
    files = [*sorted(samples.glob("*.pdf"))[:8],
             make_text_pdf(tmp_path / "t.pdf", [LETTER_LINES, LETTER_LINES[:3]]),
             make_scanned_pdf(tmp_path / "s.pdf", [render_lines(LETTER_LINES)])]
    pages = 0
    for f in files:
        with pdfplumber.open(f) as a, pdfplumber.open(f) as b:
            for pa, pb in zip(a.pages, b.pages, strict=True):
                assert page_text(pa) == (pb.extract_text() or ""), (f.name, pa.page_number)
                pages += 1
    assert pages >= len(files)


def test_tsv_is_read_like_pytesseract_dict_output() -> None:
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth"
           "\theight\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t10\t20\t40\t12\t96.5\tClaim\n"
           "5\t1\t1\t1\t1\t2\t60\t20\t50\t12\t91\tdenied\n")
    data = tsv_to_dict(tsv)
    assert data["text"] == ["", "Claim", "denied"]
    assert data["conf"] == [-1, 96, 91]
    assert words_to_text(data).text == "Claim denied"


def test_without_tesserocr_the_tesseract_command_is_used(monkeypatch) -> None:
    from pipeline.triage import Triager

    def unavailable(self):  # type: ignore[no-untyped-def]
        raise OcrUnavailable("tesserocr is not installed")

    monkeypatch.setattr(TesserocrEngine, "check", unavailable)
    monkeypatch.setattr(TesseractEngine, "check", lambda self: None)
    assert type(Triager().ocr_engine()) is TesseractEngine
    assert type(Triager(settings=Settings(ocr_engine="cli")).ocr_engine()) is TesseractEngine


@pytest.mark.tesseract
def test_tesserocr_reads_the_same_text_as_the_tesseract_command(scanned_pdf: Path) -> None:
    # in-process OCR is only a speed-up: same library version, same pixels, same text
    # (bench: identical page text on all 40 documents of a scan/fax/photo corpus)
    fast = TesserocrEngine(timeout_s=60)
    try:
        fast.check()
    except OcrUnavailable:
        pytest.skip("tesserocr not built against this tesseract")
    from pipeline.read import render_pdf_page

    image = render_pdf_page(scanned_pdf, 0, 300)
    assert fast.recognize(image) == REAL.recognize(image.copy())
    doc = read_document(scanned_pdf, fast, SETTINGS)
    assert doc.text == read_document(scanned_pdf, REAL, SETTINGS).text


def test_fax_page_is_counted_at_its_enlarged_size_for_the_large_page_slot(
    tmp_path: Path, fake_engine, monkeypatch
) -> None:
    import pipeline.read as read

    asked: list[int] = []
    real_slot = read.large_page_slot
    monkeypatch.setattr(read, "large_page_slot", lambda px: asked.append(px) or real_slot(px))
    path = tmp_path / "fax.tif"
    _fax_page((204, 196)).save(path, format="TIFF", dpi=(204, 196), compression="group4")
    read_document(path, fake_engine, SETTINGS)
    assert asked == [2541 * 3300]  # not the 1728x2156 pixels decoded
