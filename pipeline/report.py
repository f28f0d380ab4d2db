"""The batch report: one self-contained ``report.html`` with charts.

Inline SVG and CSS only: no scripts, no fonts, images or styles from anywhere
else (a Content-Security-Policy in the page forbids it, so nothing can leak
out of the browser either). The report is written in the output directory,
owner-only, next to ``results.jsonl``: it names payers, claim numbers and file
names in its tables and tooltips, so it is PHI like the rest of that folder.

:func:`batch_stats` computes every number once; the page and the Prefect
artifacts (:func:`artifact_tables`, counts only) are both drawn from it.

Numbers (definitions, also in docs/outputs.md):

* a *denial* is an ``ok`` record whose category is not ``not_a_denial``
  (an unclassified record counts, as ``unclassified``);
* *money at stake* = :func:`pipeline.appeal.amount_at_stake`: the denied service
  lines' amounts when the document has them, else the amount billed;
* a document's *deadline* is its appeal deadline, else the earliest due date of
  its recommendations (the worklist's ``days_left`` target);
* *needs review*: failed, a page could not be read, or the triage itself asks
  for review; each document counted once, under the first of those reasons.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import PurePath

from .appeal import amount_at_stake
from .datamodel import Category, PageMethod, Result

__all__ = ["BatchStats", "batch_stats", "render_report", "artifact_tables", "DEADLINE_BUCKETS"]

UNCLASSIFIED = "unclassified"
UNKNOWN_PAYER = "payer not found"
OTHER_PAYERS = "other payers"
TOP_PAYERS = 10

#: (key, label, colour) in display order; days_left upper bounds in _bucket().
DEADLINE_BUCKETS: tuple[tuple[str, str, str], ...] = (
    ("overdue", "Overdue", "#c62828"),
    ("due_14", "Due within 14 days", "#ef6c00"),
    ("due_30", "Due in 15\u201330 days", "#f9a825"),
    ("later", "Due later", "#2e7d32"),
    ("no_date", "No date found", "#9e9e9e"),
)
_BUCKET_COLOUR = {k: c for k, _, c in DEADLINE_BUCKETS}

_CATEGORY_COLOUR: dict[str, str] = {
    Category.PRIOR_AUTHORIZATION: "#1f77b4",
    Category.MEDICAL_NECESSITY: "#d62728",
    Category.STEP_THERAPY: "#9467bd",
    Category.MISSING_DOCUMENTATION: "#8c564b",
    Category.CODING_ERROR: "#e377c2",
    Category.NOT_COVERED: "#7f7f7f",
    Category.EXPERIMENTAL_INVESTIGATIONAL: "#bcbd22",
    Category.BENEFIT_LIMIT: "#17becf",
    Category.OUT_OF_NETWORK: "#ff7f0e",
    Category.TIMELY_FILING: "#2ca02c",
    Category.DUPLICATE_CLAIM: "#aec7e8",
    Category.ELIGIBILITY: "#98df8a",
    Category.COORDINATION_OF_BENEFITS: "#c5b0d5",
    Category.NOT_A_DENIAL: "#c7c7c7",
    UNCLASSIFIED: "#555555",
}


def _label(category: str) -> str:
    return category.replace("_", " ")


def _money(x: float) -> str:
    return f"${x:,.0f}" if abs(x) >= 1000 else f"${x:,.2f}"


# --------------------------------------------------------------------------- numbers


@dataclass
class Item:
    """One document as the report needs it (PHI: only for report.html, never artifacts)."""

    name: str  # file name, without folders
    category: str | None
    payer: str | None
    claim: str | None
    amount: float | None
    deadline: date | None
    basis: str | None
    days_left: int | None
    bucket: str
    first_action: str | None
    appeal_draft: str | None
    review: str | None  # reason, when the document needs review
    confidence: float | None


@dataclass
class BatchStats:
    today: date
    documents: int = 0
    ok: int = 0
    failed: int = 0
    denials: int = 0
    not_denials: int = 0
    appeals_advised: int = 0
    money_total: float = 0.0
    money_unknown: int = 0  # denials without any amount
    by_category: dict[str, int] = field(default_factory=dict)
    money_by_category: dict[str, float] = field(default_factory=dict)
    by_payer: dict[str, int] = field(default_factory=dict)
    deadlines: dict[str, int] = field(default_factory=dict)
    review: dict[str, int] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)

    @property
    def needs_review(self) -> int:
        return sum(self.review.values())


def _bucket(days_left: int | None) -> str:
    if days_left is None:
        return "no_date"
    if days_left < 0:
        return "overdue"
    if days_left <= 14:
        return "due_14"
    if days_left <= 30:
        return "due_30"
    return "later"


def _review_reason(rec: dict, result: Result | None) -> str | None:
    if rec.get("status") != "ok":
        kind = (rec.get("error") or {}).get("kind") or "unknown"
        return f"failed: {kind}"
    assert result is not None
    if any(p.method is PageMethod.ERROR for p in result.pages):
        return "a page could not be read"
    if result.needs_review:
        return "uncertain classification"
    return None


def batch_stats(records: Iterable[dict], *, today: date | None = None) -> BatchStats:
    """Every number of the report, from ``results.jsonl`` records."""
    from .recommend import worklist_row

    today = today or date.today()
    st = BatchStats(today=today)
    cats: Counter[str] = Counter()
    money: defaultdict[str, float] = defaultdict(float)
    payers: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    review: Counter[str] = Counter()
    for rec in records:
        st.documents += 1
        result = Result.model_validate(rec) if rec.get("status") == "ok" else None
        reason = _review_reason(rec, result)
        if reason:
            review[reason] += 1
        name = PurePath(str(rec.get("source", ""))).name
        if result is None:
            st.failed += 1
            st.items.append(Item(name, None, None, None, None, None, None, None, "no_date",
                                 None, None, reason, None))
            continue
        st.ok += 1
        cat = result.category.value if result.category else UNCLASSIFIED
        row = worklist_row(result, today=today)
        target = result.appeal_deadline or (
            date.fromisoformat(str(row["next_due"])) if row["next_due"] else None
        )
        days_left = row["days_left"] if isinstance(row["days_left"], int) else None
        amount = amount_at_stake(result)
        item = Item(
            name=name, category=cat, payer=result.payer, claim=result.claim_number,
            amount=amount, deadline=target,
            basis=result.deadline_basis if result.appeal_deadline else "action due",
            days_left=days_left, bucket=_bucket(days_left),
            first_action=str(row["first_action"]) if row["first_action"] else None,
            appeal_draft=result.appeal_draft, review=reason, confidence=result.confidence,
        )
        st.items.append(item)
        if result.appeal_draft:
            st.appeals_advised += 1
        if cat == Category.NOT_A_DENIAL:
            st.not_denials += 1
            continue
        st.denials += 1
        cats[cat] += 1
        payers[(result.payer or "").strip() or UNKNOWN_PAYER] += 1
        buckets[item.bucket] += 1
        if amount is None:
            st.money_unknown += 1
        else:
            money[cat] += amount
            st.money_total += amount
    st.by_category = dict(sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])))
    st.money_by_category = {k: round(v, 2) for k, v in
                            sorted(money.items(), key=lambda kv: (-kv[1], kv[0]))}
    st.money_total = round(st.money_total, 2)
    ranked = sorted(payers.items(), key=lambda kv: (kv[0] == UNKNOWN_PAYER, -kv[1], kv[0]))
    named = [kv for kv in ranked if kv[0] != UNKNOWN_PAYER]
    top = dict(named[:TOP_PAYERS])
    rest = sum(v for _, v in named[TOP_PAYERS:])
    if rest:
        top[f"{OTHER_PAYERS} ({len(named) - TOP_PAYERS})"] = rest
    if payers.get(UNKNOWN_PAYER):
        top[UNKNOWN_PAYER] = payers[UNKNOWN_PAYER]
    st.by_payer = top
    st.deadlines = {k: buckets.get(k, 0) for k, _, _ in DEADLINE_BUCKETS}
    st.review = dict(sorted(review.items(), key=lambda kv: (-kv[1], kv[0])))
    return st


def artifact_tables(st: BatchStats) -> dict[str, list[dict]]:
    """Counts for the Prefect UI: categories, deadlines, review reasons. No identifiers,
    no payer names, no file names."""
    docs = Counter(i.category for i in st.items if i.category)
    appeals = Counter(i.category for i in st.items if i.appeal_draft)
    review = Counter(i.category for i in st.items if i.review and i.category)
    by_category = [
        {"category": c, "documents": n, "appeal_drafts": appeals.get(c, 0),
         "needs_review": review.get(c, 0),
         "money_at_stake": st.money_by_category.get(c, 0.0)}
        for c, n in sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    deadlines = [{"deadline": label, "denials": st.deadlines.get(k, 0)}
                 for k, label, _ in DEADLINE_BUCKETS]
    review_rows = [{"reason": r, "documents": n} for r, n in st.review.items()]
    return {"by_category": by_category, "deadlines": deadlines, "review": review_rows}


# --------------------------------------------------------------------------- SVG


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _trunc(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def _hbar(chart_id: str, rows: list[tuple[str, str, float, str, str]], *, width: int = 560,
          empty: str = "Nothing to show.") -> str:
    """Horizontal bars. rows: (key, label, value, value text, colour)."""
    if not rows:
        return f'<p class="empty" id="{_e(chart_id)}">{_e(empty)}</p>'
    label_w, value_w, row_h, pad = 200, 80, 26, 4
    bar_w = width - label_w - value_w
    top = max(r[2] for r in rows) or 1
    height = row_h * len(rows) + pad
    out = [f'<svg id="{_e(chart_id)}" class="chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img">']
    for i, (key, label, value, text, colour) in enumerate(rows):
        y = i * row_h + pad
        w = max(2.0, bar_w * value / top) if value > 0 else 0
        out.append(
            f'<g class="row" data-key="{_e(key)}" data-value="{_e(value)}">'
            f'<title>{_e(label)}: {_e(text)}</title>'
            f'<text class="label" x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
            f'{_e(_trunc(label, 25))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" rx="3" '
            f'fill="{colour}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 16}">{_e(text)}</text>'
            "</g>"
        )
    out.append("</svg>")
    return "".join(out)


def _timeline(st: BatchStats, *, width: int = 940) -> str:
    """Deadlines on a time axis: one dot per denial, stacked where dates are close,
    coloured by urgency; today marked, the past shaded."""
    dated = [i for i in st.items
             if i.deadline and i.category and i.category != Category.NOT_A_DENIAL]
    if not dated:
        return '<p class="empty" id="chart-timeline">No deadlines found.</p>'
    today = st.today
    days = [i.deadline for i in dated if i.deadline]
    start = min(min(days), today) - timedelta(days=7)
    end = max(max(days), today + timedelta(days=30)) + timedelta(days=7)
    span = max(1, (end - start).days)
    left, right, dot = 30, 30, 12
    step = dot + 2
    plot_w = width - left - right

    def x_of(d: date) -> float:
        return left + (d - start).days / span * plot_w

    cols: defaultdict[int, list[Item]] = defaultdict(list)
    for i in sorted(dated, key=lambda i: (i.deadline or today, i.name)):
        cols[int((x_of(i.deadline or today) - left) // step)].append(i)
    stack = max(len(v) for v in cols.values())
    axis_y = 26 + stack * step + 4
    height = axis_y + 26

    out = [f'<svg id="chart-timeline" class="chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img">']
    tx = x_of(today)
    out.append(f'<rect x="{left}" y="18" width="{max(0.0, tx - left):.1f}" '
               f'height="{axis_y - 18}" fill="#fdecea"/>')
    out.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="16" y2="{axis_y}" stroke="#333" '
               'stroke-dasharray="3 3"/>')
    out.append(f'<text class="today" x="{tx:.1f}" y="12" text-anchor="middle">today '
               f'{today.isoformat()}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}" '
               'stroke="#333"/>')
    # month ticks, at most ~12 labels
    m = date(start.year, start.month, 1)
    n_months = (end.year - m.year) * 12 + end.month - m.month + 1
    every = max(1, math.ceil(n_months / 12))
    k = 0
    while m <= end:
        if m >= start and k % every == 0:
            x = x_of(m)
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axis_y}" y2="{axis_y + 5}" '
                       'stroke="#333"/>')
            out.append(f'<text class="tick" x="{x:.1f}" y="{axis_y + 18}" '
                       f'text-anchor="middle">{m:%b %Y}</text>')
        k += 1
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    for col, items in sorted(cols.items()):
        cx = left + col * step + step / 2
        for j, i in enumerate(items):
            cy = axis_y - 2 - step / 2 - j * step
            tip = (f"{i.deadline.isoformat() if i.deadline else ''} \u00b7 "
                   f"{_label(i.category or UNCLASSIFIED)} \u00b7 {i.payer or '?'} \u00b7 "
                   f"claim {i.claim or '?'}")
            left_days = "" if i.days_left is None else f"{i.days_left}"
            out.append(
                f'<circle class="dot" data-bucket="{i.bucket}" data-days-left="{left_days}" '
                f'cx="{cx:.1f}" cy="{cy:.1f}" r="{dot / 2 - 0.5}" '
                f'fill="{_BUCKET_COLOUR[i.bucket]}"><title>{_e(tip)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------- page

_CSS = """
:root { --ink:#222; --muted:#666; --line:#ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
       sans-serif; color: var(--ink); margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 6px; }
.sub { color: var(--muted); margin: 0 0 14px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(118px, 1fr));
         gap: 10px; margin: 16px 0; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .n { font-size: 26px; font-weight: 600; display: block; }
.tile .t { color: var(--muted); font-size: 12px; }
.tile.alert .n { color: #c62828; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr));
        gap: 8px 28px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg text { font: 12px system-ui, Helvetica, Arial, sans-serif; fill: var(--ink); }
svg text.value { font-weight: 600; }
svg text.tick, svg text.today { fill: var(--muted); font-size: 11px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 4px 0 8px; padding: 0; }
.legend li { list-style: none; font-size: 13px; }
.legend .sw { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
              margin-right: 5px; vertical-align: -1px; }
.legend b { margin-left: 4px; }
.timeline-wrap, .table-wrap { overflow-x: auto; }
td.nw { white-space: nowrap; }
a { color: #1a5fb4; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 6px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pill { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff;
        font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 12px; margin: 30px 0 10px; }
@media print { body { margin: 0; } .grid { grid-template-columns: 1fr 1fr; } }
"""

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


def _tile(n: object, text: str, tile_id: str, alert: bool = False) -> str:
    cls = "tile alert" if alert else "tile"
    return (f'<div class="{cls}" id="{tile_id}"><span class="n">{_e(n)}</span>'
            f'<span class="t">{_e(text)}</span></div>')


def _draft_links(rel: str | None) -> str:
    """Relative links to the draft files next to the report (nothing is fetched)."""
    if not rel:
        return ""
    from .appeal import draft_paths

    p = draft_paths(rel)
    links = [("letter", p[("billing_office", "txt")]), ("PDF", p[("billing_office", "pdf")]),
             ("patient", p[("patient", "txt")])]
    return " \u00b7 ".join(f'<a href="{_e(href)}">{label}</a>' for label, href in links)


def _deadline_table(st: BatchStats, limit: int = 15) -> str:
    rows = sorted(
        (i for i in st.items if i.deadline and i.category != Category.NOT_A_DENIAL
         and i.category),
        key=lambda i: (i.deadline, i.name),  # type: ignore[arg-type, return-value]
    )[:limit]
    if not rows:
        return ""
    body = "".join(
        f"<tr><td class='num'>{_e(i.days_left if i.days_left is not None else '')}</td>"
        f"<td class='nw'>{_e(i.deadline.isoformat() if i.deadline else '')}</td>"
        f"<td>{_e(i.basis or '')}</td>"
        f"<td><span class='pill' style='background:{_BUCKET_COLOUR[i.bucket]}'>"
        f"{_e(_label(i.category or UNCLASSIFIED))}</span></td>"
        f"<td>{_e(_trunc(i.payer or '', 40))}</td><td>{_e(i.claim or '')}</td>"
        f"<td class='num'>{_e(_money(i.amount) if i.amount is not None else '')}</td>"
        f"<td>{_e(_trunc(i.first_action or '', 60))}</td>"
        f"<td>{_draft_links(i.appeal_draft)}</td></tr>"
        for i in rows
    )
    return (
        "<div class='table-wrap'><table id='table-deadlines'><thead><tr><th>days left</th>"
        "<th>deadline</th>"
        "<th>basis</th><th>category</th><th>payer</th><th>claim</th><th>at stake</th>"
        f"<th>first action</th><th>appeal draft</th></tr></thead><tbody>{body}</tbody></table>"
        "</div>"
    )


def _review_table(st: BatchStats) -> str:
    rows = [i for i in st.items if i.review]
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{_e(i.name)}</td><td>{_e(i.review)}</td>"
        f"<td>{_e(_label(i.category) if i.category else '')}</td>"
        f"<td class='num'>{_e(f'{i.confidence:.2f}' if i.confidence is not None else '')}</td>"
        "</tr>"
        for i in sorted(rows, key=lambda i: (i.review or "", i.name))
    )
    return ("<table id='table-review'><thead><tr><th>file</th><th>why</th><th>category</th>"
            f"<th>confidence</th></tr></thead><tbody>{body}</tbody></table>")


def render_report(records: Iterable[dict], *, today: date | None = None,
                  stats: BatchStats | None = None) -> str:
    """The complete HTML page (UTF-8 text) for these records."""
    st = stats or batch_stats(records, today=today)
    cat_rows = [(c, _label(c), float(n), str(n), _CATEGORY_COLOUR.get(c, "#555"))
                for c, n in st.by_category.items()]
    payer_rows = [(p, p, float(n), str(n), "#5c6bc0" if p != UNKNOWN_PAYER else "#9e9e9e")
                  for p, n in st.by_payer.items()]
    money_rows = [(c, _label(c), v, _money(v), _CATEGORY_COLOUR.get(c, "#555"))
                  for c, v in st.money_by_category.items()]
    review_rows = [(r, r, float(n), str(n), "#c62828" if r.startswith("failed") else "#ef6c00")
                   for r, n in st.review.items()]
    legend = "".join(
        f'<li data-bucket="{k}"><span class="sw" style="background:{c}"></span>{_e(label)}'
        f'<b class="count">{st.deadlines.get(k, 0)}</b></li>'
        for k, label, c in DEADLINE_BUCKETS
    )
    urgent = st.deadlines.get("overdue", 0) + st.deadlines.get("due_14", 0)
    tiles = "".join([
        _tile(st.documents, "documents", "tile-documents"),
        _tile(st.denials, "denials", "tile-denials"),
        _tile(_money(st.money_total), "money at stake", "tile-money"),
        _tile(st.appeals_advised, "appeal drafts", "tile-appeals"),
        _tile(urgent, "overdue or due in 14 days", "tile-urgent", alert=urgent > 0),
        _tile(st.needs_review, "need review", "tile-review", alert=st.needs_review > 0),
        _tile(st.failed, "failed", "tile-failed", alert=st.failed > 0),
    ])
    money_note = (f"{st.money_unknown} denial(s) without an amount are not included. "
                  if st.money_unknown else "")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Denial triage report {st.today.isoformat()}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Denial triage report</h1>
<p class="sub">{st.documents} document(s) as of {st.today.isoformat()}: {st.denials} denial(s),
{st.not_denials} not a denial, {st.failed} failed. Contains patient information: keep it
in the output folder.</p>
<div class="tiles">{tiles}</div>
<div class="grid">
<figure><h2>Denials by category</h2>{_hbar("chart-category", cat_rows, empty="No denials.")}
<figcaption>Documents that are not denials ({st.not_denials}) are left out.</figcaption></figure>
<figure><h2>Money at stake by category</h2>{_hbar("chart-money", money_rows,
                                                   empty="No amounts found.")}
<figcaption>{_e(money_note)}Denied service lines when listed, else the amount
billed.</figcaption></figure>
<figure><h2>Denials by payer</h2>{_hbar("chart-payer", payer_rows, empty="No denials.")}
<figcaption>Payer names as read from the documents.</figcaption></figure>
<figure><h2>Documents needing review</h2>{_hbar("chart-review", review_rows,
                                                 empty="Nothing needs review.")}
<figcaption>Each document counted once, under its first reason.</figcaption></figure>
</div>
<h2>Deadlines</h2>
<ul class="legend" id="legend-deadlines">{legend}</ul>
<div class="timeline-wrap">{_timeline(st)}</div>
<p class="sub">One dot per denial at its appeal deadline (or its first action's due date
when no appeal deadline was found); dots close in time are stacked; the shaded part is
in the past.
Hover a dot for details.</p>
{_deadline_table(st)}
<h2>Needing review</h2>
{_review_table(st) or '<p class="empty">Nothing needs review.</p>'}
<footer>Generated by denials from results.jsonl. Check every figure against the original
documents before acting on it.</footer>
</body>
</html>
"""
