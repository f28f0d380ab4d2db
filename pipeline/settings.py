"""Validated settings (tunables). Environment variables prefixed ``DENIALS_``."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DENIALS_", extra="forbid", frozen=True)

    # reading
    max_file_bytes: int = Field(200 * 1024 * 1024, ge=1, description="Largest input file.")
    max_text_bytes: int = Field(
        10 * 1024 * 1024, ge=1, description="Largest plain-text input (read whole, unlike PDFs)."
    )
    max_pages: int = Field(500, ge=1, description="Most pages read from one document.")
    max_image_pixels: int = Field(
        # a US-legal page at 600 dpi is 43 MP; two pages this size side by side stay
        # within a 1 GiB budget (tests/test_hostile.py measures it)
        60_000_000, ge=1, description="Largest decoded page image (width x height)."
    )
    min_text_chars: int = Field(
        40, ge=0, description="A PDF page with fewer text-layer characters is OCR'd."
    )
    follow_symlinks: bool = Field(
        False, description="Read a symbolic link's target (off: a link is a failed record)."
    )
    ocr_dpi: int = Field(300, ge=72, le=600, description="Rasterisation resolution for OCR.")
    # tesseract
    ocr_timeout_s: float = Field(60.0, gt=0, description="Per-page OCR timeout.")
    ocr_language: str = "eng"
    ocr_psm: int = Field(3, ge=0, le=13, description="Tesseract page segmentation mode.")
    ocr_engine: Literal["auto", "tesserocr", "cli"] = Field(
        "auto", description="tesseract in-process through tesserocr, or the tesseract "
        "command (pytesseract); auto: tesserocr when it is installed and uses the same "
        "tesseract version as the command (same text), else the command.")
    detect_rotation: bool = True
    # batch
    workers: int = Field(default_factory=default_workers, ge=1)
