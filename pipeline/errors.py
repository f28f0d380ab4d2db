"""One exception root for the project.

Every error carries a stable ``kind`` (written into failed records), an
``exit_code`` (used by the CLI, the one place errors become exit codes), a
``retryable`` flag (only transient failures are retried by the flow), and a
message that says what to do next. Messages never contain letter text.
"""

from __future__ import annotations


class DenialsError(Exception):
    kind = "error"
    exit_code = 1
    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- input problems: the document is at fault, the batch goes on -------------


class InputError(DenialsError):
    exit_code = 3


class EmptyFile(InputError):
    kind = "empty_file"


class FileTooLarge(InputError):
    kind = "file_too_large"


class UnsupportedFormat(InputError):
    kind = "unsupported_format"


class CorruptDocument(InputError):
    kind = "corrupt_document"


class EncryptedDocument(InputError):
    kind = "encrypted_pdf"


class TooManyPages(InputError):
    kind = "too_many_pages"


class ImageTooLarge(InputError):
    kind = "image_too_large"


class UnreadableFile(InputError):
    kind = "unreadable_file"


class NoText(InputError):
    kind = "no_text"


# --- OCR engine problems --------------------------------------------------------


class OcrError(DenialsError):
    kind = "ocr_failed"
    exit_code = 4


class OcrUnavailable(OcrError):
    """Tesseract is missing or unusable: nothing that needs OCR can succeed."""

    kind = "ocr_unavailable"
    exit_code = 5


class OcrTimeout(OcrError):
    kind = "ocr_timeout"
    retryable = True


# --- configuration and model --------------------------------------------------------


class ConfigError(DenialsError):
    kind = "config_error"
    exit_code = 2


class ModelError(DenialsError):
    kind = "model_error"
    exit_code = 6


def describe(exc: BaseException) -> tuple[str, str]:
    """(kind, message) for any exception, without leaking its arguments' data.

    Our own errors carry vetted messages. For anything else only the type name
    is kept: a foreign exception's text may quote document content.
    """
    if isinstance(exc, DenialsError):
        return exc.kind, exc.message
    return "internal_error", (
        f"unexpected {type(exc).__name__} while processing this document; "
        "it has been left for review. Please report it with the document's sha256."
    )
