"""Tesseract, behind one module.

Everything that knows tesseract exists lives here: the availability/version
probe, the argument builder, the per-page timeout and the translation of
tesseract's failures into the project's own exceptions. The rest of the
pipeline talks to an :class:`OcrEngine`, so tests pass a fake engine.

Tesseract's Debian build uses OpenMP; two cores fight over its threads unless
``OMP_THREAD_LIMIT=1`` is set (a 7x slowdown measured on this machine), so every
call sets it and parallelism comes from running pages/documents side by side.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from .errors import OcrError, OcrTimeout, OcrUnavailable

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install tesseract 5 and its English data: on Debian/Ubuntu "
    "`apt-get install tesseract-ocr tesseract-ocr-eng` (as root), on macOS `brew install tesseract`"
)


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float | None  # mean word confidence 0..100, None when no words


class OcrEngine(Protocol):
    """What the reader needs from an OCR engine."""

    def recognize(self, image: Image.Image) -> OcrText: ...

    def orientation(self, image: Image.Image) -> int:
        """Clockwise degrees (0, 90, 180, 270) the page must be rotated to be upright."""
        ...


@dataclass(frozen=True)
class TesseractInfo:
    path: str
    version: str
    languages: tuple[str, ...]


@lru_cache(maxsize=4)
def probe(cmd: str = "tesseract") -> TesseractInfo:
    """Find tesseract and its version and languages, or raise OcrUnavailable."""
    path = shutil.which(cmd)
    if path is None:
        raise OcrUnavailable(f"tesseract was not found on PATH: {INSTALL_HINT}")
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=15, check=True
        ).stdout
        langs = subprocess.run(
            [path, "--list-langs"], capture_output=True, text=True, timeout=15, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailable(f"tesseract at {path} does not run ({type(exc).__name__}): "
                             f"{INSTALL_HINT}") from exc
    m = re.search(r"tesseract\s+v?(\d+\.\d+(?:\.\d+)?)", out)
    version = m.group(1) if m else "unknown"
    languages = tuple(
        line.strip() for line in langs.splitlines()[1:] if line.strip() and " " not in line
    )
    if version != "unknown" and int(version.split(".")[0]) < 4:
        raise OcrUnavailable(f"tesseract {version} is too old (4 or newer needed): {INSTALL_HINT}")
    return TesseractInfo(path=path, version=version, languages=languages)


def _omp_env() -> None:
    # pytesseract starts tesseract with this process's environment.
    os.environ["OMP_THREAD_LIMIT"] = "1"


class TesseractEngine:
    """OCR with the tesseract CLI through pytesseract, one subprocess per page."""

    def __init__(self, language: str = "eng", psm: int = 3, timeout_s: float = 60.0) -> None:
        self.language = language
        self.psm = psm
        self.timeout_s = timeout_s

    def check(self) -> TesseractInfo:
        info = probe()
        missing = [lang for lang in self.language.split("+") if lang not in info.languages]
        if missing:
            raise OcrUnavailable(
                f"tesseract has no data for language(s) {', '.join(missing)}: install "
                f"tesseract-ocr-{missing[0]} (Debian) or choose another --ocr-language"
            )
        return info

    def _config(self, psm: int) -> str:
        return f"--psm {psm}"

    def _run(self, fn, image, **kwargs):  # type: ignore[no-untyped-def]
        import pytesseract

        _omp_env()
        try:
            return fn(image, timeout=self.timeout_s, **kwargs)
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrUnavailable(f"tesseract was not found: {INSTALL_HINT}") from exc
        except RuntimeError as exc:
            # pytesseract signals its timeout as RuntimeError('Tesseract process timeout')
            if "timeout" in str(exc).lower():
                raise OcrTimeout(
                    f"OCR of a page took longer than {self.timeout_s:g} s and was stopped; "
                    "retry later or raise DENIALS_OCR_TIMEOUT_S for very dense pages"
                ) from exc
            raise OcrError(f"tesseract failed ({type(exc).__name__})") from exc
        except pytesseract.TesseractError as exc:
            raise OcrError(
                f"tesseract failed with status {exc.status}; the page image may be damaged"
            ) from exc

    def recognize(self, image: Image.Image) -> OcrText:
        import pytesseract

        data = self._run(
            pytesseract.image_to_data,
            image,
            lang=self.language,
            config=self._config(self.psm),
            output_type=pytesseract.Output.DICT,
        )
        return words_to_text(data)

    def orientation(self, image: Image.Image) -> int:
        import pytesseract

        try:
            osd = self._run(
                pytesseract.image_to_osd,
                image,
                config="--psm 0 -c min_characters_to_try=5",
                output_type=pytesseract.Output.DICT,
            )
        except OcrError:
            # OSD refuses pages with too little text; such a page is left as it is.
            return 0
        return int(osd.get("rotate", 0)) % 360


#: Where distributions put tesseract's language data (tesserocr's wheel needs a path).
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
_TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth" \
    "\theight\tconf\ttext"


class TesserocrEngine:
    """Tesseract in this process through tesserocr: the model is loaded once per thread,
    and a page goes to tesseract as an in-memory bitmap (no subprocess, no PNG file).

    Built against the system's libtesseract (``make setup``), it gives the same word
    table as the command's TSV output, read by the same :func:`words_to_text`: the
    same text, faster (docs/performance.md). Orientation detection (doubtful pages
    only) goes through the command. Optional: when tesserocr or its language data is
    missing, :meth:`check` raises and ``Triager.ocr_engine`` uses the command; when it
    cannot be loaded or has another tesseract version, pages go to the command.
    """

    def __init__(self, language: str = "eng", psm: int = 3, timeout_s: float = 60.0,
                 tessdata: str | None = None, any_version: bool = False) -> None:
        self.language = language
        self.any_version = any_version  # else only the command's tesseract version
        self.psm = psm
        self.timeout_s = timeout_s
        self.tessdata = tessdata
        self._local = threading.local()
        self._init_lock = threading.Lock()
        self._usable: bool | None = None  # decided at the first page (_ready)
        self._cli = TesseractEngine(language=language, psm=psm, timeout_s=timeout_s)

    def check(self) -> None:
        """Cheap checks (module and language data present); OcrUnavailable otherwise.

        tesserocr itself is loaded at the first page (:meth:`_ready`), so a run that
        needs no OCR (`denials show` on a text PDF) does not pay for it.
        """
        import importlib.util

        _omp_env()  # read once, when the library loads: one thread per page (module doc)
        if importlib.util.find_spec("tesserocr") is None:
            raise OcrUnavailable("tesserocr is not installed")
        if self.tessdata is None:
            env = os.environ.get("TESSDATA_PREFIX")
            dirs = ([env, os.path.join(env, "tessdata")] if env else []) + list(TESSDATA_DIRS)
            self.tessdata = next((d for d in dirs if all(
                os.path.isfile(os.path.join(d, f"{lang}.traineddata"))
                for lang in self.language.split("+"))), None)
            if self.tessdata is None:
                raise OcrUnavailable(
                    f"no tesseract language data for {self.language}: {INSTALL_HINT}")

    def _ready(self) -> bool:
        """Load tesserocr (once); False when the tesseract command must be used instead.

        Only the command's tesseract version is used in-process unless ``any_version``:
        the PyPI wheel bundles another tesseract, whose text differs (make setup builds
        tesserocr against the system's libtesseract).
        """
        with self._init_lock:
            if self._usable is None:
                self._usable = False
                try:
                    import tesserocr

                    version = str(tesserocr.tesseract_version()).split()[1]
                    try:
                        command: str | None = probe().version
                    except OcrUnavailable:
                        command = None
                    if self.any_version or command in (None, version):
                        self._api()  # loads the model: a broken install shows here
                        self._usable = True
                    else:
                        log.warning("tesserocr uses tesseract %s, the command %s: OCR runs "
                                    "the command", version, command)
                except (ImportError, IndexError, RuntimeError, OcrUnavailable) as exc:
                    log.warning("tesserocr unusable (%s): OCR runs the tesseract command",
                                type(exc).__name__)
            return self._usable

    def _api(self):  # type: ignore[no-untyped-def]
        """This thread's tesseract instance (model loaded once per thread)."""
        api = getattr(self._local, "api", None)
        if api is None:
            from tesserocr import PyTessBaseAPI

            try:
                api = PyTessBaseAPI(path=self.tessdata.rstrip("/") + "/",  # type: ignore[union-attr]
                                    lang=self.language, psm=self.psm)
            except RuntimeError as exc:
                raise OcrUnavailable(f"tesserocr could not load its model: {INSTALL_HINT}") \
                    from exc
            self._local.api = api
        return api

    def recognize(self, image: Image.Image) -> OcrText:
        if not self._ready():
            return self._cli.recognize(image)
        api = self._api()
        try:
            # The raw pixels, with no resolution: the PNG pytesseract gives the command
            # has none either (tesseract estimates it), so the text is the command's.
            # (tesserocr's SetImage would encode a BMP carrying the image's dpi, and the
            # text would differ: measured on 33 of 40 scanned documents.)
            bands = {"L": 1, "RGB": 3}.get(image.mode)
            if bands is not None:
                api.SetImageBytes(image.tobytes(), image.width, image.height, bands,
                                  image.width * bands)
            else:
                api.SetImage(image)
                api.SetSourceResolution(0)
            t0 = time.monotonic()
            if not api.Recognize(timeout=int(self.timeout_s * 1000)):
                if time.monotonic() - t0 >= self.timeout_s * 0.99:
                    raise OcrTimeout(
                        f"OCR of a page took longer than {self.timeout_s:g} s and was stopped; "
                        "retry later or raise DENIALS_OCR_TIMEOUT_S for very dense pages")
                raise OcrError("tesseract failed on this page; the page image may be damaged")
            tsv = api.GetTSVText(0)
        except (RuntimeError, ValueError, TypeError) as exc:
            raise OcrError(f"tesseract failed ({type(exc).__name__})") from exc
        finally:
            api.Clear()  # frees the page image and results; the model stays loaded
        return words_to_text(tsv_to_dict(_TSV_HEADER + "\n" + tsv))

    def orientation(self, image: Image.Image) -> int:
        return self._cli.orientation(image)


def tsv_to_dict(tsv: str) -> dict:
    """Tesseract's TSV as pytesseract's ``Output.DICT`` (numbers as int, text as is)."""
    rows = [row.split("\t") for row in tsv.strip("\n").split("\n")]
    header = rows.pop(0)
    if rows and len(rows[-1]) < len(header):
        rows[-1].append("")
    out: dict[str, list] = {h: [] for h in header}
    last = len(header) - 1
    for row in rows:
        for i, head in enumerate(header):
            if i >= len(row):
                continue
            if i == last:
                out[head].append(row[i])
            else:
                try:
                    out[head].append(int(float(row[i])))
                except ValueError:
                    out[head].append(row[i])
    return out


def words_to_text(data: dict) -> OcrText:
    """Rebuild reading-order text and mean confidence from tesseract's word table.

    Words on one line are joined by a space, or by three spaces across a wide
    gap (a table column), lines by newlines and blocks by a blank line.
    """
    lines: dict[tuple[int, int, int], list[tuple[int, int, int, str]]] = {}
    confs: list[float] = []
    for i, word in enumerate(data.get("text", [])):
        if not word or not word.strip():
            continue
        conf = float(data["conf"][i])
        if conf >= 0:
            confs.append(conf)
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        lines.setdefault(key, []).append(
            (int(data["left"][i]), int(data["width"][i]), int(data["height"][i]), word)
        )
    out: list[str] = []
    prev_block = None
    for (block, _par, _line), words in lines.items():
        if prev_block is not None and block != prev_block:
            out.append("")
        prev_block = block
        words.sort()
        parts = [words[0][3]]
        for (l0, w0, _h0, _), (l1, _w1, h1, word) in zip(words, words[1:], strict=False):
            gap = l1 - (l0 + w0)
            parts.append(("   " if gap > 2 * max(h1, 1) else " ") + word)
        out.append("".join(parts))
    confidence = round(sum(confs) / len(confs), 1) if confs else None
    return OcrText(text="\n".join(out), confidence=confidence)
