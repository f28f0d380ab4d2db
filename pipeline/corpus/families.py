"""Template families: each turns a :class:`Scenario` into a :class:`Doc` plus ground truth.

All wording here was written for this corpus. Families differ in layout
(letters, boxed notices, tables, fixed-width vouchers, key/value blocks), in
audience (member, provider) and in how codes are written.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from . import catalog as C
from .doc import KV, Box, Doc, Logo, Mono, PageBreak, Para, Rule, Space, Style, Table, Title, money
from .scenario import Line, Scenario, make_scenario

COMMERCIAL = ("commercial", "tpa")
SPECIALTIES = [
    "Anesthesiology",
    "Physical Medicine and Rehabilitation",
    "Pain Medicine",
    "Orthopedic Surgery",
]
MED_CATS = [c for c in C.CATEGORIES if c != "not_a_denial"]


# ============================================================================ helpers


def carc_fmt(rng: random.Random, group: str, carc: str) -> tuple[str, bool]:
    """A CARC written in one of the many ways letters do; returns (text, group printed)."""
    style = rng.randrange(7)
    if style == 0:
        return f"{group}-{carc}", True
    if style == 1:
        return f"{group}{carc}", True
    if style == 2:
        return f"{group} {carc}", True
    if style == 3:
        return f"reason code {carc}", False
    if style == 4:
        return f"CARC: {carc}", False
    if style == 5:
        return f"{carc} (group {group})", True
    return f"Adj {group}/{carc}", True


def logo(sc: Scenario, shape: str | None = None, name: str | None = None) -> Logo:
    p = sc.payer
    shape = shape or sc.rng.choice(["circle", "square", "triangle", "bars", "none"])
    return Logo(
        name or p.name,
        p.short,
        shape,
        p.tagline,
        [
            f"PO Box {sc.rng.randint(1000, 99999)}",
            f"{p.city}, {p.state} {sc.rng.randint(10000, 99899):05d}",
            p.phone,
            p.web,
        ],
    )


def addr_person(sc: Scenario) -> list[str]:
    pt = sc.patient
    return [
        pt.full_mi.upper() if sc.rng.random() < 0.5 else pt.full_mi,
        pt.street,
        f"{pt.city}, {pt.state} {pt.zip}",
    ]


def addr_provider(sc: Scenario) -> list[str]:
    pr = sc.prov
    return [
        pr.practice,
        "Attn: Billing Office" if sc.rng.random() < 0.5 else pr.doctor,
        pr.street,
        f"{pr.city}, {pr.state} {pr.zip}",
    ]


def deadline(
    sc: Scenario, days: int, modes=("notice", "receipt", "date"), who: str = "your appeal"
) -> tuple[str, date | None]:
    mode = sc.rng.choice(modes)
    if mode == "notice":
        return (
            f"You must send {who} within {days} days of the date of this notice.",
            sc.letter_date + timedelta(days=days),
        )
    if mode == "date":
        due = sc.letter_date + timedelta(days=days)
        return f"We must receive {who} by {sc.d(due)}.", due
    return (f"You have {days} days from the day you receive this letter to send {who}.", None)


def appeal_paras(
    sc: Scenario, days: int, modes=("notice", "receipt", "date"), external: bool = True
) -> tuple[list, date | None]:
    rng = sc.rng
    sentence, due = deadline(sc, days, modes)
    blocks: list = [Title("Your right to appeal", 1)]
    blocks.append(
        Para(
            rng.choice(
                [
                    "If you disagree with this decision, you or someone you name to act for you "
                    "may ask us "
                    "to review it again. This is called an appeal. ",
                    "You may ask for an internal appeal of this decision. Your provider may appeal "
                    "for you "
                    "if you give written permission. ",
                ]
            )
            + sentence
        )
    )
    blocks.append(
        Para(
            rng.choice(
                [
                    "Send your appeal in writing with a copy of this letter and any records, notes "
                    "or "
                    "letters from your doctor that support your request.",
                    "Include your name, member ID, the claim number and the reason you think we "
                    "should "
                    "change our decision. You may also send medical records and a letter from your "
                    "doctor.",
                ]
            )
        )
    )
    if rng.random() < 0.7:
        # boilerplate that names other denial categories (a classifier trap)
        blocks.append(
            Para(
                rng.choice(
                    [
                        "If our decision involved medical judgment, including whether a service is "
                        "medically necessary, experimental or investigational, or required prior "
                        "authorization, a health care professional who was not involved in the "
                        "first "
                        "decision will review your appeal.",
                        "Common reasons for denials include missing prior authorization, "
                        "out-of-network "
                        "providers, and missing information. This list is general and may not "
                        "apply to "
                        "your claim.",
                        "For urgent situations, including requests for prior authorization of "
                        "ongoing "
                        "treatment, you may ask for an expedited (fast) appeal. We will decide "
                        "within 72 "
                        "hours.",
                    ]
                ),
                "small",
            )
        )
    if external:
        blocks.append(
            Para(
                "If we uphold our decision, you may have the right to an independent external "
                "review. You must ask for an external review within four months after you receive "
                "our final appeal decision.",
                "small",
            )
        )
    blocks.append(
        Para(
            f"You may ask for free copies of all documents, records and the "
            f"guideline we used to make this decision by calling "
            f"{sc.payer.phone}.",
            "small",
        )
    )
    return blocks, due


def taglines(sc: Scenario, k: int | None = None) -> list:
    rng = sc.rng
    k = k or rng.randint(2, 5)
    lines = rng.sample(C.TAGLINES, k)
    blocks: list = [Para("Language assistance / Asistencia con idiomas", "bold")]
    blocks += [Para(t, "small") for t in lines]
    if rng.random() < 0.6:
        blocks.append(
            Para(
                f"{sc.payer.name} complies with applicable federal civil rights laws and does not "
                "discriminate on the basis of race, color, national origin, age, disability or "
                "sex. "
                "Free aids and services, such as qualified interpreters and written information in "
                "other formats, are available on request.",
                "small",
            )
        )
    return blocks


def style_for(
    sc: Scenario,
    font: str | None = None,
    header: str = "",
    footer: str = "",
    size: float | None = None,
) -> Style:
    rng = sc.rng
    acc = rng.choice(
        [(0.1, 0.25, 0.5), (0.0, 0.4, 0.35), (0.45, 0.1, 0.3), (0.2, 0.2, 0.2), (0.55, 0.3, 0.0)]
    )
    return Style(
        font or rng.choice(["Helvetica", "Helvetica", "Times-Roman"]),
        size or rng.choice([9, 9.5, 10, 10.5, 11]),
        rng.choice([42, 50, 58, 66]),
        acc,
        header,
        footer,
    )


def form_no(sc: Scenario) -> str:
    return (
        f"{sc.payer.short}-{sc.rng.choice(['ADV', 'DN', 'CLM', 'UM', 'NTC'])}-"
        f"{sc.rng.randint(100, 999)} "
        f"(Rev. {sc.rng.randint(1, 12):02d}/{sc.rng.choice([23, 24, 25])})"
    )


def billed_total(lines: list[Line], printed: tuple[float, ...] = ()) -> float | None:
    """``amount_billed`` for these lines as the document prints it: one line's charge, or
    their total when the document prints that total (``printed``); else None (a sum of
    several line charges that appears nowhere is not something the document states)."""
    if not lines:
        return None
    total = round(sum(ln.billed for ln in lines), 2)
    if len(lines) == 1 or any(abs(total - round(x, 2)) < 0.005 for x in printed):
        return total
    return None


def dos_text(sc: Scenario, lines: list[Line]) -> str:
    ds = sorted({ln.dos for ln in lines})
    return ", ".join(sc.d(x) for x in ds)


def adj_truth(
    sc: Scenario, per_cas: bool, carc_printed: bool = True, group_printed: bool = True
) -> list[dict]:
    """Ground-truth adjustments for EOB/remittance documents."""
    out = []
    for c in sc.claims:
        for ln in c.lines:
            base = dict(
                claim_number=c.number,
                line=ln.n,
                service_date=ln.dos.isoformat(),
                cpt=ln.svc.code,
                modifiers=list(ln.modifiers),
                billed=ln.billed,
                allowed=ln.allowed,
                paid=ln.paid,
            )
            if per_cas:
                for g, carc, amt in ln.adjs:
                    if amt == 0:
                        continue
                    out.append(
                        dict(
                            base,
                            group=g,
                            carc=carc,
                            rarc=list(ln.rarc) if ln.denied else [],
                            amount=amt,
                            denied=ln.denied,
                        )
                    )
            else:
                if ln.denied:
                    g, carc, amt = ln.adjs[0]
                    out.append(
                        dict(
                            base,
                            group=g if group_printed else None,
                            carc=carc if carc_printed else None,
                            rarc=list(ln.rarc) if carc_printed else [],
                            amount=amt,
                            denied=True,
                        )
                    )
                else:
                    out.append(
                        dict(
                            base,
                            group=None,
                            carc=None,
                            rarc=[],
                            amount=round(ln.billed - ln.allowed, 2),
                            denied=False,
                        )
                    )
    return out


def truth(
    sc: Scenario,
    doc_type: str,
    *,
    codes: dict,
    reason_text: str | None,
    appeal_deadline: date | None,
    claim_number: str | None = "auto",
    member_id: str | None = "auto",
    patient_name: str | None = "auto",
    provider: str | None = "auto",
    service_dates: list[date] | None = None,
    amount_billed: float | None | str = "auto",
    patient_responsibility: float | None = None,
    adjustments: list | None = None,
    category: str | None = None,
    secondary: list[str] | None = None,
) -> dict:
    claim = sc.claim
    main = sc.main_lines()
    if claim_number == "auto":
        claim_number = main[0].claim if main and main[0].claim else None
    if member_id == "auto":
        member_id = sc.member_id
        if claim is not None and main and main[0].claim:
            member_id = next(c.member_id for c in sc.claims if c.number == main[0].claim)
    if patient_name == "auto":
        patient_name = sc.patient.full
        if claim is not None and main and main[0].claim:
            patient_name = next(c.patient.full for c in sc.claims if c.number == main[0].claim)
    if provider == "auto":
        provider = sc.prov.practice
    if service_dates is None:
        service_dates = sorted({ln.dos for ln in main}) if sc.kind != "rx" else []
    if amount_billed == "auto":
        amount_billed = round(sum(ln.billed for ln in main), 2) if sc.kind == "med" else None
    sec = (
        secondary
        if secondary is not None
        else ([sc.reason2.category] if sc.reason2 is not None else [])
    )
    return {
        "document_type": doc_type,
        "category": category or sc.category,
        "secondary_categories": sec,
        "codes": codes,
        "claim_number": claim_number,
        "member_id": member_id,
        "patient_name": patient_name,
        "payer": sc.payer.name,
        "provider": provider,
        "letter_date": sc.letter_date.isoformat(),
        "service_dates": [x.isoformat() for x in service_dates],
        "amount_billed": amount_billed,
        "patient_responsibility": patient_responsibility,
        "appeal_deadline": appeal_deadline.isoformat() if appeal_deadline else None,
        "reason_text": reason_text,
        "adjustments": adjustments or [],
        "plan_type": sc.payer.plan_type,
    }


def signature(sc: Scenario, dept: str | None = None) -> list:
    dept = dept or sc.rng.choice(
        [
            "Member Services",
            "Claims Review Department",
            "Appeals and Grievances Unit",
            "Utilization Management",
        ]
    )
    return [Para("Sincerely,"), Para(f"{dept}\n{sc.payer.name}")]


# ============================================================================ families


@dataclass(frozen=True)
class Family:
    id: str
    doc_type: str
    categories: tuple[str, ...]
    build: Callable[[random.Random, str, bool], tuple[Doc, dict]]
    description: str


def _codes_line(sc: Scenario, rng: random.Random) -> tuple[str, bool, bool]:
    """'Denial code' sentence for letters; returns (text, group printed, rarc printed)."""
    r = sc.reason
    assert r is not None and r.carc
    txt, gp = carc_fmt(rng, r.group or "CO", r.carc)
    rp = bool(r.rarc) and rng.random() < 0.7
    s = rng.choice(["Denial code", "Reason code", "Claim adjustment code", "Code"]) + f": {txt}"
    if rp:
        s += f"; remark {', '.join(r.rarc)}"
    return s + f" ({r.legend.lower()}).", gp, rp


# ---------------------------------------------------------------- 1. member letter, classic


def commercial_member_letter_a(rng, category, compact):
    sc = make_scenario(rng, category, "med", COMMERCIAL)
    lines = sc.denied_lines()
    ln = lines[0]
    reason = sc.member_reason()
    blocks: list = [logo(sc), Para(sc.d(sc.letter_date)), Para("\n".join(addr_person(sc)))]
    blocks.append(
        KV(
            [
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Group number", sc.group_no),
                ("Claim number", ln.claim),
                ("Provider", sc.prov.practice),
                ("Date of service", dos_text(sc, lines)),
                ("Amount billed", money(sum(x.billed for x in lines))),
            ],
            cols=rng.choice([1, 2]),
        )
    )
    blocks.append(
        Title(
            rng.choice(
                [
                    "Claim Denial Notice",
                    "Important information about your claim",
                    "We denied payment for a service",
                ]
            ),
            3,
        )
    )
    blocks.append(Para(f"Dear {sc.patient.first} {sc.patient.last}:"))
    blocks.append(
        Para(
            f"We reviewed the claim {sc.prov.practice} sent us for {sc.values['service']} "
            f"(procedure code {ln.svc.code}) provided on {sc.d(ln.dos)}. We are not able to pay "
            f"this claim."
        )
    )
    blocks.append(Para(reason))
    show_codes = sc.reason.carc is not None and rng.random() < 0.6
    gp = rp = False
    if show_codes:
        s, gp, rp = _codes_line(sc, rng)
        blocks.append(Para(s))
    show_dx = rng.random() < 0.6
    if show_dx:
        blocks.append(Para(f"Diagnosis code on the claim: {ln.dx}."))
    pr = None
    if ln.adjs[0][0] == "PR":
        amt = round(sum(x.billed for x in lines), 2)
        blocks.append(Para(f"You may be billed up to {money(amt)} for this service."))
        pr = amt
    elif rng.random() < 0.5:
        blocks.append(
            Para(
                "You owe $0.00 for this service: your provider may not bill you for "
                "the denied amount."
            )
        )
        pr = 0.0
    blocks.append(
        Para(
            rng.choice(
                [
                    "We based this decision on your plan's Summary Plan Description, section "
                    f"{rng.randint(3, 9)}.{rng.randint(1, 9)}.",
                    "This decision was made under the terms of your Certificate of Coverage.",
                ]
            )
        )
    )
    if not compact:
        ap, due = appeal_paras(sc, 180)
        blocks += ap
    else:
        s, due = deadline(sc, 180)
        blocks.append(Para("To appeal, write to us. " + s))
    blocks += signature(sc)
    if not compact:
        blocks += [PageBreak()] + taglines(sc)
    doc = Doc(blocks, style_for(sc, footer=form_no(sc) + "   Page {page}"))
    codes = sc.codes(carc=show_codes, group=show_codes and gp, rarc=rp, dx=show_dx)
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        patient_responsibility=pr,
    )


# ---------------------------------------------------------------- 2. member notice, boxed


def commercial_member_letter_b(rng, category, compact):
    sc = make_scenario(rng, category, "med", COMMERCIAL)
    lines = sc.denied_lines()
    ln = lines[0]
    reason = sc.member_reason()
    blocks: list = [
        logo(sc, "square"),
        Title("NOTICE OF ADVERSE BENEFIT DETERMINATION", 4, "center"),
        Para("Keep this notice for your records.", "italic"),
        Para(f"Notice date: {sc.d(sc.letter_date)}"),
    ]
    blocks.append(
        Table(
            ["", ""],
            [
                ["Patient", sc.patient.full_mi],
                ["Member ID", sc.member_id],
                ["Claim #", ln.claim],
                ["Service", sc.values["service"]],
                ["Date(s) of service", dos_text(sc, lines)],
                ["Provider", sc.prov.practice],
                ["Amount charged", money(sum(x.billed for x in lines))],
            ]
            + (
                [["Amount you may owe", money(sum(x.billed for x in lines))]]
                if ln.adjs[0][0] == "PR"
                else []
            )
            + [["Decision", "Denied"]],
            style="shaded",
            widths=[1, 2.5],
            size=0,
        )
    )
    blocks.append(
        Box(
            "Why we made this decision",
            [
                reason,
                rng.choice(
                    [
                        "Plan provision: Medical Benefits, Exclusions and Limitations.",
                        "The plan rule we used is available to you free of charge.",
                    ]
                ),
            ],
        )
    )
    show_codes = sc.reason.carc is not None and rng.random() < 0.8
    gp = rp = False
    code_paras = [
        f"Diagnosis: {ln.dx} ({C.ICD_DESC.get(ln.dx, '')}).",
        f"Procedure: {ln.svc.code}.",
    ]
    if show_codes:
        s, gp, rp = _codes_line(sc, rng)
        code_paras.append(s)
    blocks.append(Box("Diagnosis, treatment and denial codes", code_paras))
    s, due = deadline(sc, 180, ("notice", "date", "receipt"))
    blocks.append(
        Box(
            "What you can do",
            [
                "Ask for an appeal. " + s,
                f"Call Member Services at {sc.payer.phone} (TTY 711) with questions.",
                "You may also contact your state's consumer assistance program.",
            ],
        )
    )
    if not compact:
        blocks.append(
            Para(
                "If your plan is governed by ERISA, you may have the right to bring a civil action "
                "under section 502(a) after you complete the appeals process. Services that needed "
                "prior authorization, services judged not medically necessary, and experimental "
                "treatments all follow the same appeal steps described above.",
                "small",
            )
        )
        blocks += taglines(sc, 3)
    doc = Doc(
        blocks,
        style_for(sc, header=f"{sc.payer.name} | Member ID {sc.member_id}", footer=form_no(sc)),
    )
    codes = sc.codes(carc=show_codes, group=show_codes and gp, rarc=rp)
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        patient_responsibility=round(sum(x.billed for x in lines), 2)
        if ln.adjs[0][0] == "PR"
        else None,
    )


# ---------------------------------------------------------------- 3. provider letter


def commercial_provider_letter(rng, category, compact):
    sc = make_scenario(rng, category, "med", COMMERCIAL + ("medicaid",))
    claim = sc.claim
    assert claim is not None
    reason = sc.provider_reason()
    blocks: list = [
        logo(sc, rng.choice(["bars", "circle", "none"])),
        Para(sc.d(sc.letter_date)),
        Para("\n".join(addr_provider(sc))),
        Title(
            rng.choice(
                [
                    "Claim Determination - Provider Notification",
                    "Provider Claim Denial",
                    "Notice of Claim Action",
                ]
            ),
            2,
        ),
    ]
    blocks.append(
        KV(
            [
                ("Patient", sc.patient.full),
                ("Date of birth", sc.d(sc.patient.dob)),
                ("Member ID", sc.member_id),
                ("Claim number", claim.number),
                ("Billing NPI", sc.prov.npi),
                ("Total billed", money(claim.billed)),
            ],
            cols=2,
        )
    )
    rows = []
    gp_all = True
    for ln in claim.lines:
        if ln.denied:
            g, carc, _ = ln.adjs[0]
            txt, gp = carc_fmt(rng, g, carc)
            gp_all = gp_all and gp
            if ln.rarc:
                txt += " " + " ".join(ln.rarc)
            status = txt
        else:
            status = "Paid"
        rows.append(
            [
                str(ln.n),
                sc.d(ln.dos),
                ln.svc.code,
                " ".join(ln.modifiers),
                ln.dx,
                money(ln.billed),
                money(ln.allowed),
                money(ln.paid),
                status,
            ]
        )
    blocks.append(
        Table(
            ["Ln", "DOS", "Code", "Mod", "Dx", "Billed", "Allowed", "Paid", "Reason"],
            rows,
            style=rng.choice(["grid", "lines"]),
            align_right=(5, 6, 7),
        )
    )
    blocks.append(Para("Explanation: " + reason))
    if sc.reason2 is not None:
        blocks.append(
            Para("Line " + str(claim.lines[-1].n) + ": " + sc.provider_reason(sc.reason2))
        )
    if category in ("coding_error",):
        blocks.append(
            Para(
                "Please submit a corrected claim (frequency code 7) with the original "
                "claim number rather than an appeal."
            )
        )
    s, due = deadline(
        sc, rng.choice([60, 90, 180]), ("notice", "receipt"), "your reconsideration request"
    )
    blocks.append(
        Para(
            "Reconsideration: " + s + " Requests received after this time will not "
            "be considered. Include medical records, the authorization number if "
            "any, and a copy of this notice."
        )
    )
    if not compact:
        blocks.append(
            Para(
                "Claims requiring prior authorization that are submitted without an "
                "approved authorization will be denied. Refer to the Provider Manual "
                "for the current list of services that need precertification.",
                "small",
            )
        )
    doc = Doc(
        blocks,
        style_for(
            sc, footer=f"Provider Services {sc.payer.phone}  |  {sc.payer.web}  |  Page {{page}}"
        ),
    )
    codes = sc.codes(group=gp_all)
    return doc, truth(sc, "denial_letter", codes=codes, reason_text=reason, appeal_deadline=due)


# ---------------------------------------------------------------- 4. delegated UM vendor


def um_vendor_preservice(rng, category, compact):
    sc = make_scenario(rng, category, "pre", COMMERCIAL + ("medicare_advantage",))
    vendor = rng.choice(C.UM_VENDORS)
    ln = sc.requested[0]
    reason = sc.member_reason()
    blocks: list = [
        Logo(
            vendor,
            "".join(w[0] for w in vendor.split()[:2]),
            "triangle",
            f"Utilization management on behalf of {sc.payer.name}",
            [f"Fax 1-866-555-{rng.randint(1000, 1999)}", sc.payer.phone],
        )
    ]
    blocks.append(
        Title(
            rng.choice(
                [
                    "Adverse Determination - Request Not Approved",
                    "Pre-Service Review Decision: Not Certified",
                    "Notice of Utilization Review Determination",
                ]
            ),
            3,
        )
    )
    blocks.append(
        KV(
            [
                ("Date of notice", sc.d(sc.letter_date)),
                ("Case reference", f"UM{rng.randint(10000000, 99999999)}"),
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Health plan", sc.payer.name),
                ("Requesting provider", f"{sc.prov.doctor} / {sc.prov.practice}"),
                (
                    "Requested service",
                    f"{ln.svc.code} - {ln.svc.desc}" + (f" x {ln.units}" if ln.units > 1 else ""),
                ),
                ("Diagnosis", f"{ln.dx} {C.ICD_DESC.get(ln.dx, '')}"),
                ("Planned date of service", sc.d(ln.dos)),
            ],
            cols=1,
        )
    )
    blocks.append(
        Para(
            f"{vendor} reviews requests for certain outpatient procedures for "
            f"{sc.payer.name}. We reviewed the request from your provider and could "
            "not approve it."
        )
    )
    blocks.append(Para("Reason for the decision: " + reason, "bold"))
    if category in (
        "medical_necessity",
        "experimental_investigational",
        "step_therapy",
        "benefit_limit",
    ):
        blocks.append(Para(f"Clinical guideline used: {sc.values['guideline']}."))
    blocks.append(
        Para(
            f"The review was completed by a physician board-certified in {rng.choice(SPECIALTIES)}."
        )
    )
    if not compact:
        blocks.append(
            Para(
                f"Your doctor may ask for a peer-to-peer conversation with the reviewer by calling "
                f"1-866-555-{rng.randint(2000, 2999)} within 14 days of this notice. A "
                "peer-to-peer conversation is not an appeal."
            )
        )
    ap, due = appeal_paras(sc, 180, ("notice", "receipt"))
    if compact:
        ap = ap[:2]
    blocks += ap
    doc = Doc(
        blocks,
        style_for(
            sc,
            header=f"{vendor} for {sc.payer.name}",
            footer="CONFIDENTIAL: contains protected health information. Page {page}",
        ),
    )
    codes = sc.codes(carc=False, group=False, rarc=False)
    return doc, truth(
        sc, "denial_letter", codes=codes, reason_text=reason, appeal_deadline=due, claim_number=None
    )


# ---------------------------------------------------------------- 5. PBM coverage denial


def _drug_kv(sc: Scenario, fill_date: date | None) -> list[tuple[str, str]]:
    d = sc.drug
    assert d is not None
    kv = [
        ("Member", sc.patient.full),
        ("Member ID", sc.member_id),
        ("Medication", f"{d.name} {d.strength} {d.form}"),
        ("NDC", d.ndc),
        ("Quantity / days supply", f"{sc.values['qty']} / {d.days}"),
        ("Prescriber", sc.prov.doctor),
        ("Diagnosis on request", sc.values["dx"]),
    ]
    if fill_date:
        kv.append(("Date submitted at pharmacy", sc.d(fill_date)))
        kv.append(("Pharmacy", sc.pharmacy))
    return kv


def pbm_coverage_denial(rng, category, compact):
    sc = make_scenario(rng, category, "rx", ("pbm",))
    d = sc.drug
    assert d is not None
    reason = sc.member_reason()
    fill = sc.letter_date - timedelta(days=rng.randint(2, 10)) if rng.random() < 0.5 else None
    blocks: list = [
        logo(sc, "circle"),
        Para(sc.d(sc.letter_date)),
        Para("\n".join(addr_person(sc))),
        Title(
            rng.choice(
                [
                    "Prescription Coverage Decision",
                    "Your request for drug coverage was denied",
                    "Pharmacy Claim Rejection Notice",
                ]
            ),
            3,
        ),
        KV(_drug_kv(sc, fill), cols=rng.choice([1, 2])),
    ]
    blocks.append(
        Para(
            f"Your prescription benefit is administered by {sc.payer.name} for your "
            f"health plan. We reviewed the request for {d.name}."
        )
    )
    blocks.append(Para(reason, "bold"))
    if category not in ("eligibility",):
        blocks.append(
            Para(
                f"Covered options your prescriber may consider: {d.alts[0]}"
                + (f"; {d.alts[1]}" if len(d.alts) > 1 else "")
                + "."
            )
        )
    if category == "step_therapy" and not compact:
        blocks.append(
            Para(
                "Your prescriber may ask for an exception if the preferred drugs "
                "would not work for you or could harm you. Exception requests are "
                "decided within 72 hours (24 hours if urgent)."
            )
        )
    ap, due = appeal_paras(sc, 180, ("notice", "receipt"), external=not compact)
    blocks += ap if not compact else ap[:2]
    if not compact and rng.random() < 0.6:
        blocks += taglines(sc, 2)
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.name}  {sc.payer.web}  Page {{page}}"))
    codes = sc.codes()
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        claim_number=None,
        service_dates=[fill] if fill else [],
        provider=sc.prov.doctor,
    )


# ---------------------------------------------------------------- 6. Medicare Summary Notice


def medicare_summary_notice(rng, category, compact):
    sc = make_scenario(
        rng,
        category,
        "med",
        ("medicare",),
        reason_filter=lambda r: r.key not in ("pa_referral", "nc_excluded", "nc_eoc", "oon_narrow"),
    )
    claim = sc.claim
    assert claim is not None
    contractor = rng.choice(C.MEDICARE_CONTRACTORS)
    denied = claim.denied
    notes: dict[str, str] = {}
    rows = []
    reason = sc.member_reason() if sc.reason else None
    for ln in claim.lines:
        if ln.denied:
            notes.setdefault("A", reason or "")
            note = "A"
        else:
            notes.setdefault(
                "B",
                "The amount Medicare paid the provider is 80% of the approved "
                "amount after any deductible.",
            )
            note = "B"
        rows.append(
            [
                f"{ln.svc.desc} ({ln.svc.code})",
                "No" if ln.denied else "Yes",
                money(ln.billed),
                money(ln.allowed),
                money(ln.paid),
                money(ln.pr),
                note,
            ]
        )
    blocks: list = [
        Title("Medicare Summary Notice for Part B (Medical Insurance)", 4),
        Para("THIS IS NOT A BILL", "bold"),
        KV(
            [
                ("Name", sc.patient.full_mi.upper()),
                ("Medicare Number", sc.member_id),
                ("Notice date", sc.d(sc.letter_date)),
                ("Claims processed by", contractor),
            ],
            cols=2,
        ),
        Box(
            "Your Claims & Costs This Period",
            [
                f"Did Medicare approve all services? {'NO' if denied else 'YES'}",
                f"Total you may be billed: {money(claim.pr)}",
                f"Number of services Medicare denied: {sum(1 for x in claim.lines if x.denied)}",
            ],
        ),
    ]
    if not compact:
        blocks.append(PageBreak())
    blocks.append(Title("Your Claims for Part B (Medical Insurance)", 2))
    blocks.append(
        Para(
            f"{sc.prov.practice}, {sc.prov.street}, {sc.prov.city}, {sc.prov.state}. "
            f"Claim number {claim.number}. Service date {sc.d(claim.lines[0].dos)}."
        )
    )
    blocks.append(
        Table(
            [
                "Service provided & billing code",
                "Service approved?",
                "Amount provider charged",
                "Medicare-approved amount",
                "Medicare paid provider",
                "Maximum you may be billed",
                "See notes",
            ],
            rows,
            style="lines",
            widths=[3, 1, 1.2, 1.2, 1.2, 1.2, 0.7],
            align_right=(2, 3, 4, 5),
        )
    )
    blocks.append(Title("Notes for Your Claims", 1))
    for k, v in notes.items():
        blocks.append(Para(f"{k}  {v}"))
    due = None
    if denied:
        due = sc.letter_date + timedelta(days=120)
        blocks.append(
            Box(
                "How to handle denied claims or file an appeal",
                [
                    "If you disagree with a coverage decision, you can file an appeal. Appeals "
                    "must be "
                    f"filed in writing by {sc.d(due)}.",
                    "Fill out the redetermination form or write a letter and send it to the "
                    "contractor "
                    "that processed the claim, with a copy of this notice.",
                    "Services that were denied because they needed prior approval or because "
                    "Medicare "
                    "does not consider them reasonable and necessary can be appealed the same way.",
                ],
            )
        )
    if not compact:
        blocks.append(
            Para(
                "To report fraud, call 1-800-555-0100. Medicare will never call you "
                "to ask for your Medicare Number.",
                "small",
            )
        )
    doc = Doc(
        blocks,
        style_for(
            sc,
            font="Helvetica",
            header=f"{sc.patient.full_mi.upper()}  |  "
            f"Medicare Summary Notice  |  {sc.d(sc.letter_date)}",
            footer="Page {page}",
        ),
    )
    codes = sc.codes(carc=False, group=False, rarc=False, dx=False)
    return doc, truth(
        sc,
        "eob",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        patient_responsibility=claim.pr,
        amount_billed=billed_total(sc.main_lines()),
        adjustments=adj_truth(sc, False, carc_printed=False, group_printed=False),
        category=None if denied else "not_a_denial",
    )


# ---------------------------------------------------------------- 7. Medicare Advantage


def medicare_advantage_notice(rng, category, compact):
    kind = "pre" if rng.random() < 0.5 else "med"
    filt = None
    if kind == "med":
        filt = lambda r: r.key not in ("nc_statutory",)  # noqa: E731
    try:
        sc = make_scenario(rng, category, kind, ("medicare_advantage",), reason_filter=filt)
    except ValueError:
        kind = "med"
        sc = make_scenario(rng, category, kind, ("medicare_advantage",), reason_filter=filt)
    lines = sc.denied_lines()
    ln = lines[0]
    reason = sc.member_reason()
    payment = kind == "med"
    blocks: list = [
        logo(sc),
        Title("Notice of Denial of Medical Coverage (or Payment)", 4, "center"),
        KV(
            [
                ("Date", sc.d(sc.letter_date)),
                ("Member number", sc.member_id),
                ("Name", sc.patient.full),
            ],
            cols=1,
        ),
    ]
    if payment:
        blocks.append(
            Para(
                f"We have denied payment of {money(sum(x.billed for x in lines))} "
                f"for the medical services listed below that you received from "
                f"{sc.prov.practice} on {sc.d(ln.dos)} (claim {ln.claim}):"
            )
        )
    else:
        blocks.append(
            Para(
                f"We have denied the medical services listed below that you or your "
                f"doctor ({sc.prov.doctor}, {sc.prov.practice}) requested:"
            )
        )
    blocks.append(
        Para(
            f"{ln.svc.desc}, code {ln.svc.code}"
            + ("" if payment else f", planned for {sc.d(ln.dos)}"),
            indent=20,
        )
    )
    blocks.append(Title("Why did we deny your request?", 1))
    blocks.append(Para(reason))
    show_codes = payment and sc.reason.carc is not None and rng.random() < 0.4
    gp = rp = False
    if show_codes:
        s, gp, rp = _codes_line(sc, rng)
        blocks.append(Para(s))
    days = rng.choice([65, 60])
    blocks.append(Title("You have the right to appeal our decision", 1))
    word = "calendar days" if days == 60 else "days"
    blocks.append(
        Para(
            f"You have the right to ask {sc.payer.name} to review our decision by "
            f"asking us for an appeal (reconsideration). You must ask within {days} "
            f"{word} of the date of this notice. We can give you more time if you "
            "have a good reason for missing the deadline."
        )
    )
    due = sc.letter_date + timedelta(days=days)
    if not payment:
        blocks.append(
            Para(
                "If you or your doctor believe that waiting for a standard decision "
                "could seriously harm your health, ask for a fast (expedited) appeal. "
                "We will decide within 72 hours."
            )
        )
    if not compact:
        blocks.append(
            Para(
                "Who may ask for an appeal? You, your doctor, or someone you name to "
                "act for you. If you also have Medicaid, your state may offer more "
                "help.",
                "small",
            )
        )
        blocks += [PageBreak()] + taglines(sc)
    doc = Doc(
        blocks, style_for(sc, footer=f"Form CMS-style notice  {sc.payer.short}-IDN  Page {{page}}")
    )
    codes = sc.codes(carc=show_codes, group=show_codes and gp, rarc=rp, dx=False)
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        claim_number="auto" if payment else None,
    )


# ---------------------------------------------------------------- 8. Part D coverage determination


def part_d_coverage_determination(rng, category, compact):
    sc = make_scenario(rng, category, "rx", ("part_d",), reason_filter=lambda r: r.key != "el_rx")
    d = sc.drug
    assert d is not None
    reason = sc.member_reason()
    blocks: list = [
        logo(sc, "bars"),
        Title("Notice of Denial of Medicare Prescription Drug Coverage", 4),
        KV(
            [
                ("Date", sc.d(sc.letter_date)),
                ("Enrollee's name", sc.patient.full),
                ("Member number", sc.member_id),
                ("Drug", f"{d.name} {d.strength}, NDC {d.ndc}"),
                ("Prescriber", sc.prov.doctor),
            ]
        ),
        Para(
            f"We have denied your request for coverage of (or payment for) "
            f"{d.name} {d.strength}, quantity {sc.values['qty']} for {d.days} "
            "days, which you "
            f"or your prescriber requested."
        ),
        Title("Why did we deny your request?", 1),
        Para(reason),
    ]
    if rng.random() < 0.6:
        blocks.append(Para(f"The diagnosis given was {sc.values['dx']}."))
        dx_shown = True
    else:
        dx_shown = False
    blocks.append(Title("You have the right to ask us to review our decision", 1))
    blocks.append(
        Para(
            "You may ask for a redetermination (appeal) of our decision. You must ask "
            "within 65 days from the date of this notice. Your prescriber may also "
            "ask for an exception to the plan's rules (for example, step therapy or "
            "a quantity limit) by sending a supporting statement."
        )
    )
    due = sc.letter_date + timedelta(days=65)
    blocks.append(
        Para(
            "Standard decisions are made within 7 days; expedited decisions within 72 "
            "hours if waiting could seriously harm your health."
        )
    )
    if not compact:
        blocks += taglines(sc, 3)
    doc = Doc(
        blocks,
        style_for(
            sc,
            footer=f"{sc.payer.name}  H{rng.randint(1000, 9999)}_"
            f"{rng.randint(100, 999)}  Page {{page}}",
        ),
    )
    codes = sc.codes(dx=dx_shown)
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        claim_number=None,
        provider=sc.prov.doctor,
    )


# ---------------------------------------------------------------- 9. Medicaid managed care


def medicaid_mco_notice(rng, category, compact):
    kind = "pre" if rng.random() < 0.5 else "med"
    try:
        sc = make_scenario(rng, category, kind, ("medicaid",))
    except ValueError:
        kind = "med"
        sc = make_scenario(rng, category, kind, ("medicaid",))
    lines = sc.denied_lines()
    ln = lines[0]
    reason = sc.member_reason()
    blocks: list = [
        logo(sc, "circle"),
        Title("NOTICE OF ADVERSE BENEFIT DETERMINATION", 3),
        Para("Important: this notice explains your right to appeal. Read it carefully.", "bold"),
        KV(
            [
                ("Notice date", sc.d(sc.letter_date)),
                ("Member", sc.patient.full),
                ("Medicaid ID", sc.member_id),
                ("Provider", sc.prov.practice),
            ],
            cols=2,
        ),
        Title("What we decided", 1),
    ]
    if kind == "pre":
        blocks.append(
            Para(
                f"We denied the request for {sc.values['service']} (code "
                f"{ln.svc.code}) that your provider asked for on your behalf."
            )
        )
    else:
        blocks.append(
            Para(
                f"We denied payment for {sc.values['service']} (code {ln.svc.code}) "
                f"you received on {sc.d(ln.dos)}, claim number {ln.claim}."
            )
        )
    blocks += [Title("Why we decided this", 1), Para(reason)]
    blocks.append(Title("Your right to appeal", 1))
    mode = rng.choice(["notice", "date"])
    due = sc.letter_date + timedelta(days=60)
    if mode == "notice":
        blocks.append(
            Para(
                "You can ask for a plan appeal within 60 calendar days from the date "
                "on this notice. You can ask by phone or in writing."
            )
        )
    else:
        blocks.append(
            Para(f"You can ask for a plan appeal. We must get your request by {sc.d(due)}.")
        )
    blocks.append(
        Para(
            "If you are getting this service now and want it to continue during "
            "your appeal, you must ask within 10 days of the date of this notice."
        )
    )
    blocks.append(Title("State Fair Hearing", 1))
    blocks.append(
        Para(
            "If we do not decide in your favor, you may ask for a State Fair Hearing "
            "within 120 days of the date of our appeal decision. You can bring a "
            "lawyer, a friend or a relative to help you."
        )
    )
    if not compact:
        blocks.append(
            Para(
                "Free legal help may be available from your local legal aid office. "
                "Prior authorization rules, covered services and limits are "
                "described in your Member Handbook.",
                "small",
            )
        )
        blocks += [PageBreak()] + taglines(sc, 7)
    doc = Doc(
        blocks, style_for(sc, footer=f"{sc.payer.name} - Medicaid managed care  Page {{page}}")
    )
    codes = sc.codes(carc=False, group=False, rarc=False, dx=False)
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        claim_number="auto" if kind == "med" else None,
        amount_billed=None,  # the notice prints no charges
        service_dates=None if kind == "med" else [],  # a request has no date printed
    )


# ---------------------------------------------------------------- 10. workers' comp UR


def workers_comp_ur(rng, category, compact):
    sc = make_scenario(rng, category, "pre", ("workers_comp",))
    ln = sc.requested[0]
    reason = sc.member_reason()
    doi = sc.letter_date - timedelta(days=rng.randint(90, 700))
    wc_claim = f"{rng.choice(['WC', 'IB', ''])}{doi:%y}-{rng.randint(100000, 999999)}"
    employer = rng.choice(
        [
            "Harlan Freight Lines",
            "Sunridge Poultry Co.",
            "Metro Transit Authority",
            "Bellweather Construction",
            "Pinnacle Home Health",
        ]
    )
    cert = [s for s in C.SERVICES if "em" in s.tags][0]
    rows = [[ln.svc.code, ln.svc.desc, str(ln.units), "NON-CERTIFIED"]]
    if rng.random() < 0.6:
        rows.append([cert.code, cert.desc, "1", "CERTIFIED"])
    blocks: list = [
        logo(sc, "square"),
        Title("UTILIZATION REVIEW DETERMINATION", 3, "center"),
        KV(
            [
                ("Date of decision", sc.d(sc.letter_date)),
                ("Injured worker", sc.patient.full_mi),
                ("Claim number", wc_claim),
                ("Employer", employer),
                ("Date of injury", sc.d(doi)),
                ("Requesting physician", f"{sc.prov.doctor}, {sc.prov.practice}"),
                ("Diagnosis", ln.dx),
            ],
            cols=2,
        ),
        Table(
            ["Code", "Requested treatment", "Qty", "Decision"],
            rows,
            style="grid",
            widths=[0.8, 4, 0.5, 1.4],
        ),
    ]
    blocks.append(Title("Clinical rationale", 1))
    blocks.append(Para(reason))
    blocks.append(
        Para(
            "Criteria applied: the state medical treatment utilization schedule and "
            "evidence-based guidelines for the low back and neck."
        )
    )
    s, due = deadline(
        sc, 30, ("notice", "receipt"), "an application for independent medical review"
    )
    blocks.append(Para("If you disagree, you may request independent medical review. " + s))
    if not compact:
        blocks.append(
            Para(
                "A copy of this determination has been sent to the injured worker, "
                "the requesting physician and the claims administrator. This "
                "decision does not address whether the injury is compensable.",
                "small",
            )
        )
    doc = Doc(
        blocks,
        style_for(
            sc, font=rng.choice(["Courier", "Helvetica", "Times-Roman"]), footer="Page {page}"
        ),
    )
    codes = sc.codes(carc=False, group=False, rarc=False)
    return doc, truth(
        sc,
        "denial_letter",
        codes=codes,
        reason_text=reason,
        appeal_deadline=due,
        claim_number=wc_claim,
        member_id=None,
        service_dates=[],  # prospective review: no date of service is printed
    )


# ---------------------------------------------------------------- 11. member EOB


PAYER_REMARKS = ["W7", "Z3", "KQ", "HX2", "R15", "TQ", "DN4", "P9X"]


def member_eob_partial(rng, category, compact):
    sc = make_scenario(
        rng,
        category,
        "med",
        COMMERCIAL + ("medicare_advantage", "medicaid"),
        secondary=rng.random() < 0.35,
    )
    claim = sc.claim
    assert claim is not None
    remarks = rng.sample(PAYER_REMARKS, 4)
    legend: list[str] = []
    code_of: dict[str, str] = {}
    reason_of: dict[str, str] = {}
    show_carc = rng.random() < 0.75
    gp_all = True
    for ln in claim.lines:
        if ln.denied and ln.reason is not None and ln.reason.key not in code_of:
            k = remarks[len(code_of)]
            code_of[ln.reason.key] = k
            said = sc.member_reason(ln.reason)
            reason_of.setdefault(ln.reason.key, said)
            txt = f"{k}  " + said
            if show_carc:
                ctext, gp = carc_fmt(rng, ln.adjs[0][0], ln.adjs[0][1])
                gp_all = gp_all and gp
                txt += f" (Standard code {ctext}" + (
                    f", remark {' '.join(ln.rarc)})" if ln.rarc else ")"
                )
            legend.append(txt)
    paid_k = remarks[-1]
    legend.append(
        f"{paid_k}  This amount is the discount for using a network provider. You do not owe it."
    )
    rows = []
    for ln in claim.lines:
        ded = sum(a for g, c, a in ln.adjs if c == "1")
        cs = sum(a for g, c, a in ln.adjs if c in ("2", "3"))
        nc = ln.billed if ln.denied else 0.0
        rows.append(
            [
                sc.d(ln.dos),
                ln.svc.desc[:38],
                ln.svc.code,
                money(ln.billed),
                money(ln.billed - ln.allowed if not ln.denied else 0),
                money(ded),
                money(cs),
                money(nc),
                money(ln.paid),
                code_of.get(ln.reason.key, "") if ln.denied and ln.reason else paid_k,
            ]
        )
    owe = claim.pr
    blocks: list = [
        logo(sc),
        Title("Explanation of Benefits", 4),
        Para("THIS IS NOT A BILL", "bold"),
        KV(
            [
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Statement date", sc.d(sc.letter_date)),
                ("Claim number", claim.number),
                ("Provider", sc.prov.practice),
                ("Received", sc.d(claim.received)),
            ],
            cols=2,
        ),
        Table(
            ["Amount billed", "Your plan paid", "You may owe"],
            [[money(claim.billed), money(claim.paid), money(owe)]],
            style="shaded",
            size=1,
        ),
        Space(6),
        Table(
            [
                "Date",
                "Service",
                "Code",
                "Billed",
                "Plan discount",
                "Deductible",
                "Copay/ Coins",
                "Not covered",
                "Plan paid",
                "Remark",
            ],
            rows,
            style=rng.choice(["grid", "lines", "shaded"]),
            size=-2.5,
            widths=[1.1, 3, 0.8, 1, 1, 1, 1, 1, 1, 0.8],
            align_right=(3, 4, 5, 6, 7, 8),
        ),
        Title("Remark codes", 1),
    ]
    blocks += [Para(x) for x in legend]
    s, due = deadline(sc, 180, ("receipt", "date"))
    blocks.append(
        Para(
            "Questions or disagree? Call "
            + sc.payer.phone
            + ". "
            + s.replace("this letter", "this statement"),
            "small",
        )
    )
    if not compact:
        blocks += taglines(sc, 2)
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.name} EOB  Page {{page}}"))
    codes = sc.codes(carc=show_carc, group=show_carc and gp_all, rarc=show_carc, dx=False)
    main_reason = reason_of.get(sc.reason.key) if sc.reason else None
    return doc, truth(
        sc,
        "eob",
        codes=codes,
        reason_text=main_reason,
        appeal_deadline=due,
        patient_responsibility=owe,
        amount_billed=billed_total(sc.main_lines(), (claim.billed,)),
        adjustments=adj_truth(
            sc, False, carc_printed=show_carc, group_printed=show_carc and gp_all
        ),
    )


# ---------------------------------------------------------------- remittance helpers


def _remit_scenario(rng, category, n_claims=1):
    types = COMMERCIAL + ("medicare_advantage", "medicaid", "medicare")
    return make_scenario(
        rng, category, "med", types, secondary=rng.random() < 0.3, n_claims=n_claims
    )


def _remit_truth(sc: Scenario, reason_text: str | None, claim_totals: bool = False) -> dict:
    """``claim_totals``: the remittance prints each claim's billed total."""
    main = sc.denied_lines()
    claim = next((c for c in sc.claims if c.denied), sc.claims[0])
    totals = tuple(c.billed for c in sc.claims) if claim_totals else ()
    return truth(
        sc,
        "remittance",
        codes=sc.codes(),
        reason_text=reason_text,
        appeal_deadline=None,
        claim_number=claim.number,
        member_id=claim.member_id,
        patient_name=claim.patient.full,
        patient_responsibility=claim.pr,
        amount_billed=billed_total(main or claim.lines, totals),
        adjustments=adj_truth(sc, True),
        category=None if main else "not_a_denial",
    )


def _glossary(sc: Scenario, caps: bool = False) -> list[str]:
    seen: dict[str, str] = {}
    for c in sc.claims:
        for ln in c.lines:
            for g, carc, _ in ln.adjs:
                seen.setdefault(
                    g,
                    {
                        "CO": "Contractual obligation",
                        "PR": "Patient responsibility",
                        "OA": "Other adjustment",
                    }.get(g, g),
                )
                if ln.denied and ln.reason is not None:
                    seen.setdefault(carc, ln.reason.legend)
                else:
                    seen.setdefault(carc, C.PAYMENT_LEGEND.get(carc, ""))
            for r in ln.rarc:
                seen.setdefault(r, C.RARC_LEGEND.get(r, "See remark code list"))
    out = [f"{k:<6} {v}" for k, v in seen.items()]
    return [x.upper() for x in out] if caps else out


def _remit_reason(sc: Scenario) -> str | None:
    return sc.reason.legend if sc.reason is not None else None


# ---------------------------------------------------------------- 12. fixed-width remit


def remit_fixed_width(rng, category, compact):
    sc = _remit_scenario(rng, category, n_claims=1 if compact else rng.choice([1, 1, 2, 3]))
    chk = f"{rng.randint(100000000, 999999999)}"
    W = []
    W.append(f"{sc.payer.name.upper():<50}PROVIDER REMITTANCE ADVICE")
    W.append(f"{'':<50}DATE: {sc.letter_date:%m/%d/%Y}")
    W.append(f"{sc.prov.practice.upper()[:48]:<50}NPI: {sc.prov.npi}")
    W.append(f"{sc.prov.street.upper()[:48]:<50}CHECK/EFT #: {chk}")
    W.append("")
    W.append(
        "PERF PROV   SERV-DATE  POS NOS PROC  MODS   BILLED   ALLOWED  DEDUCT   COINS "
        " GRP/RC-AMT        PROV PD"
    )
    for c in sc.claims:
        W.append(
            f"NAME {c.patient.last_first[:24]:<24} MID {c.member_id:<14} "
            f"ACNT {rng.randint(10000, 99999)}  ICN {c.number}"
        )
        for ln in c.lines:
            ded = sum(a for g, k, a in ln.adjs if k == "1")
            coins = sum(a for g, k, a in ln.adjs if k in ("2", "3"))
            lead = (
                f"{sc.prov.npi:<11} {ln.dos:%m%d%y}     11  {ln.units:>2}  "
                f"{ln.svc.code:<5} {' '.join(ln.modifiers)[:6]:<6}"
                f"{ln.billed:>9.2f} {ln.allowed:>9.2f} {ded:>7.2f} {coins:>7.2f}  "
            )
            for j, (g, k, a) in enumerate(ln.adjs):
                if j == 0:
                    W.append(f"{lead}{g}-{k:<4}{a:>9.2f}   {ln.paid:>9.2f}")
                else:
                    W.append(f"{'':<{len(lead)}}{g}-{k:<4}{a:>9.2f}")
            if ln.rarc:
                W.append(f"{'':<12}REM: {' '.join(ln.rarc)}")
            if ln.dx and rng.random() < 0.3:
                W.append(f"{'':<12}DX: {ln.dx}")
        W.append(
            f"PT RESP {c.pr:>9.2f}   CLAIM TOTALS {c.billed:>9.2f}  "
            f"NET {c.paid:>9.2f}   CLAIM STATUS "
            f"{'4' if all(x.denied for x in c.lines) else '1'}"
        )
        W.append("")
    blocks: list = [
        Mono(W, size=7.2),
        Title("GLOSSARY: Group, Reason and Remark Codes", 0),
        Mono(_glossary(sc), size=7.5),
    ]
    doc = Doc(blocks, Style("Courier", 8, 36, (0, 0, 0), footer="Page {page}"))
    t = _remit_truth(sc, _remit_reason(sc), claim_totals=True)
    # fixed-width prints the dx only on some lines: keep what is printed
    printed = "\n".join(W)
    t["codes"]["icd10"] = [x for x in t["codes"]["icd10"] if f"DX: {x}" in printed]
    return doc, t


# ---------------------------------------------------------------- 13. pipe-delimited remit


def remit_pipes(rng, category, compact):
    sc = _remit_scenario(rng, category, n_claims=1 if compact else rng.choice([1, 1, 2, 3]))
    rows = []
    for c in sc.claims:
        for ln in c.lines:
            adj = ";".join(f"{g}{k} {money(a, False, False)}" for g, k, a in ln.adjs)
            rows.append(
                " | ".join(
                    [
                        c.number,
                        c.patient.last_first,
                        str(ln.n),
                        ln.dos.strftime("%m/%d/%Y"),
                        ln.svc.code,
                        ",".join(ln.modifiers),
                        ln.dx,
                        money(ln.billed, False),
                        money(ln.allowed, False),
                        money(ln.paid, False),
                        adj,
                        ",".join(ln.rarc),
                    ]
                )
            )
    head = " | ".join(
        [
            "CLAIM",
            "PATIENT",
            "LN",
            "DOS",
            "PROC",
            "MOD",
            "DX",
            "CHARGE",
            "ALLOWED",
            "PAID",
            "ADJ (GRP RC AMT)",
            "REMARKS",
        ]
    )
    c0 = sc.claims[0]
    blocks: list = [
        logo(sc, "none"),
        Title("Electronic Remittance Advice - Detail", 2),
        KV(
            [
                ("Payee", sc.prov.practice),
                ("NPI", sc.prov.npi),
                ("TIN", sc.prov.tin),
                ("Payment date", sc.d(sc.letter_date)),
                ("EFT trace", f"{rng.randint(10**11, 10**12 - 1)}"),
                ("Payment amount", money(sum(c.paid for c in sc.claims))),
            ],
            cols=2,
        ),
        Mono([head, "-" * len(head)] + rows, size=6.6),
        KV(
            [
                ("Member ID", c0.member_id),
                ("Patient responsibility", money(c0.pr)),
                ("Date received", sc.d(c0.received)),
            ]
        ),
        Title("Code descriptions", 0),
        Mono(_glossary(sc), size=7),
    ]
    doc = Doc(
        blocks,
        style_for(sc, font="Helvetica", size=8.5, footer=f"{sc.payer.name} ERA  Page {{page}}"),
    )
    return doc, _remit_truth(sc, _remit_reason(sc))


# ---------------------------------------------------------------- 14. key-value remit


def remit_keyvalue(rng, category, compact):
    sc = _remit_scenario(rng, category)
    blocks: list = [
        logo(sc, rng.choice(["square", "circle"])),
        Title("Remittance Advice", 3),
        KV(
            [
                ("Provider", sc.prov.practice),
                ("Provider NPI", sc.prov.npi),
                ("Remit date", sc.d(sc.letter_date)),
                ("Check number", str(rng.randint(1000000, 9999999))),
            ],
            cols=2,
        ),
        Rule(),
    ]
    for c in sc.claims:
        blocks.append(
            KV(
                [
                    ("Patient name", c.patient.full_mi),
                    ("Member ID", c.member_id),
                    ("Claim ID", c.number),
                    ("Received", sc.d(c.received)),
                    ("Claim charge", money(c.billed)),
                    ("Claim paid", money(c.paid)),
                    ("Patient responsibility", money(c.pr)),
                ],
                cols=2,
            )
        )
        for ln in c.lines:
            pairs = [
                (
                    f"Service line {ln.n}",
                    f"{sc.d(ln.dos)}  {ln.svc.code}"
                    + (f"-{'-'.join(ln.modifiers)}" if ln.modifiers else "")
                    + f"  units {ln.units}  dx {ln.dx}",
                ),
                (
                    "  Charge / Allowed / Paid",
                    f"{money(ln.billed)} / {money(ln.allowed)} / {money(ln.paid)}",
                ),
            ]
            for g, k, a in ln.adjs:
                txt, gp = carc_fmt(rng, g, k) if ln.denied else (f"{g}-{k}", True)
                if not gp:  # keep the group visible on key/value remits
                    txt += f" group {g}"
                pairs.append(("  Adjustment", f"{txt}  {money(a)}"))
            if ln.rarc:
                pairs.append(("  Remark", " ".join(ln.rarc)))
            blocks.append(KV(pairs, sep=":"))
        blocks.append(Rule())
    blocks += [Title("Adjustment and remark code descriptions", 0)]
    blocks += [Para(x, "small") for x in _glossary(sc)]
    doc = Doc(blocks, style_for(sc, footer="Page {page}"))
    return doc, _remit_truth(sc, _remit_reason(sc), claim_totals=True)


# ---------------------------------------------------------------- 15. all-caps voucher


def remit_allcaps_voucher(rng, category, compact):
    sc = _remit_scenario(rng, category)
    rows = []
    for c in sc.claims:
        for ln in c.lines:
            codes = " ".join(f"{g}{k}" for g, k, _ in ln.adjs)
            rows.append(
                [
                    c.patient.last_first,
                    c.number,
                    ln.dos.strftime("%m/%d/%y"),
                    ln.svc.code,
                    money(ln.billed, False),
                    money(ln.allowed, False),
                    money(ln.billed - ln.paid, False),
                    money(ln.paid, False),
                    codes,
                    " ".join(ln.rarc),
                ]
            )
    c0 = sc.claims[0]
    blocks: list = [
        Title(f"{sc.payer.name.upper()} - PAYMENT VOUCHER", 2, "center"),
        Para(
            f"VOUCHER DATE {sc.letter_date:%m/%d/%Y}    PAYEE "
            f"{sc.prov.practice.upper()}    NPI {sc.prov.npi}",
            "caps",
        ),
        Table(
            [
                "PATIENT",
                "CLAIM NO",
                "DOS",
                "PROC",
                "BILLED",
                "ALLOWED",
                "ADJ",
                "PAID",
                "CARC",
                "RARC",
            ],
            rows,
            style="plain",
            size=-2,
            widths=[2, 1.8, 0.9, 0.7, 0.9, 0.9, 0.9, 0.9, 1.2, 0.8],
            align_right=(4, 5, 6, 7),
        ),
        Para(
            f"MEMBER NO {c0.member_id}   PATIENT RESP {money(c0.pr, False)}   "
            f"DIAG {' '.join(sorted({ln.dx for ln in c0.lines}))}",
            "caps",
        ),
        Para("ADJUSTMENT REASON CODES", "bold"),
    ]
    blocks += [Para(x, "caps") for x in _glossary(sc, caps=True)]
    blocks.append(
        Para(
            "PROVIDER MAY NOT BILL MEMBER FOR AMOUNTS UNDER GROUP CO. DENIALS FOR "
            "PRIOR AUTHORIZATION OR MEDICAL NECESSITY MAY BE APPEALED PER THE "
            "PROVIDER MANUAL.",
            "caps",
        )
    )
    doc = Doc(blocks, style_for(sc, font="Courier", size=8.5, footer="VOUCHER PAGE {page}"))
    r = _remit_reason(sc)
    return doc, _remit_truth(sc, r.upper() if r else None)


# ---------------------------------------------------------------- 16. multi-claim remit


def remit_multi_claim(rng, category, compact):
    sc = _remit_scenario(
        rng, category, n_claims=rng.randint(2, 3) if compact else rng.randint(3, 6)
    )
    rng.shuffle(sc.claims)
    blocks: list = [
        logo(sc, "bars"),
        Title("Provider Payment Summary - Multiple Claims", 2),
        KV(
            [
                ("Payee", sc.prov.practice),
                ("NPI", sc.prov.npi),
                ("Payment date", sc.d(sc.letter_date)),
                ("Total paid", money(sum(c.paid for c in sc.claims))),
            ],
            cols=2,
        ),
    ]
    for c in sc.claims:
        blocks.append(
            Para(
                f"Patient: {c.patient.last_first}   ID: {c.member_id}   Claim: "
                f"{c.number}   Pt resp: {money(c.pr)}",
                "bold",
            )
        )
        rows = []
        for ln in c.lines:
            rows.append(
                [
                    str(ln.n),
                    sc.d(ln.dos),
                    ln.svc.code,
                    " ".join(ln.modifiers),
                    ln.dx,
                    money(ln.billed),
                    money(ln.allowed),
                    money(ln.paid),
                    ", ".join(f"{g}-{k} {money(a)}" for g, k, a in ln.adjs),
                    " ".join(ln.rarc),
                ]
            )
        blocks.append(
            Table(
                [
                    "Ln",
                    "DOS",
                    "Proc",
                    "Mod",
                    "Dx",
                    "Billed",
                    "Allowed",
                    "Paid",
                    "Adjustments",
                    "Remarks",
                ],
                rows,
                style="lines",
                size=-2.5,
                widths=[0.4, 1.1, 0.7, 0.6, 0.9, 1, 1, 1, 2.6, 0.9],
                align_right=(5, 6, 7),
            )
        )
    blocks += [Title("Code glossary", 0)] + [Para(x, "small") for x in _glossary(sc)]
    doc = Doc(blocks, style_for(sc, header=f"{sc.payer.name}  Remittance", footer="Page {page}"))
    return doc, _remit_truth(sc, _remit_reason(sc))


# ---------------------------------------------------------------- 17. approval letter


def nondenial_approval(rng, category, compact):
    sc = make_scenario(rng, "not_a_denial", "pre", COMMERCIAL + ("medicare_advantage", "medicaid"))
    ln = sc.requested[0]
    ln.denied = False
    end = ln.dos + timedelta(days=rng.choice([60, 90, 180]))
    blocks: list = [
        logo(sc),
        Para(sc.d(sc.letter_date)),
        Para("\n".join(addr_person(sc))),
        Title(
            rng.choice(
                [
                    "Your request was approved",
                    "Prior Authorization Approval",
                    "Notice of Approved Services",
                ]
            ),
            3,
        ),
        KV(
            [
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Authorization number", sc.values["auth"]),
                ("Approved service", f"{ln.svc.code} {ln.svc.desc}"),
                ("Units approved", str(ln.units)),
                ("Valid", f"{sc.d(ln.dos)} through {sc.d(end)}"),
                ("Provider", sc.prov.practice),
                ("Diagnosis", ln.dx),
            ]
        ),
        Para(
            "Good news: we reviewed the request and it meets the plan's medical "
            "necessity criteria. The service is approved."
        ),
        Para(
            "This approval is not a guarantee of payment. Payment depends on your "
            "eligibility on the date of service, benefit limits, and the claim "
            "being filed on time. Services provided outside the dates above will "
            "need a new prior authorization, or the claim may be denied."
        ),
        Para("If you have questions, call " + sc.payer.phone + "."),
    ]
    blocks += signature(sc, "Utilization Management")
    if not compact:
        blocks += taglines(sc, 2)
    doc = Doc(blocks, style_for(sc, footer=form_no(sc)))
    codes = sc.codes(carc=False, group=False, rarc=False)
    return doc, truth(
        sc, "other", codes=codes, reason_text=None, appeal_deadline=None, claim_number=None
    )


# ---------------------------------------------------------------- 18. paid EOB / deductible


def nondenial_eob_paid(rng, category, compact):
    zero = rng.random() < 0.45
    sc = make_scenario(
        rng, "not_a_denial", "med", COMMERCIAL + ("medicare_advantage",), force_zero_paid=zero
    )
    claim = sc.claim
    assert claim is not None
    rows = []
    for ln in claim.lines:
        ded = sum(a for g, k, a in ln.adjs if k == "1")
        cs = sum(a for g, k, a in ln.adjs if k in ("2", "3"))
        rows.append(
            [
                sc.d(ln.dos),
                ln.svc.desc[:40],
                ln.svc.code,
                money(ln.billed),
                money(ln.allowed),
                money(ded),
                money(cs),
                money(ln.paid),
            ]
        )
    blocks: list = [
        logo(sc),
        Title("Explanation of Benefits", 4),
        Para("This is not a bill. Keep for your records.", "italic"),
        KV(
            [
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Claim number", claim.number),
                ("Provider", sc.prov.practice),
                ("Statement date", sc.d(sc.letter_date)),
            ],
            cols=2,
        ),
        Table(
            [
                "Date",
                "Service",
                "Code",
                "Billed",
                "Allowed",
                "Deductible",
                "Copay/Coins",
                "Plan paid",
            ],
            rows,
            style="grid",
            size=-2,
            align_right=(3, 4, 5, 6, 7),
        ),
        Para(f"Total you may owe the provider: {money(claim.pr)}", "bold"),
    ]
    if zero:
        blocks.append(
            Para(
                "Your plan paid $0.00 on this claim because the allowed amount was "
                "applied to your annual deductible. This is not a denial: the "
                "service is covered, and the amount counts toward your deductible."
            )
        )
    else:
        blocks.append(
            Para(
                "This claim was processed according to your benefits. No further action is needed."
            )
        )
    if not compact:
        blocks.append(
            Para(
                "Some services need prior authorization or have visit limits. See "
                "your benefit booklet for details.",
                "small",
            )
        )
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.name}  Page {{page}}"))
    codes = sc.codes(carc=False, group=False, rarc=False, dx=False)
    return doc, truth(
        sc,
        "eob",
        codes=codes,
        reason_text=None,
        appeal_deadline=None,
        patient_responsibility=claim.pr,
        amount_billed=billed_total(claim.lines),
        adjustments=adj_truth(sc, False),
    )


# ---------------------------------------------------------------- 19. appeal acknowledgement


def nondenial_appeal_ack(rng, category, compact):
    orig = rng.choice(MED_CATS[:8])
    sc = make_scenario(rng, orig, "med", COMMERCIAL + ("medicaid", "medicare_advantage"))
    sc.category = "not_a_denial"
    ln = sc.denied_lines()[0]
    blocks: list = [
        logo(sc),
        Para(sc.d(sc.letter_date)),
        Para("\n".join(addr_person(sc))),
        Title(rng.choice(["We received your appeal", "Appeal Acknowledgement"]), 3),
        KV(
            [
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Claim number", ln.claim),
                ("Provider", sc.prov.practice),
                ("Appeal number", f"AP{rng.randint(10000000, 99999999)}"),
                ("Service", f"{ln.svc.code} on {sc.d(ln.dos)}"),
            ]
        ),
        Para(
            f"We received your request on {sc.d(sc.letter_date - timedelta(days=3))} "
            "to review our earlier decision about this claim. The original "
            'decision said: "' + sc.member_reason() + '"'
        ),
        Para(
            f"A reviewer who was not involved in the first decision will look at "
            f"your appeal. We will send you our decision within "
            f"{rng.choice([30, 60])} days."
        ),
        Para(
            "You do not need to do anything else right now. If you have new "
            "records, send them to us with the appeal number."
        ),
    ]
    blocks += signature(sc, "Appeals and Grievances Unit")
    doc = Doc(blocks, style_for(sc, footer=form_no(sc)))
    codes = sc.codes(carc=False, group=False, rarc=False, dx=False)
    return doc, truth(
        sc,
        "other",
        codes=codes,
        reason_text=None,
        appeal_deadline=None,
        category="not_a_denial",
        amount_billed=None,
        patient_name=sc.patient.full,
    )


# ---------------------------------------------------------------- 20. newsletter


def nondenial_newsletter(rng, category, compact):
    sc = make_scenario(rng, "not_a_denial", "pre", COMMERCIAL + ("medicaid",))
    eff = sc.letter_date + timedelta(days=rng.randint(30, 90))
    items = [
        (
            "Prior authorization changes",
            f"Beginning {sc.d(eff)}, lumbar facet radiofrequency ablation (64635) and spinal cord "
            "stimulator trials (63650) will require prior authorization. Claims for these "
            "services without an approval on file will be denied.",
        ),
        (
            "Step therapy update",
            "Pregabalin and duloxetine remain preferred agents. Requests for non-preferred "
            "neuropathic pain drugs must show a trial of two preferred agents.",
        ),
        (
            "Reminder: timely filing",
            "Claims must be received within 180 days of the date of service. Corrected claims "
            "must include the original claim number.",
        ),
        (
            "Physical therapy visit limits",
            "Most commercial plans include 20 combined therapy visits per year. Check benefits "
            "before scheduling.",
        ),
        (
            "Medical records requests",
            "When we request records, please respond within 45 days to avoid claim denials for "
            "missing documentation.",
        ),
    ]
    rng.shuffle(items)
    k = 3 if compact else 5
    blocks: list = [
        logo(sc, "bars"),
        Title(
            rng.choice(["Provider News", "Network Bulletin", "Practice Matters"])
            + f" - {sc.letter_date:%B %Y}",
            4,
        ),
        Para(f"Published {sc.d(sc.letter_date)}", "small"),
        Para(
            "Information for participating providers. This is not a claim determination.", "italic"
        ),
    ]
    for h, t in items[:k]:
        blocks += [Title(h, 1), Para(t)]
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.web}  Page {{page}}"))
    empty = {k2: [] for k2 in ("carc", "rarc", "group", "cpt", "hcpcs", "icd10", "ndc")}
    return doc, truth(
        sc,
        "other",
        codes=empty,
        reason_text=None,
        appeal_deadline=None,
        claim_number=None,
        member_id=None,
        patient_name=None,
        provider=None,
        service_dates=[],
        amount_billed=None,
    )


# ============================================================================ registry

_ALL13 = tuple(MED_CATS)
_MED_NO_ST = tuple(c for c in MED_CATS if c != "step_therapy")
_RX = (
    "step_therapy",
    "benefit_limit",
    "not_covered",
    "prior_authorization",
    "medical_necessity",
    "experimental_investigational",
    "eligibility",
)

FAMILIES: list[Family] = [
    Family(
        "commercial_member_letter_a",
        "denial_letter",
        _ALL13,
        commercial_member_letter_a,
        "Classic block letter to a member, claim box, appeal rights, taglines page",
    ),
    Family(
        "commercial_member_letter_b",
        "denial_letter",
        _ALL13,
        commercial_member_letter_b,
        "Boxed 'Notice of Adverse Benefit Determination' with summary table",
    ),
    Family(
        "commercial_provider_letter",
        "denial_letter",
        _ALL13,
        commercial_provider_letter,
        "Provider notification with line table and odd CARC spellings",
    ),
    Family(
        "um_vendor_preservice",
        "denial_letter",
        (
            "medical_necessity",
            "experimental_investigational",
            "step_therapy",
            "missing_documentation",
            "not_covered",
            "benefit_limit",
            "out_of_network",
            "prior_authorization",
        ),
        um_vendor_preservice,
        "Delegated utilization-review vendor writing for the insurer (pre-service)",
    ),
    Family(
        "pbm_coverage_denial",
        "denial_letter",
        _RX,
        pbm_coverage_denial,
        "Pharmacy benefit manager coverage decision / claim rejection",
    ),
    Family(
        "medicare_summary_notice",
        "eob",
        (
            "medical_necessity",
            "not_covered",
            "benefit_limit",
            "missing_documentation",
            "coding_error",
            "timely_filing",
            "duplicate_claim",
            "eligibility",
            "coordination_of_benefits",
            "prior_authorization",
            "not_a_denial",
        ),
        medicare_summary_notice,
        "Medicare Summary Notice (Part B) with notes legend",
    ),
    Family(
        "medicare_advantage_notice",
        "denial_letter",
        (
            "medical_necessity",
            "prior_authorization",
            "not_covered",
            "experimental_investigational",
            "out_of_network",
            "benefit_limit",
            "missing_documentation",
            "step_therapy",
        ),
        medicare_advantage_notice,
        "Medicare Advantage denial of medical coverage or payment",
    ),
    Family(
        "part_d_coverage_determination",
        "denial_letter",
        (
            "step_therapy",
            "benefit_limit",
            "not_covered",
            "prior_authorization",
            "medical_necessity",
            "experimental_investigational",
        ),
        part_d_coverage_determination,
        "Part D coverage determination denial",
    ),
    Family(
        "medicaid_mco_notice",
        "denial_letter",
        (
            "medical_necessity",
            "prior_authorization",
            "not_covered",
            "benefit_limit",
            "out_of_network",
            "eligibility",
            "missing_documentation",
            "experimental_investigational",
            "step_therapy",
        ),
        medicaid_mco_notice,
        "Medicaid managed-care adverse benefit determination with fair-hearing rights",
    ),
    Family(
        "workers_comp_ur",
        "denial_letter",
        (
            "medical_necessity",
            "experimental_investigational",
            "missing_documentation",
            "prior_authorization",
        ),
        workers_comp_ur,
        "Workers' compensation utilization review non-certification",
    ),
    Family(
        "member_eob_partial",
        "eob",
        _ALL13,
        member_eob_partial,
        "Member EOB with payer-specific remark codes legend, partial denials",
    ),
    Family(
        "remit_fixed_width",
        "remittance",
        _MED_NO_ST + ("not_a_denial",),
        remit_fixed_width,
        "Fixed-width provider remittance with glossary",
    ),
    Family(
        "remit_pipes",
        "remittance",
        _MED_NO_ST + ("not_a_denial",),
        remit_pipes,
        "Pipe-delimited ERA detail print",
    ),
    Family(
        "remit_keyvalue",
        "remittance",
        _ALL13 + ("not_a_denial",),
        remit_keyvalue,
        "Key/value block remittance",
    ),
    Family(
        "remit_allcaps_voucher",
        "remittance",
        _MED_NO_ST,
        remit_allcaps_voucher,
        "All-caps payment voucher with code list",
    ),
    Family(
        "remit_multi_claim",
        "remittance",
        _MED_NO_ST + ("not_a_denial",),
        remit_multi_claim,
        "Remittance covering several patients' claims",
    ),
    Family(
        "nondenial_approval",
        "other",
        ("not_a_denial",),
        nondenial_approval,
        "Prior-authorization approval letter",
    ),
    Family(
        "nondenial_eob_paid",
        "eob",
        ("not_a_denial",),
        nondenial_eob_paid,
        "Fully paid EOB or $0 paid because of the deductible",
    ),
    Family(
        "nondenial_appeal_ack",
        "other",
        ("not_a_denial",),
        nondenial_appeal_ack,
        "Appeal acknowledgement letter quoting the earlier denial",
    ),
    Family(
        "nondenial_newsletter",
        "other",
        ("not_a_denial",),
        nondenial_newsletter,
        "Provider newsletter about policy changes",
    ),
]
# more families (new layouts and kinds of mail) live in their own module; it imports the
# helpers above, so it is imported here, after they are defined
from .families_more import MORE_FAMILIES  # noqa: E402

FAMILIES += MORE_FAMILIES
FAMILY_BY_ID = {f.id: f for f in FAMILIES}
