"""Synthetic claim/request scenarios: who, what, when, how much, and why denied.

A :class:`Scenario` holds the facts one document is about. Templates print
(some of) these facts; they then build the ground truth from what they printed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import catalog as C
from .doc import fmt_date

# ---------------------------------------------------------------- forcing a reason / plan type


@dataclass(frozen=True)
class Forced:
    """What :func:`forcing` asks of the next scenarios (None = no constraint)."""

    reason: Callable[[C.Reason], bool] | None = None
    plan_types: tuple[str, ...] | None = None


_FORCED: ContextVar[Forced | None] = ContextVar("corpus_forced", default=None)
_NOTHING_FORCED = Forced()


def _forced() -> Forced:
    return _FORCED.get() or _NOTHING_FORCED


@contextmanager
def forcing(
    reason: str | Callable[[C.Reason], bool] | None = None,
    plan_type: str | tuple[str, ...] | None = None,
) -> Iterator[None]:
    """Make every :func:`make_scenario` in the block use this reason and/or plan type.

    ``reason`` is a :class:`~pipeline.corpus.catalog.Reason` key (``"md_records"``) or a
    predicate on reasons (``lambda r: "MA130" in r.rarc``); ``plan_type`` a payer plan
    type (``"medicaid"``) or a tuple of them. The family's own restrictions (kind,
    reason filter, payer types) still apply: a combination the family cannot print
    raises ``ValueError`` instead of silently choosing something else. Outside the block
    generation is unchanged (same seed, same document).
    """
    if isinstance(reason, str):
        if reason not in C.REASON_BY_KEY:
            raise ValueError(f"unknown reason {reason!r}")
        key = reason
        pred: Callable[[C.Reason], bool] | None = lambda r: r.key == key  # noqa: E731
    else:
        pred = reason
    types = (plan_type,) if isinstance(plan_type, str) else plan_type
    token = _FORCED.set(Forced(pred, types))
    try:
        yield
    finally:
        _FORCED.reset(token)


@dataclass
class Person:
    first: str
    middle: str
    last: str
    dob: date
    street: str
    city: str
    state: str
    zip: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def full_mi(self) -> str:
        return f"{self.first} {self.middle}. {self.last}"

    @property
    def last_first(self) -> str:
        return f"{self.last.upper()}, {self.first.upper()}"


@dataclass
class Provider:
    practice: str
    kind: str
    doctor: str
    npi: str
    street: str
    city: str
    state: str
    zip: str
    tin: str


@dataclass
class Line:
    n: int
    dos: date
    svc: C.Service
    modifiers: list[str]
    units: int
    billed: float
    dx: str
    claim: str
    allowed: float = 0.0
    paid: float = 0.0
    adjs: list[tuple[str, str, float]] = field(default_factory=list)  # group, carc, amount
    rarc: list[str] = field(default_factory=list)
    denied: bool = False
    reason: C.Reason | None = None

    @property
    def pr(self) -> float:
        return round(float(sum(a for g, _, a in self.adjs if g == "PR")), 2)


@dataclass
class Claim:
    number: str
    patient: Person
    member_id: str
    lines: list[Line]
    received: date
    provider: Provider

    @property
    def billed(self) -> float:
        return round(sum(ln.billed for ln in self.lines), 2)

    @property
    def paid(self) -> float:
        return round(float(sum(ln.paid for ln in self.lines)), 2)

    @property
    def pr(self) -> float:
        return round(float(sum(ln.pr for ln in self.lines)), 2)

    @property
    def denied(self) -> bool:
        return any(ln.denied for ln in self.lines)


def luhn_npi(rng: random.Random) -> str:
    base = "1" + "".join(rng.choice("0123456789") for _ in range(8))
    digits = "80840" + base
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    check = (10 - total % 10) % 10
    return base + str(check)


def person(rng: random.Random, old: bool = False) -> Person:
    city, state = rng.choice(C.CITIES)
    year = rng.randint(1940, 1959) if old else rng.randint(1952, 2004)
    return Person(
        rng.choice(C.FIRST),
        rng.choice(C.MIDDLE),
        rng.choice(C.LAST),
        date(year, rng.randint(1, 12), rng.randint(1, 28)),
        f"{rng.randint(12, 9980)} {rng.choice(C.STREETS)}",
        city,
        state,
        f"{rng.randint(10000, 99899):05d}",
    )


def provider(rng: random.Random, kind: str) -> Provider:
    options = [p for p in C.PRACTICES if p[1] == kind] or [
        p for p in C.PRACTICES if p[1] in ("pain", "primary")
    ]
    name, k = rng.choice(options)
    doc = f"{rng.choice(C.FIRST)} {rng.choice(C.LAST)}"
    cred = {"pt": "PT, DPT", "chiro": "DC", "acu": "LAc"}.get(k, rng.choice(["MD", "DO"]))
    city, state = rng.choice(C.CITIES)
    return Provider(
        name,
        k,
        f"{doc}, {cred}",
        luhn_npi(rng),
        f"{rng.randint(100, 4999)} {rng.choice(C.STREETS)}, Suite {rng.randint(1, 4)}"
        f"{rng.randint(0, 9)}0",
        city,
        state,
        f"{rng.randint(10000, 99899):05d}",
        f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
    )


def member_id(rng: random.Random, plan_type: str) -> str:
    L = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    if plan_type == "medicare":  # MBI-shaped
        a = "ACDEFGHJKMNPQRTUVWXY"
        return (
            f"{rng.randint(1, 9)}{rng.choice(a)}{rng.choice(a + '0123456789')}"
            f"{rng.randint(0, 9)}{rng.choice(a)}{rng.choice(a + '0123456789')}"
            f"{rng.randint(0, 9)}{rng.choice(a)}{rng.choice(a)}{rng.randint(10, 99)}"
        )
    if plan_type == "medicaid":
        return f"{rng.randint(10000000, 99999999)}{rng.choice(L)}"
    if plan_type == "workers_comp":
        return f"WC{rng.randint(100000, 999999)}"
    style = rng.randrange(3)
    if style == 0:
        return "".join(rng.choice(L) for _ in range(3)) + f"{rng.randint(100000000, 999999999)}"
    if style == 1:
        return f"{rng.choice(L)}{rng.randint(10000000, 99999999)}0{rng.randint(1, 4)}"
    return f"{rng.randint(100, 999)}{rng.choice(L)}{rng.randint(10000, 99999)}"


def claim_number(rng: random.Random, d: date) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"{d:%Y%m%d}{rng.randint(10000, 99999)}"
    if style == 1:
        return f"E{d:%y}-{d.timetuple().tm_yday:03d}-{rng.randint(10000, 99999)}"
    if style == 2:
        return f"C{rng.randint(1000000000, 9999999999)}"
    return f"{d:%y}{rng.choice('ABCDEFGH')}{rng.randint(1000000, 9999999)}R{rng.randint(10, 99)}"


def pick_payer(rng: random.Random, types: tuple[str, ...]) -> C.Payer:
    forced = _forced().plan_types
    if forced is not None:
        types = tuple(t for t in types if t in forced)
        if not types:
            raise ValueError(f"plan type(s) {forced} not offered here")
    return rng.choice([p for p in C.PAYERS if p.plan_type in types])


@dataclass
class Scenario:
    rng: random.Random
    category: str
    reason: C.Reason | None
    reason2: C.Reason | None
    payer: C.Payer
    patient: Person
    member_id: str
    group_no: str
    prov: Provider
    letter_date: date
    claims: list[Claim]
    kind: str  # med | pre | rx
    date_style: str
    values: dict[str, str]
    drug: C.Drug | None = None
    pharmacy: str = ""
    requested: list[Line] = field(default_factory=list)  # pre-service requested services

    # ---- convenience
    @property
    def claim(self) -> Claim | None:
        return self.claims[0] if self.claims else None

    def d(self, x: date) -> str:
        return fmt_date(x, self.date_style)

    def denied_lines(self) -> list[Line]:
        if self.kind == "pre":
            return self.requested
        return [ln for c in self.claims for ln in c.lines if ln.denied]

    def main_lines(self) -> list[Line]:
        """Lines the document is about: denied lines, or all lines when nothing is denied."""
        if self.kind == "pre":
            return self.requested
        dl = self.denied_lines()
        if dl:
            return dl
        return [ln for c in self.claims[:1] for ln in c.lines]

    def text(self, phrase: str) -> str:
        return phrase.format(**self.values)

    def member_reason(self, reason: C.Reason | None = None) -> str:
        r = reason or self.reason
        assert r is not None
        return self.text(self.rng.choice(r.member))

    def provider_reason(self, reason: C.Reason | None = None) -> str:
        r = reason or self.reason
        assert r is not None
        return self.text(self.rng.choice(r.provider))

    def codes(self, carc=True, group=True, rarc=True, proc=True, dx=True, ndc=True) -> dict:
        """Ground-truth ``codes`` for the lines this document is about."""
        out: dict[str, list[str]] = {
            k: [] for k in ("carc", "rarc", "group", "cpt", "hcpcs", "icd10", "ndc")
        }

        def add(k, v):
            if v and v not in out[k]:
                out[k].append(v)

        for ln in self.main_lines():
            if ln.denied:
                for g, c, _ in ln.adjs:
                    if c in ("45", "1", "2", "3", "253"):
                        continue
                    if carc:
                        add("carc", c)
                    if group:
                        add("group", g)
                if rarc:
                    for r in ln.rarc:
                        add("rarc", r)
            if proc:
                add("cpt" if ln.svc.kind == "cpt" else "hcpcs", ln.svc.code)
            if dx:
                add("icd10", ln.dx)
        if self.drug is not None:
            if ndc:
                add("ndc", C.ndc11(self.drug.ndc))
            if dx:
                add("icd10", self.values["dx"])
        return out


MEDICARE_ONLY = {"nc_statutory", "mn_lcd", "ce_dx_lcd"}
FREE_TAGS = {"proc", "therapy", "imaging", "dme", "em"}


def _pick_service(rng: random.Random, reason: C.Reason | None, plan_type: str) -> C.Service:
    pool = [s for s in C.SERVICES if "bundled" not in s.tags and "drug" not in s.tags]
    if reason is not None and reason.svc_tags:
        pool = [s for s in C.SERVICES if s.tags & reason.svc_tags]
    elif reason is None or not reason.svc_tags:
        pool = [s for s in pool if "em" not in s.tags and "lab" not in s.tags]
    if reason is not None and reason.category != "experimental_investigational":
        # experimental-only procedures appear only in experimental denials or paid lines
        pool = [s for s in pool if "experimental" not in s.tags] or pool
    return rng.choice(pool)


def _mods(rng: random.Random, svc: C.Service, plan_type: str, reason: C.Reason | None) -> list:
    if reason is not None and reason.key == "ce_modifier":
        return []
    if "chiro" in svc.tags:
        return ["AT"]
    if "therapy" in svc.tags and "pt" in svc.tags:
        return (
            ["GP", "KX"]
            if plan_type in ("medicare", "medicare_advantage") and rng.random() < 0.5
            else ["GP"]
        )
    if svc.code in ("64483", "64493", "64490", "64635", "64633", "27096", "64624"):
        return [rng.choice(["RT", "LT", "50"])]
    return []


def _pay(rng: random.Random, ln: Line, plan_type: str, deductible_left: list[float]) -> None:
    ratio = rng.uniform(0.42, 0.8)
    allowed = round(ln.billed * ratio, 2)
    ln.allowed = allowed
    ln.adjs.append(("CO", "45", round(ln.billed - allowed, 2)))
    rest = allowed
    if deductible_left[0] > 0:
        ded = round(min(deductible_left[0], rest), 2)
        deductible_left[0] = round(deductible_left[0] - ded, 2)
        ln.adjs.append(("PR", "1", ded))
        rest = round(rest - ded, 2)
    if rest > 0:
        if plan_type in ("medicare", "medicare_advantage") or rng.random() < 0.6:
            coins = round(rest * 0.2, 2)
            ln.adjs.append(("PR", "2", coins))
            rest = round(rest - coins, 2)
        elif rest > 40:
            ln.adjs.append(("PR", "3", 40.0))
            rest = round(rest - 40, 2)
    ln.paid = round(rest, 2)


def _deny(ln: Line, reason: C.Reason) -> None:
    ln.denied = True
    ln.reason = reason
    ln.allowed = 0.0
    ln.paid = 0.0
    ln.adjs = [(reason.group or "CO", reason.carc or "A1", ln.billed)]
    ln.rarc = list(reason.rarc)


def _rx_qty(drug: C.Drug, reason: C.Reason | None) -> str:
    limit = int(drug.ql.split()[0])
    if reason is not None and reason.key == "bl_quantity":
        return str(limit * 2)
    return str(min(drug.qty, limit))


def make_scenario(
    rng: random.Random,
    category: str,
    kind: str,
    payer_types: tuple[str, ...],
    *,
    secondary: bool = False,
    n_claims: int = 1,
    force_zero_paid: bool = False,
    reason_filter=None,
) -> Scenario:
    """Build the facts for one document.

    ``kind``: ``med`` (post-service claim), ``pre`` (request for approval) or ``rx``.
    """
    payer = pick_payer(rng, payer_types)
    pt = payer.plan_type
    reason = None
    forced = _forced().reason
    if category != "not_a_denial" or forced is not None:  # non-denials: on request only
        pool = [
            r
            for r in C.REASONS_BY_CAT.get(category, [])
            if (r.kind == kind if kind != "pre" else r.key in C.PRE_OK)
            and (r.sampled or forced is not None)
        ]
        if pt not in ("medicare", "medicare_advantage"):
            pool = [r for r in pool if r.key not in MEDICARE_ONLY] or pool
        if reason_filter:
            pool = [r for r in pool if reason_filter(r)] or pool
        if forced is not None:
            pool = [r for r in pool if forced(r)]
        if not pool:
            raise ValueError(f"no reason for {category}/{kind}")
        reason = rng.choice(pool)
    patient = person(rng, old=pt in ("medicare", "medicare_advantage", "part_d"))
    letter_date = date(2025, 1, 6) + timedelta(days=rng.randint(0, 540))
    dos = letter_date - timedelta(days=rng.randint(14, 80))
    tf_days = rng.choice([90, 120, 180, 365])
    if reason is not None and reason.category == "timely_filing":
        recv = dos + timedelta(days=tf_days + rng.randint(4, 70))
        letter_date = recv + timedelta(days=rng.randint(6, 21))
    else:
        recv = dos + timedelta(days=rng.randint(3, 12))
    drug = rng.choice(C.DRUGS) if kind == "rx" else None
    if drug is not None and reason is not None and reason.key == "ei_offlabel":
        drug = next(d for d in C.DRUGS if "lidocaine" in d.name)
    svc = _pick_service(rng, reason, pt) if kind != "rx" else C.SERVICES[0]
    if reason is None and kind != "rx":
        svc = rng.choice(
            [
                s
                for s in C.SERVICES
                if "proc" in s.tags or "therapy" in s.tags or "imaging" in s.tags
            ]
        )
    prov = provider(rng, svc.practice if kind != "rx" else "pain")
    mid = member_id(rng, pt)
    other = rng.choice(
        [p.name for p in C.PAYERS if p.plan_type == "commercial" and p.name != payer.name]
    )
    dx = rng.choice(drug.dx if drug else svc.dx)
    if reason is not None and reason.key == "ce_dx_mismatch":
        # a diagnosis from the other spinal region than the procedure
        dx = "M54.2" if svc.code not in ("62321", "64490", "64633") else "M54.16"
    if reason is not None and reason.key == "nc_statutory" and pt == "medicare":
        dx = "M54.2"
    limit = {"pt": "20", "chiro": "12", "acu": "20"}.get(svc.practice, "4")
    if reason is not None and reason.key == "pa_exceeded":
        limit = rng.choice(["6", "8", "12"])
    values = {
        "service": svc.desc[0].lower() + svc.desc[1:],
        "code": svc.code,
        "drug": drug.name if drug else "",
        "alt1": drug.alts[0] if drug else "physical therapy",
        "alt2": drug.alts[-1] if drug else "medication management",
        "limit": limit,
        "auth": f"A{letter_date:%y}{rng.randint(1000000, 9999999)}",
        "tf_days": str(tf_days),
        "term_date": "",
        "eff_date": "",
        "orig_claim": "",
        "orig_date": "",
        "req_date": "",
        "recv_date": "",
        "other_payer": other,
        "dx": dx,
        "dx_desc": C.ICD_DESC.get(dx, "this condition"),
        "qty": _rx_qty(drug, reason) if drug else "",
        "ql": drug.ql if drug else "",
        "policy": f"MP-{rng.randint(100, 899)}",
        "guideline": rng.choice(C.GUIDELINES),
        "provider": prov.practice,
    }
    sc = Scenario(
        rng,
        category,
        reason,
        None,
        payer,
        patient,
        mid,
        f"{rng.randint(100000, 999999)}",
        prov,
        letter_date,
        [],
        kind,
        rng.choice(["us", "us", "long", "dmy_abbr", "us_short", "abbr", "us_dash"]),
        values,
        drug,
        rng.choice(C.PHARMACIES),
    )
    values["recv_date"] = sc.d(recv)
    values["term_date"] = sc.d(dos - timedelta(days=rng.randint(3, 60)))
    values["eff_date"] = sc.d(dos + timedelta(days=rng.randint(3, 40)))
    values["orig_date"] = sc.d(dos + timedelta(days=rng.randint(15, 30)))
    values["req_date"] = sc.d(letter_date - timedelta(days=rng.randint(46, 60)))

    if kind == "rx":
        return sc
    if kind == "pre":
        units = svc.units if "therapy" in svc.tags else 1
        sc.requested = [
            Line(
                1,
                letter_date + timedelta(days=rng.randint(7, 30)),
                svc,
                _mods(rng, svc, pt, None),
                units if "therapy" not in svc.tags else rng.choice([8, 12, 12, 24]),
                0.0,
                dx,
                "",
                denied=True,
                reason=reason,
            )
        ]
        return sc

    # ---- post-service claims
    deductible = [rng.choice([0.0, 0.0, 150.0, 500.0, 1500.0])]
    if force_zero_paid:
        deductible = [99999.0]
    for ci in range(n_claims):
        if ci == 0:
            pat, pmid, p_svc, p_reason = patient, mid, svc, reason
        else:
            pat, pmid = (
                person(rng, old=pt in ("medicare", "medicare_advantage")),
                member_id(rng, pt),
            )
            p_svc = rng.choice(
                [
                    s
                    for s in C.SERVICES
                    if s.practice in (prov.kind, "any")
                    and "bundled" not in s.tags
                    and "drug" not in s.tags
                ]
                or [svc]
            )
            p_reason = None
        cdos = dos - timedelta(days=rng.randint(0, 20)) if ci else dos
        cnum = claim_number(rng, recv)
        lines: list[Line] = []

        def add_line(
            s: C.Service, when: date, rsn: C.Reason | None, cnum=cnum, cdx=dx, lines=lines
        ) -> Line:
            lo, hi = s.charge
            units = s.units if "therapy" in s.tags else 1
            billed = float(rng.randint(lo, hi)) * (units if units > 1 else 1)
            if rng.random() < 0.5:
                billed += rng.choice([0.5, 0.25, 0.75])
            use_dx = cdx if cdx in s.dx or rsn is not None else rng.choice(s.dx)
            ln = Line(
                len(lines) + 1,
                when,
                s,
                _mods(rng, s, pt, rsn),
                units,
                round(billed, 2),
                use_dx,
                cnum,
            )
            lines.append(ln)
            return ln

        main = add_line(p_svc, cdos, p_reason)
        # companions / extra paid lines
        extras: list[C.Service] = []
        if p_reason is not None and p_reason.companion:
            extras.append(C.SERVICE_BY_CODE[p_reason.companion])
        if "proc" in p_svc.tags and rng.random() < 0.5:
            extras.append(C.SERVICE_BY_CODE[rng.choice(["99214", "99204"])])
        if "pt" in p_svc.tags and rng.random() < 0.7:
            extras.append(C.SERVICE_BY_CODE[rng.choice(["97140", "97530", "97110"])])
        if "tens" in p_svc.tags and rng.random() < 0.5:
            extras.append(C.SERVICE_BY_CODE["A4595" if p_svc.code == "E0720" else "E0720"])
        extras = [e for e in extras if e.code != p_svc.code]
        for e in extras:
            ln = add_line(e, cdos, None)
            if e.code == "99214" or e.code == "99204":
                ln.modifiers = ["25"]
        if p_reason is not None:
            _deny(main, p_reason)
            if p_reason.key == "bl_visits" and len(lines) > 1 and "therapy" in lines[1].svc.tags:
                _deny(lines[1], p_reason)  # the whole visit is over the limit
        for ln in lines:
            if not ln.denied:
                _pay(rng, ln, pt, deductible)
        lines.sort(key=lambda x: x.n)
        sc.claims.append(Claim(cnum, pat, pmid, lines, recv, prov))

    if secondary and reason is not None and reason.kind == "med":
        cats = [
            c
            for c in (
                "missing_documentation",
                "coding_error",
                "benefit_limit",
                "not_covered",
                "medical_necessity",
                "duplicate_claim",
            )
            if c != category
        ]
        cat2 = rng.choice(cats)
        pool = [
            r
            for r in C.REASONS_BY_CAT[cat2]
            if r.kind == "med" and not r.companion and r.sampled
        ]
        r2 = rng.choice(pool)
        s2 = _pick_service(rng, r2, pt)
        claim = sc.claims[0]
        main_billed = max(ln.billed for ln in claim.lines if ln.denied)
        lo, hi = s2.charge
        billed = float(min(rng.randint(lo, hi), max(int(main_billed * 0.8), 10)))
        ln2 = Line(
            len(claim.lines) + 1,
            claim.lines[0].dos,
            s2,
            _mods(rng, s2, pt, r2),
            1,
            billed,
            rng.choice(s2.dx),
            claim.number,
        )
        _deny(ln2, r2)
        claim.lines.append(ln2)
        sc.reason2 = r2
        values.setdefault("code2", s2.code)
    if reason is not None and reason.category == "duplicate_claim":
        values["orig_claim"] = claim_number(rng, recv - timedelta(days=rng.randint(10, 40)))
    return sc
