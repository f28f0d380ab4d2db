"""The read cache: a document read once by the same reader is not read again."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

import pipeline.readcache as readcache
from pipeline.readcache import ReadCache
from pipeline.settings import Settings

SAMPLE = Path(__file__).resolve().parent.parent / "sample_letters" / "doc_0008.pdf"


@pytest.fixture
def counting_reader(monkeypatch):
    """Count calls of the real reader (still reads: the cache must return what it gives)."""
    import pipeline.read as read

    calls = []
    real = read.read_document

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(read, "read_document", counted)
    return calls


def test_second_read_comes_from_the_cache_with_the_same_pages(tmp_path, counting_reader):
    settings = Settings()
    first = ReadCache(tmp_path / "rc").read(SAMPLE, None, settings, source="a.pdf")
    again = ReadCache(tmp_path / "rc")
    second = again.read(SAMPLE, None, settings, source="b.pdf")
    assert len(counting_reader) == 1 and again.hits == 1 and again.misses == 0
    assert second.text == first.text and "64624" in second.text
    assert [p.model_dump() for p in second.pages] == [p.model_dump() for p in first.pages]
    assert second.sha256 == first.sha256
    assert second.source == "b.pdf"  # the caller's name, not the cached one


def test_a_change_of_reader_settings_or_code_misses(tmp_path, counting_reader, monkeypatch):
    rc = ReadCache(tmp_path / "rc")
    rc.read(SAMPLE, None, Settings())
    ReadCache(tmp_path / "rc").read(SAMPLE, None, Settings(ocr_dpi=200))
    assert len(counting_reader) == 2
    # a different reader source (any edit of read.py/ocr.py) gives another fingerprint
    base = readcache.reader_fingerprint(None, Settings())
    real_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: real_bytes(self) + (b"#" if self.name == "read.py" else b""))
    assert readcache.reader_fingerprint(None, Settings()) != base


def test_cache_is_owner_only_and_failed_reads_are_not_kept(tmp_path):
    from pipeline.errors import DenialsError

    rc = ReadCache(tmp_path / "rc")
    rc.read(SAMPLE, None, Settings())
    assert stat.S_IMODE((tmp_path / "rc").stat().st_mode) == 0o700
    entries = list((tmp_path / "rc").iterdir())
    assert len(entries) == 1 and stat.S_IMODE(entries[0].stat().st_mode) == 0o600
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n this is not a pdf")
    with pytest.raises(DenialsError):
        rc.read(bad, None, Settings())
    assert len(list((tmp_path / "rc").iterdir())) == 1
