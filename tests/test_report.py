"""The batch report: numbers, self-containment, and a real headless Chromium render.

The browser test needs Chromium (Debian/Ubuntu: ``apt-get install -y chromium``; or
set ``DENIALS_CHROMIUM`` to a Chrome/Chromium binary). It FAILS, never skips, when
no browser is found. Chromium is driven over ``--remote-debugging-pipe`` with the
DevTools protocol (stdlib only): console messages, exceptions and log entries
(CSP violations, failed loads) are collected and must be empty.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import stat
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.appeal import amount_at_stake
from pipeline.datamodel import Result
from pipeline.output import REPORT, RESULTS, ResultWriter
from pipeline.report import artifact_tables, batch_stats, render_report
from pipeline.triage import Triager

SAMPLES = Path(__file__).resolve().parent.parent / "sample_letters"
TODAY = date(2026, 3, 5)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


# --------------------------------------------------------------------------- the batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus' text documents (no OCR needed) plus a failing file, triaged
    and finalized into an output directory."""
    truth = [json.loads(x) for x in (SAMPLES / "ground_truth.jsonl").read_text().splitlines()]
    names = [t["file"] for t in truth if t["form"] in ("text_pdf", "text")]
    assert len(names) >= 15
    root = tmp_path_factory.mktemp("report")
    (root / "empty.pdf").write_bytes(b"")
    out = root / "out"
    triager = Triager(today=TODAY)
    writer = ResultWriter(out)
    for name in names:
        writer.append(triager.triage(SAMPLES / name))
    writer.append(triager.triage(root / "empty.pdf"))
    writer.finalize(today=TODAY)
    return out


def _records(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / RESULTS).read_text().splitlines()]


def _expected(records: list[dict]) -> dict:
    """The batch's numbers, computed here independently of pipeline/report.py."""
    ok = [Result.model_validate(r) for r in records if r["status"] == "ok"]
    denials = [r for r in ok if r.category is None or r.category.value != "not_a_denial"]
    cats = Counter(r.category.value if r.category else "unclassified" for r in denials)
    payers = Counter((r.payer or "").strip() or "payer not found" for r in denials)
    money: defaultdict[str, float] = defaultdict(float)
    for r in denials:
        a = amount_at_stake(r)
        if a is not None:
            money[r.category.value if r.category else "unclassified"] += a
    review = sum(1 for r in records if r["status"] != "ok" or r["needs_review"])
    return {
        "documents": len(records), "denials": len(denials), "categories": cats,
        "payers": payers, "money": money, "review": review,
        "failed": sum(1 for r in records if r["status"] != "ok"),
        "drafts": sum(1 for r in ok if r.appeal_draft),
    }


# --------------------------------------------------------------------------- plain checks


def test_report_is_written_owner_only_and_self_contained(batch: Path) -> None:
    page = batch / REPORT
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html.lower()
    # no external resources of any kind (the SVG namespace is implicit in HTML)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I)
    assert "@import" not in html and "url(" not in html


def test_stats_match_the_batch(batch: Path) -> None:
    records = _records(batch)
    exp = _expected(records)
    st = batch_stats(records, today=TODAY)
    assert st.documents == exp["documents"] and st.denials == exp["denials"]
    assert st.by_category == dict(exp["categories"])
    assert st.needs_review == exp["review"] and st.failed == exp["failed"] == 1
    assert st.appeals_advised == exp["drafts"] > 0
    assert sum(st.deadlines.values()) == st.denials
    assert st.money_by_category == pytest.approx(dict(exp["money"]))


def test_prefect_artifacts_carry_counts_only(batch: Path) -> None:
    records = _records(batch)
    tables = artifact_tables(batch_stats(records, today=TODAY))
    dumped = json.dumps(tables)
    for r in records:
        for value in (r.get("claim_number"), r.get("member_id"), r.get("patient_name"),
                      r.get("payer"), Path(r["source"]).name):
            if value:
                assert value not in dumped, "an identifier reached the Prefect artifacts"
    assert sum(row["documents"] for row in tables["by_category"]) == sum(
        1 for r in records if r["status"] == "ok")


def test_an_empty_batch_renders() -> None:
    html = render_report([], today=TODAY)
    assert "No denials." in html and "No deadlines found." in html


def test_text_from_documents_is_escaped() -> None:
    rec = Result(source="<b>x</b>.pdf", sha256="c" * 64, status="ok", payer="<script>alert(1)",
                 needs_review=True).model_dump(mode="json")
    html = render_report([rec], today=TODAY)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


# --------------------------------------------------------------------------- the browser


def find_chromium() -> str | None:
    env = os.environ.get("DENIALS_CHROMIUM")
    if env:
        if not os.access(env, os.X_OK):
            pytest.fail(f"DENIALS_CHROMIUM={env!r} is not an executable browser")
        return env
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


class DevTools:
    """A headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="denials-chromium-")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def wire() -> None:
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--hide-scrollbars", f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _recv(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self._from_r], [], [], left)
            if ready:
                chunk = os.read(self._from_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._recv(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, event: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        if any(e.get("method") == event for e in self.events):
            return
        while True:
            m = self._recv(deadline)
            self.events.append(m)
            if m.get("method") == event and m.get("sessionId") == session:
                return

    def problems(self) -> list[str]:
        out = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in (
                    "error", "warning", "assert"):
                out.append(f"console.{p['type']}")
            elif method == "Runtime.exceptionThrown":
                out.append("exception: " + p["exceptionDetails"].get("text", ""))
            elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                out.append(f"{p['entry']['source']}: {p['entry']['text'][:200]}")
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_w, self._from_r):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


SIZES_JS = """JSON.stringify(Object.fromEntries(
  [...document.querySelectorAll('svg.chart')].map(
    e => [e.id, [e.getBoundingClientRect().width, e.getBoundingClientRect().height]])))"""


def render_page(page: Path, screenshot: Path | None = None) -> dict:
    """Load ``page`` in headless Chromium: its DOM, chart sizes and any problems."""
    binary = find_chromium()
    if binary is None:
        pytest.fail(
            "Chromium is needed to test report.html in a real browser and was not found. "
            "Install it (Debian/Ubuntu: `apt-get install -y chromium`) or set "
            "DENIALS_CHROMIUM to a Chrome/Chromium binary."
        )
    browser = DevTools(binary)
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = browser.call("Target.attachToTarget",
                         {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            browser.call(domain, None, s)
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": False}, s)
        browser.call("Page.navigate", {"url": page.resolve().as_uri()}, s)
        browser.wait_for("Page.loadEventFired", s)

        def evaluate(expr: str) -> str:
            return browser.call("Runtime.evaluate",
                                {"expression": expr, "returnByValue": True}, s)["result"]["value"]

        dom = evaluate("document.documentElement.outerHTML")
        sizes = json.loads(evaluate(SIZES_JS))
        if screenshot is not None:
            shot = browser.call("Page.captureScreenshot",
                                {"format": "png", "captureBeyondViewport": True}, s)["data"]
            screenshot.write_bytes(base64.b64decode(shot))
        time.sleep(0.2)  # let late log entries arrive
        browser.call("Runtime.evaluate", {"expression": "1"}, s)
        return {"dom": dom, "sizes": sizes, "problems": browser.problems(), "png": screenshot}
    finally:
        browser.close()


@pytest.fixture(scope="module")
def rendered(batch: Path) -> dict:
    return render_page(batch / REPORT, batch.parent / "report.png")


def test_the_browser_check_does_see_console_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><meta http-equiv="
        "'Content-Security-Policy' content=\"default-src 'none'\"><title>t</title></head>"
        "<body><img src='https://example.invalid/x.png'><script>console.error('x')</script>"
        "</body></html>"
    )
    problems = render_page(bad)["problems"]
    assert any("Content Security Policy" in p for p in problems), problems


class Charts(HTMLParser):
    """Reads back what the page shows: bar rows, tiles, legend counts, timeline dots."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: dict[str, dict[str, str]] = defaultdict(dict)  # chart -> key -> value text
        self.tiles: dict[str, str] = {}
        self.legend: dict[str, str] = {}
        self.dots: Counter[str] = Counter()
        self._chart: str | None = None
        self._row: str | None = None
        self._grab: tuple[str, str] | None = None
        self._tile: str | None = None
        self._bucket: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "svg" and "chart" in cls:
            self._chart = a.get("id")
        elif tag == "g" and cls == "row":
            self._row = a.get("data-key")
        elif tag == "text" and cls == "value" and self._chart and self._row is not None:
            self._grab = ("bar", self._row)
        elif tag == "div" and "tile" in cls:
            self._tile = a.get("id")
        elif tag == "span" and cls == "n" and self._tile:
            self._grab = ("tile", self._tile)
        elif tag == "li" and a.get("data-bucket"):
            self._bucket = a["data-bucket"]
        elif tag == "b" and cls == "count" and self._bucket:
            self._grab = ("legend", self._bucket)
        elif tag == "circle" and "dot" in cls:
            self.dots[a.get("data-bucket") or "?"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None
        elif tag == "g":
            self._row = None
        elif tag == "div":
            self._tile = None
        elif tag == "li":
            self._bucket = None

    def handle_data(self, data: str) -> None:
        if self._grab is None:
            return
        kind, key = self._grab
        if kind == "bar" and self._chart:
            self.bars[self._chart][key] = data
        elif kind == "tile":
            self.tiles[key] = data
        elif kind == "legend":
            self.legend[key] = data
        self._grab = None


def _dollars(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


def test_report_renders_in_chromium_without_console_errors(rendered: dict) -> None:
    assert rendered["problems"] == []
    for chart in ("chart-category", "chart-money", "chart-payer", "chart-review",
                  "chart-timeline"):
        w, h = rendered["sizes"][chart]
        assert w > 200 and h > 20, (chart, w, h)  # drawn, not collapsed (one row is ~25 px)
    from PIL import Image

    with Image.open(rendered["png"]) as im:
        assert im.width >= 1000 and im.height > 1200
        assert len(im.convert("L").getcolors(1 << 16) or []) > 20  # not a blank page


def test_rendered_charts_show_the_batch_numbers(rendered: dict, batch: Path) -> None:
    records = _records(batch)
    exp = _expected(records)
    page = Charts()
    page.feed(rendered["dom"])

    assert {k: int(v) for k, v in page.bars["chart-category"].items()} == dict(
        exp["categories"])
    shown_money = {k: _dollars(v) for k, v in page.bars["chart-money"].items()}
    assert set(shown_money) == {k for k, v in exp["money"].items() if v}
    for cat, value in shown_money.items():  # >= $1,000 is shown in whole dollars
        assert value == pytest.approx(exp["money"][cat], abs=0.51)
    payers = {k: int(v) for k, v in page.bars["chart-payer"].items()}
    assert sum(payers.values()) == exp["denials"]
    # the ten payers with most denials by name, the rest summed as "other payers (k)"
    named = sorted(((p, n) for p, n in exp["payers"].items() if p != "payer not found"),
                   key=lambda pn: (-pn[1], pn[0]))
    for payer, n in named[:10]:
        assert payers.get(payer) == n, payer
    rest = named[10:]
    assert payers.get(f"other payers ({len(rest)})") == (sum(n for _, n in rest) or None)
    review = {k: int(v) for k, v in page.bars["chart-review"].items()}
    assert sum(review.values()) == exp["review"]
    assert review.get("failed: empty_file") == 1

    assert page.tiles["tile-documents"] == str(exp["documents"])
    assert page.tiles["tile-denials"] == str(exp["denials"])
    assert page.tiles["tile-review"] == str(exp["review"])
    assert page.tiles["tile-failed"] == str(exp["failed"])
    assert page.tiles["tile-appeals"] == str(exp["drafts"])
    total = sum(exp["money"].values())
    assert _dollars(page.tiles["tile-money"]) == pytest.approx(total, abs=0.51)

    # deadlines: legend counts = dots on the timeline = the batch's own days left
    st = batch_stats(records, today=TODAY)
    legend = {k: int(v) for k, v in page.legend.items()}
    assert legend == st.deadlines
    assert sum(legend.values()) == exp["denials"]
    dated = {k: v for k, v in legend.items() if k != "no_date"}
    assert dict(page.dots) == {k: v for k, v in dated.items() if v}
    overdue = sum(1 for r in records if r["status"] == "ok" and r["category"] != "not_a_denial"
                  and r["appeal_deadline"] and date.fromisoformat(r["appeal_deadline"]) < TODAY)
    assert legend["overdue"] >= overdue > 0
