"""More template families: kinds of mail and layouts the first twenty do not make.

Eight non-denials (claim acknowledgement, pended claim / request for information,
835-style paid remittance, provider patient statement, plan premium bill, other-insurance
questionnaire, appeal decided in the member's favour, provider policy / fee-schedule
bulletin) and three denials in new layouts (provider-portal claim status page,
conversational secure message that never says "denied", terse postcard notice).

All wording here was written for this corpus. Ground truth follows the conventions
of :mod:`pipeline.corpus.families` (see :mod:`pipeline.corpus` for the list) and is
built with the same :func:`~pipeline.corpus.families.truth` helper. The families are
registered in ``families.FAMILIES`` (one list, one ``FAMILY_BY_ID``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import catalog as C
from .doc import KV, Box, Doc, Logo, Mono, Para, Rule, Space, Table, Title, money
from .families import (
    COMMERCIAL,
    MED_CATS,
    Family,
    _glossary,
    _remit_reason,
    addr_person,
    addr_provider,
    adj_truth,
    billed_total,
    carc_fmt,
    dos_text,
    form_no,
    logo,
    signature,
    style_for,
    taglines,
    truth,
)
from .scenario import Line, Scenario, make_scenario

NO_CODES: tuple[str, ...] = ("carc", "rarc", "group", "cpt", "hcpcs", "icd10", "ndc")


def _empty_codes() -> dict[str, list[str]]:
    return {k: [] for k in NO_CODES}


def _pick(rng: random.Random, *options: str) -> str:
    return rng.choice(list(options))


def _lc(desc: str) -> str:
    """A service description inside a sentence: lower-case first letter, acronyms kept."""
    if len(desc) > 1 and desc[1].isupper():
        return desc
    return desc[:1].lower() + desc[1:]


def _svc_label(ln: Line) -> str:
    return f"{ln.svc.code}" + (f"-{'-'.join(ln.modifiers)}" if ln.modifiers else "")


def _codes_list(lines: list[Line]) -> str:
    out: list[str] = []
    for ln in lines:
        if ln.svc.code not in out:
            out.append(ln.svc.code)
    return ", ".join(out)


def _paid_scenario(rng: random.Random, types: tuple[str, ...], n_claims: int = 1) -> Scenario:
    """A claim with no denied line (payments, deductible, coinsurance only)."""
    return make_scenario(rng, "not_a_denial", "med", types, n_claims=n_claims)


# ============================================================================ non-denials

# ---------------------------------------------------------------- 21. claim acknowledgement


def nondenial_claim_ack(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = _paid_scenario(rng, COMMERCIAL + ("medicare_advantage", "medicaid"))
    claim = sc.claim
    assert claim is not None
    sc.letter_date = claim.received + timedelta(days=rng.randint(1, 6))
    to_provider = rng.random() < 0.5
    show_dx = rng.random() < 0.5
    blocks: list = [logo(sc, rng.choice(["circle", "square", "none"]))]
    title = _pick(
        rng,
        "Claim Acknowledgment",
        "We received your claim",
        "Notice of Claim Receipt",
        "Claim Receipt Confirmation",
        "Your claim is in process",
    )
    if rng.random() < 0.5:
        blocks += [Title(title, 3), Para(sc.d(sc.letter_date))]
    else:
        blocks += [Para(sc.d(sc.letter_date)), Title(title, 3)]
    if to_provider:
        blocks.append(Para("\n".join(addr_provider(sc))))
    else:
        blocks.append(Para("\n".join(addr_person(sc))))
    got = sc.d(claim.received)
    blocks.append(
        Para(
            _pick(
                rng,
                f"We received the claim described below on {got}. It has been accepted into our "
                "claims system and is now being processed.",
                f"This confirms that a claim for the services below reached us on {got}. "
                "Processing has started; no payment decision has been made yet.",
                f"Thank you. The claim listed here was received on {got} and passed our "
                "intake checks. It is in line for processing.",
                f"Your claim arrived on {got}. We are working on it now and will let you know "
                "the outcome when processing is complete.",
            )
        )
    )
    kv = [
        ("Patient" if to_provider else "Member", sc.patient.full),
        ("Member ID", sc.member_id),
        (_pick(rng, "Claim number", "Claim #", "Claim reference"), claim.number),
        (_pick(rng, "Provider", "Billing provider", "Submitted by"), sc.prov.practice),
        ("Date(s) of service", dos_text(sc, claim.lines)),
        (_pick(rng, "Total charge", "Total billed", "Amount billed"), money(claim.billed)),
    ]
    if show_dx:
        kv.append(("Diagnosis", " ".join(sorted({ln.dx for ln in claim.lines}))))
    if rng.random() < 0.5:
        blocks.append(KV(kv, cols=rng.choice([1, 2])))
        blocks.append(
            Table(
                ["Line", "Procedure", "Description", "Units", "Charge"],
                [
                    [str(ln.n), _svc_label(ln), ln.svc.desc, str(ln.units), money(ln.billed)]
                    for ln in claim.lines
                ],
                style=rng.choice(["lines", "plain", "grid"]),
                align_right=(4,),
            )
        )
    else:
        kv.insert(5, ("Procedure code(s)", _codes_list(claim.lines)))
        blocks.append(KV(kv, cols=1, sep=rng.choice([":", " ....."])))
    blocks.append(
        Para(
            _pick(
                rng,
                "This notice is not a bill and it is not a payment decision.",
                "Nothing on this claim has been decided yet. This is only a receipt.",
                "We have not made a payment decision. You do not need to do anything now.",
            ),
            rng.choice(["bold", "body"]),
        )
    )
    blocks.append(
        Para(
            _pick(
                rng,
                "Most clean claims are processed within 30 days of receipt. "
                + (
                    "A remittance advice will follow when processing is complete."
                    if to_provider
                    else "You will get an Explanation of Benefits when processing is complete."
                ),
                "Please do not send this claim again while it is in process: a second copy "
                "slows down processing.",
                f"You can check the status at any time at {sc.payer.web} or by calling "
                f"{sc.payer.phone}.",
            )
        )
    )
    if not compact and rng.random() < 0.5:
        blocks.append(
            Para(
                "Keep this notice with your records. If any information above is wrong, call "
                "us so we can correct it before the claim is processed.",
                "small",
            )
        )
    blocks.append(Para(_pick(rng, "Claims Intake", "Claims Receipt Unit", "Claims Department")))
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.name}  {sc.payer.phone}  Page {{page}}"))
    return doc, truth(
        sc,
        "other",
        codes=sc.codes(carc=False, group=False, rarc=False, dx=show_dx),
        reason_text=None,
        appeal_deadline=None,
        amount_billed=claim.billed,
        category="not_a_denial",
    )


# ---------------------------------------------------------------- 22. pended claim, info request


def nondenial_pended_info(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = _paid_scenario(rng, COMMERCIAL + ("medicare_advantage", "medicaid"))
    claim = sc.claim
    assert claim is not None
    sc.letter_date = claim.received + timedelta(days=rng.randint(7, 25))
    due = sc.letter_date + timedelta(days=rng.choice([30, 45, 60]))
    ask = rng.choice(["records", "accident", "itemized"])
    to_provider = ask == "records" or (ask == "itemized" and rng.random() < 0.5)
    show_amt = rng.random() < 0.6
    blocks: list = [logo(sc), Para(sc.d(sc.letter_date))]
    blocks.append(Para("\n".join(addr_provider(sc) if to_provider else addr_person(sc))))
    blocks.append(
        Title(
            {
                "records": _pick(
                    rng,
                    "Request for Medical Records",
                    "Additional Information Needed to Process Claim",
                    "Claim Pended - Records Requested",
                ),
                "accident": _pick(
                    rng,
                    "Accident Details Questionnaire",
                    "Please tell us about your injury",
                    "Information Needed: Accident or Injury",
                ),
                "itemized": _pick(
                    rng, "Itemized Bill Requested", "Your claim is on hold: itemized bill needed"
                ),
            }[ask],
            3,
        )
    )
    kv = [
        ("Patient", sc.patient.full),
        ("Member ID", sc.member_id),
        ("Claim number", claim.number),
        ("Provider", sc.prov.practice),
        ("Service date(s)", dos_text(sc, claim.lines)),
        ("Services", _codes_list(claim.lines)),
    ]
    if show_amt:
        kv.append(("Amount billed", money(claim.billed)))
    blocks.append(KV(kv, cols=rng.choice([1, 2])))
    hold = _pick(
        rng,
        "This claim is on hold. No decision has been made on it yet.",
        "We have put this claim on hold while we wait for the information below. It has not "
        "been decided.",
        "The claim is pending. We need more information before we can finish processing it.",
    )
    if ask == "records":
        what = _pick(
            rng,
            "office notes for the date of service, the procedure report and any imaging reports",
            "the operative or procedure note and the last two office visit notes",
            "treatment notes and the plan of care that supports the services billed",
        )
        body = f"To finish processing this claim we need {what}. " + hold
        how = (
            f"Please send the records by {sc.d(due)}, with a copy of this letter, to the "
            "address above or upload them through the provider portal."
        )
    elif ask == "accident":
        body = (
            "The diagnosis on this claim suggests the treatment may be for an injury. Please "
            "answer the questions below so we know whether another insurer, such as an auto or "
            "workers' compensation carrier, should pay first. " + hold
        )
        how = f"Return this form by {sc.d(due)} in the envelope provided or by fax."
    else:
        body = (
            _pick(
                rng,
                "To check the charges on this claim we need an itemized bill that lists each "
                "service with its date, units and charge. ",
                "We need an itemized statement from the provider before we can price this claim. ",
            )
            + hold
        )
        how = (
            f"Please send the itemized bill by {sc.d(due)}."
            if to_provider
            else f"Please ask your provider to send us the itemized bill by {sc.d(due)}."
        )
    blocks.append(Para(body))
    if ask == "accident":
        qs = [
            "1. Was this treatment for an injury?  [ ] Yes  [ ] No",
            "2. Date of the injury or accident: ____________",
            "3. Where did it happen?  [ ] Car accident  [ ] At work  [ ] At home  [ ] Other",
            "4. Is another insurer or an attorney involved?  [ ] Yes  [ ] No",
            "   Name of insurer: __________________  Claim no.: ____________",
            "Signature: ______________________  Date: __________",
        ]
        blocks.append(Mono(qs, size=rng.choice([8.0, 9.0])))
    blocks.append(Para(how, "bold"))
    blocks.append(
        Para(
            _pick(
                rng,
                "When we receive it we will finish processing the claim and send you a "
                "statement of the outcome.",
                "If we do not hear back by that date, we will decide the claim with the "
                "information we have.",
                "Once the information arrives, processing resumes. No other action is needed.",
            )
        )
    )
    if not compact:
        blocks.append(
            Para(f"Questions? Call {sc.payer.phone}. Please have the claim number ready.", "small")
        )
    blocks += signature(sc, _pick(rng, "Claims Review Department", "Claims Investigation Unit"))
    doc = Doc(blocks, style_for(sc, footer=form_no(sc)))
    return doc, truth(
        sc,
        "other",
        codes=sc.codes(carc=False, group=False, rarc=False, dx=False),
        reason_text=None,
        appeal_deadline=None,
        amount_billed=claim.billed if show_amt else None,
        category="not_a_denial",
    )


# ---------------------------------------------------------------- 23. 835-style paid remittance


def _seg_amt(x: float) -> str:
    return f"{x:.2f}"


def remit_835_paid(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    types = COMMERCIAL + ("medicare_advantage", "medicaid", "medicare")
    sc = _paid_scenario(rng, types, n_claims=1 if compact else rng.choice([1, 1, 2]))
    c0 = sc.claims[0]
    trace = f"{rng.randint(10**9, 10**10 - 1)}"
    total = round(sum(c.paid for c in sc.claims), 2)
    raw = rng.random() < 0.5
    blocks: list = []
    if raw:
        segs = [
            "ISA*00*          *00*          *ZZ*PAYER*ZZ*PROVIDER~",
            f"ST*835*{rng.randint(1000, 9999)}~",
            f"BPR*I*{_seg_amt(total)}*C*ACH*CCP~",
            f"TRN*1*{trace}~",
            f"DTM*405*{sc.letter_date:%Y%m%d}~",
            f"N1*PR*{sc.payer.name.upper()}~",
            f"N1*PE*{sc.prov.practice.upper()}*XX*{sc.prov.npi}~",
        ]
        for c in sc.claims:
            segs.append(
                f"CLP*{rng.randint(10000, 99999)}*1*{_seg_amt(c.billed)}*{_seg_amt(c.paid)}*"
                f"{_seg_amt(c.pr)}*12*{c.number}~"
            )
            segs.append(
                f"NM1*QC*1*{c.patient.last.upper()}*{c.patient.first.upper()}****MI*{c.member_id}~"
            )
            for ln in c.lines:
                mods = ":".join(ln.modifiers)
                segs.append(
                    f"SVC*HC:{ln.svc.code}{':' + mods if mods else ''}*{_seg_amt(ln.billed)}*"
                    f"{_seg_amt(ln.paid)}**{ln.units}~"
                )
                segs.append(f"DTM*472*{ln.dos:%Y%m%d}~")
                for g, k, a in ln.adjs:
                    segs.append(f"CAS*{g}*{k}*{_seg_amt(a)}~")
                segs.append(f"AMT*B6*{_seg_amt(ln.allowed)}~")
        segs.append(f"SE*{len(segs)}*0001~")
        blocks += [
            Title(_pick(rng, "835 Health Care Claim Payment - raw file", "ERA 835 print"), 1),
            Para(
                f"Received from clearinghouse for {sc.prov.practice}, payer {sc.payer.name}",
                "small",
            ),
            Mono(segs, size=6.8),
            Title("Claim summary", 0),
        ]
        for c in sc.claims:
            blocks.append(
                KV(
                    [
                        ("Payer claim number", c.number),
                        ("Patient", c.patient.last_first),
                        ("Member ID", c.member_id),
                        ("Claim charge", money(c.billed)),
                        ("Paid", money(c.paid)),
                        ("Patient responsibility", money(c.pr)),
                    ],
                    cols=2,
                )
            )
        font = "Courier"
    else:
        blocks += [
            Title(
                _pick(
                    rng,
                    "835 Remittance - Readable View",
                    "Electronic Remittance Detail (835)",
                    "Claim Payment Detail - 835",
                ),
                2,
            ),
            KV(
                [
                    ("Payer (N1*PR)", sc.payer.name),
                    ("Payee (N1*PE)", f"{sc.prov.practice}  NPI {sc.prov.npi}"),
                    ("Production date (DTM*405)", sc.d(sc.letter_date)),
                    ("Trace number (TRN)", trace),
                    ("Payment amount (BPR)", money(total)),
                ]
            ),
            Rule(),
        ]
        for c in sc.claims:
            blocks.append(
                KV(
                    [
                        ("CLP claim", c.number),
                        ("Status", "1 - Processed as primary"),
                        ("Patient (NM1*QC)", c.patient.last_first),
                        ("Member ID (MI)", c.member_id),
                        ("Total charge", money(c.billed)),
                        ("Claim payment", money(c.paid)),
                        ("Patient responsibility", money(c.pr)),
                    ],
                    cols=2,
                )
            )
            rows = []
            for ln in c.lines:
                cas = "; ".join(f"{g}-{k} {money(a, False)}" for g, k, a in ln.adjs)
                rows.append(
                    [
                        sc.d(ln.dos),
                        _svc_label(ln),
                        money(ln.billed, False),
                        money(ln.allowed, False),
                        money(ln.paid, False),
                        cas,
                    ]
                )
            blocks.append(
                Table(
                    ["DOS", "SVC", "Charge", "Allowed", "Paid", "CAS adjustments"],
                    rows,
                    style="lines",
                    size=-2,
                    align_right=(2, 3, 4),
                )
            )
        font = rng.choice(["Helvetica", "Courier"])
    blocks.append(Title("Adjustment codes in this file", 0))
    blocks.append(Mono(_glossary(sc), size=7))
    if not compact:
        blocks.append(
            Para(
                _pick(
                    rng,
                    "All lines were processed and paid under the contract. Amounts under group "
                    "PR are the patient's deductible, coinsurance or copay.",
                    "No line on this remittance was reduced for any reason other than the fee "
                    "schedule and the member's cost share.",
                ),
                "small",
            )
        )
    doc = Doc(blocks, style_for(sc, font=font, size=8.5, footer="Page {page}"))
    totals = tuple(c.billed for c in sc.claims)
    return doc, truth(
        sc,
        "remittance",
        codes=sc.codes(carc=False, group=False, rarc=False, dx=False),
        reason_text=None,
        appeal_deadline=None,
        claim_number=c0.number,
        member_id=c0.member_id,
        patient_name=c0.patient.full,
        patient_responsibility=c0.pr,
        amount_billed=billed_total(c0.lines, totals),
        adjustments=adj_truth(sc, True),
        category="not_a_denial",
    )


# ---------------------------------------------------------------- 24. provider patient statement


def nondenial_patient_statement(
    rng: random.Random, category: str, compact: bool
) -> tuple[Doc, dict]:
    sc = _paid_scenario(rng, COMMERCIAL + ("medicare_advantage",))
    claim = sc.claim
    assert claim is not None
    pr = sc.prov
    acct = f"{rng.choice(['A', 'PT', 'G', ''])}{rng.randint(100000, 9999999)}"
    paid_on = claim.received + timedelta(days=rng.randint(5, 12))
    sc.letter_date = paid_on + timedelta(days=rng.randint(3, 20))
    pay_by = sc.letter_date + timedelta(days=rng.choice([21, 25, 30]))
    contractual = round(sum(a for ln in claim.lines for g, k, a in ln.adjs if k == "45"), 2)
    owe = claim.pr
    show_claim = rng.random() < 0.4
    show_dx = rng.random() < 0.3
    blocks: list = [
        Logo(
            pr.practice,
            "".join(w[0] for w in pr.practice.split()[:2]),
            rng.choice(["square", "none", "circle"]),
            _pick(rng, "Patient Billing Office", "Patient Financial Services", "Business Office"),
            [
                pr.street,
                f"{pr.city}, {pr.state} {pr.zip}",
                f"Billing questions 1-800-555-{rng.randint(1000, 9999)}",
            ],
        ),
        Title(_pick(rng, "PATIENT STATEMENT", "Statement of Account", "Your bill"), 3),
    ]
    blocks.append(
        KV(
            [
                ("Statement date", sc.d(sc.letter_date)),
                ("Account number", acct),
                ("Guarantor", sc.patient.full),
                ("Patient", sc.patient.full_mi),
                ("Insurance on file", sc.payer.name),
                ("Insurance ID", sc.member_id),
                ("Please pay by", sc.d(pay_by)),
            ],
            cols=2,
        )
    )
    rows: list[list[str]] = []
    for ln in claim.lines:
        rows.append([sc.d(ln.dos), f"{ln.svc.desc} ({ln.svc.code})", money(ln.billed, False), ""])
    payer_short = sc.payer.name
    if claim.paid > 0:
        rows.append([sc.d(paid_on), f"Payment - {payer_short}", "", "-" + money(claim.paid, False)])
    rows.append(
        [
            sc.d(paid_on),
            f"Contractual adjustment - {payer_short}",
            "",
            "-" + money(contractual, False),
        ]
    )
    blocks.append(
        Table(
            ["Date", "Description", "Charges", "Payments/Adj"],
            rows,
            style=rng.choice(["lines", "plain"]),
            widths=[1.1, 4, 1, 1.2],
            align_right=(2, 3),
        )
    )
    blocks.append(
        KV(
            [
                ("Total charges", money(claim.billed)),
                (
                    "Insurance payments and adjustments",
                    "-" + money(round(claim.paid + contractual, 2)),
                ),
                (
                    _pick(rng, "Your responsibility", "Amount you owe", "Patient responsibility"),
                    money(owe),
                ),
            ]
        )
    )
    if show_claim:
        blocks.append(Para(f"Insurance claim {claim.number} was processed by {sc.payer.name}."))
    if show_dx:
        blocks.append(Para(f"Diagnosis billed: {' '.join(sorted({ln.dx for ln in claim.lines}))}"))
    ded = round(sum(a for ln in claim.lines for g, k, a in ln.adjs if k == "1"), 2)
    if owe == 0:
        note = (
            "Your insurance has paid this visit in full after the contracted discount. "
            "No payment is needed."
        )
    elif ded >= owe:
        note = (
            f"Your insurance has processed this visit. The remaining {money(owe)} was applied to "
            "your annual deductible and is your responsibility."
        )
    else:
        note = _pick(
            rng,
            f"Your insurance has paid its share. The balance of {money(owe)} is your copay, "
            "coinsurance or deductible.",
            "We billed your insurance and received its payment. What is left is your share "
            "under your plan.",
        )
    blocks.append(Para(note))
    blocks.append(
        Para(
            _pick(
                rng,
                "Ways to pay: online, by phone, or by mailing the stub below. Interest-free "
                "payment plans are available; call before the due date.",
                "Pay online with the account number above, or return the stub with a check "
                "made out to the practice. Ask us about financial assistance.",
            )
        )
    )
    if not compact:
        blocks.append(Space(6))
        blocks.append(Mono(["- " * 40, "DETACH AND RETURN WITH YOUR PAYMENT"], size=7))
        blocks.append(
            KV(
                [
                    ("Account", acct),
                    ("Patient", sc.patient.full),
                    ("Amount due", money(owe)),
                    ("Amount enclosed", "$________"),
                ],
                cols=2,
            )
        )
    doc = Doc(blocks, style_for(sc, footer=f"{pr.practice}  Page {{page}}"))
    return doc, truth(
        sc,
        "other",
        codes=sc.codes(carc=False, group=False, rarc=False, dx=show_dx),
        reason_text=None,
        appeal_deadline=None,
        claim_number=claim.number if show_claim else None,
        amount_billed=claim.billed,
        patient_responsibility=owe,
        category="not_a_denial",
    )


# ---------------------------------------------------------------- 25. premium bill from a plan


def nondenial_premium_bill(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = make_scenario(rng, "not_a_denial", "pre", COMMERCIAL + ("medicare_advantage",))
    start = date(sc.letter_date.year, sc.letter_date.month, 1) + timedelta(days=32)
    start = date(start.year, start.month, 1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1) - timedelta(days=1)
    premium = round(rng.choice([38.0, 112.5, 186.0, 247.33, 318.9, 402.0, 561.75]), 2)
    past = 0.0 if rng.random() < 0.7 else premium
    subsidy = round(premium * rng.uniform(0.2, 0.6), 2) if rng.random() < 0.3 else 0.0
    due = round(premium + past - subsidy, 2)
    invoice = f"INV{rng.randint(10000000, 99999999)}"
    grace = rng.choice([30, 31, 90])
    rows = [[f"{sc.d(start)} - {sc.d(end)}", "Monthly premium", money(premium)]]
    if subsidy:
        rows.append(["", "Premium assistance applied", "-" + money(subsidy)])
    if past:
        rows.append(["", "Past due from previous invoice", money(past)])
    blocks: list = [
        logo(sc, rng.choice(["square", "circle", "bars"])),
        Title(_pick(rng, "Premium Invoice", "Your monthly premium bill", "PREMIUM STATEMENT"), 3),
        KV(
            [
                ("Invoice date", sc.d(sc.letter_date)),
                ("Invoice number", invoice),
                ("Subscriber", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Coverage period", f"{sc.d(start)} through {sc.d(end)}"),
                ("Payment due", sc.d(start)),
            ],
            cols=rng.choice([1, 2]),
        ),
        Table(["Period", "Description", "Amount"], rows, style="lines", align_right=(2,)),
        Para(f"Total amount due: {money(due)}", "bold"),
        Para(
            _pick(
                rng,
                "Thank you for being a member. Pay online, by phone, or by mailing the coupon "
                "below. Automatic monthly payments are available.",
                "You can pay by bank draft, card or check. Write your member ID on your check.",
            )
        ),
        Para(
            _pick(
                rng,
                f"If we do not receive your payment, a grace period of {grace} days applies. "
                "If the premium is still unpaid at the end of the grace period, your coverage "
                "may end and claims for services after that date would not be paid.",
                "Your coverage continues as long as premiums are paid on time. Unpaid premiums "
                "can lead to termination of coverage after the grace period.",
            ),
            "small",
        ),
        Para("This is a bill for your plan premium. It is not a bill for medical services."),
    ]
    if not compact:
        blocks.append(Mono(["- " * 40, "RETURN THIS PORTION WITH YOUR PAYMENT"], size=7))
        blocks.append(
            KV(
                [
                    ("Member ID", sc.member_id),
                    ("Invoice", invoice),
                    ("Amount due", money(due)),
                    ("Amount enclosed", "$________"),
                ],
                cols=2,
            )
        )
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.name}  Billing {sc.payer.phone}"))
    return doc, truth(
        sc,
        "other",
        codes=_empty_codes(),
        reason_text=None,
        appeal_deadline=None,
        claim_number=None,
        provider=None,
        service_dates=[],
        amount_billed=None,
        category="not_a_denial",
    )


# ---------------------------------------------------------------- 26. other-insurance questionnaire


def nondenial_cob_questionnaire(
    rng: random.Random, category: str, compact: bool
) -> tuple[Doc, dict]:
    sc = make_scenario(rng, "not_a_denial", "pre", COMMERCIAL + ("medicaid", "medicare_advantage"))
    ret = sc.letter_date + timedelta(days=rng.choice([30, 30, 45, 60]))
    annual = rng.random() < 0.6
    blocks: list = [
        logo(sc),
        Para(sc.d(sc.letter_date)),
        Para("\n".join(addr_person(sc))),
        KV([("Member ID", sc.member_id), ("Member", sc.patient.full)], cols=rng.choice([1, 2])),
        Title(
            _pick(
                rng,
                "OTHER HEALTH INSURANCE QUESTIONNAIRE",
                "Coordination of Benefits Update",
                "Do you have other health coverage?",
                "Please update your other insurance information",
            ),
            3,
        ),
        Para(f"Dear {sc.patient.full}:"),
    ]
    if annual:
        intro = _pick(
            rng,
            "Once a year we ask every member whether anyone on the plan has other health "
            "coverage. Knowing this helps us decide which plan pays first.",
            "It is time for our yearly check of other insurance. Please tell us about any other "
            "coverage you or your family have, even if the answer has not changed.",
        )
    else:
        intro = _pick(
            rng,
            "We were told that you may have coverage through another plan. Please confirm your "
            "other insurance so that claims go to the right plan first.",
            "Our records about your other coverage may be out of date. Please review the "
            "questions below and answer each one.",
        )
    blocks.append(Para(intro))
    qs = [
        "1. Do you or a family member on this plan have other health insurance",
        "   (employer plan, COBRA, Medicare, Medicaid, a marketplace plan)?  [ ] Yes  [ ] No",
        "   Insurer: ______________  Policy holder: ______________  ID: ______________",
        "2. Is anyone covered under a spouse's or former spouse's plan?  [ ] Yes  [ ] No",
        "3. Is anyone on this plan entitled to Medicare?  [ ] Yes  [ ] No",
        "4. Was any recent treatment for an injury from an accident?  [ ] Yes  [ ] No",
    ]
    if rng.random() < 0.5:
        qs.append(
            "5. For dependent children of separated parents, which parent has custody? ______"
        )
    blocks.append(
        Mono(qs, size=rng.choice([7.5, 8.5])) if rng.random() < 0.5 else Box("Questions", qs)
    )
    blocks.append(
        Para(
            _pick(
                rng,
                f"Please return the completed form by {sc.d(ret)}. You can also answer by phone "
                f"at {sc.payer.phone} or on {sc.payer.web}.",
                f"Mail the form back in the envelope provided or update your answers online at "
                f"{sc.payer.web} by {sc.d(ret)}.",
            )
        )
    )
    blocks.append(
        Para(
            _pick(
                rng,
                "This letter does not change your benefits. Your coverage stays active and your "
                "claims continue to be processed as usual.",
                "Answering this questionnaire does not affect your eligibility. It only helps us "
                "pay claims in the right order.",
            )
        )
    )
    blocks += signature(sc, "Coordination of Benefits Unit")
    if not compact and rng.random() < 0.5:
        blocks += taglines(sc, 2)
    doc = Doc(blocks, style_for(sc, footer=form_no(sc) + "  Page {page}"))
    return doc, truth(
        sc,
        "other",
        codes=_empty_codes(),
        reason_text=None,
        appeal_deadline=None,
        claim_number=None,
        provider=None,
        service_dates=[],
        amount_billed=None,
        category="not_a_denial",
    )


# ---------------------------------------------------------------- 27. appeal decided in favour

_OVERTURN_CATS = (
    "medical_necessity",
    "prior_authorization",
    "not_covered",
    "experimental_investigational",
    "out_of_network",
    "missing_documentation",
    "benefit_limit",
    "coding_error",
)


def nondenial_appeal_overturned(
    rng: random.Random, category: str, compact: bool
) -> tuple[Doc, dict]:
    orig = rng.choice(_OVERTURN_CATS)
    sc = make_scenario(rng, orig, "med", COMMERCIAL + ("medicaid", "medicare_advantage"))
    sc.category = "not_a_denial"
    lines = sc.denied_lines()
    ln = lines[0]
    to_provider = rng.random() < 0.35
    said = sc.provider_reason() if to_provider else sc.member_reason()
    whose = "the member's" if to_provider else "your"
    show_amt = rng.random() < 0.4
    appeal_no = f"{rng.choice(['AP', 'AG-', 'GRV'])}{rng.randint(1000000, 99999999)}"
    blocks: list = [
        logo(sc),
        Para(sc.d(sc.letter_date)),
        Para("\n".join(addr_provider(sc) if to_provider else addr_person(sc))),
        Title(
            _pick(
                rng,
                "Appeal decision - in your favor",
                "Your appeal was approved",
                "Notice of Appeal Decision: Overturned",
                "We have changed our decision",
            ),
            3,
        ),
        KV(
            [
                ("Appeal number", appeal_no),
                ("Member", sc.patient.full),
                ("Member ID", sc.member_id),
                ("Claim number", ln.claim),
                ("Provider", sc.prov.practice),
                ("Service", f"{ln.svc.desc} ({_codes_list(lines)}) on {dos_text(sc, lines)}"),
            ]
            + ([("Amount billed", money(sum(x.billed for x in lines)))] if show_amt else []),
            cols=1,
        ),
        Para("Dear Provider:" if to_provider else f"Dear {sc.patient.first} {sc.patient.last}:"),
    ]
    if rng.random() < 0.5:
        orig_txt = 'Our earlier decision on this claim said: "' + said + '"'
    else:
        orig_txt = (
            "You asked us to look again at our first decision on this claim. At that time we "
            'wrote: "' + said + '"'
        )
    blocks.append(Para(orig_txt))
    blocks.append(
        Para(
            _pick(
                rng,
                f"A reviewer who was not part of the first decision looked at the appeal and the "
                f"records sent with it, including notes from {sc.prov.doctor}.",
                "A physician reviewer and an appeals specialist reviewed the new information "
                "received with the appeal.",
                "We reviewed everything sent with the appeal, the plan documents and the claim "
                "history.",
            )
        )
    )
    blocks.append(
        Para(
            _pick(
                rng,
                "We have reversed our earlier decision. The service meets the plan's coverage "
                f"rules and the claim has been sent back for payment under {whose} benefits.",
                "The earlier decision has been overturned. We are reprocessing the claim and "
                f"will pay it according to {whose} plan's benefits.",
                "Our decision is in your favor: the claim will be reprocessed for payment.",
            ),
            "bold",
        )
    )
    blocks.append(
        Para(
            _pick(
                rng,
                "You will receive a new Explanation of Benefits within 30 days showing the "
                "amount paid and any cost share.",
                "A new remittance and Explanation of Benefits will be issued once the claim is "
                "reprocessed, usually within 30 days.",
                "You do not need to do anything else. Watch for a new statement showing the "
                "payment.",
            )
        )
    )
    blocks += signature(sc, "Appeals and Grievances Unit")
    doc = Doc(blocks, style_for(sc, footer=form_no(sc)))
    codes = sc.codes(carc=False, group=False, rarc=False)
    # a diagnosis code is printed only when the quoted reason names it
    codes["icd10"] = [x for x in codes["icd10"] if x in said]
    return doc, truth(
        sc,
        "other",
        codes=codes,
        reason_text=None,
        appeal_deadline=None,
        category="not_a_denial",
        secondary=[],
        amount_billed=billed_total(lines) if show_amt else None,
        patient_name=sc.patient.full,
    )


# ---------------------------------------------------------------- 28. policy / fee bulletin


def nondenial_policy_bulletin(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = make_scenario(rng, "not_a_denial", "pre", COMMERCIAL + ("medicaid", "medicare_advantage"))
    eff = sc.letter_date + timedelta(days=rng.randint(30, 90))
    num = f"{sc.letter_date:%Y}-{rng.randint(1, 40):02d}"
    svcs = rng.sample([s for s in C.SERVICES if "drug" not in s.tags], 5)
    pol = [f"MP-{rng.randint(1, 9)}.{rng.randint(10, 299):03d}" for _ in range(4)]
    items = [
        (
            f"{pol[0]} {svcs[0].desc} - REVISED",
            _pick(
                rng,
                f"Effective {sc.d(eff)}, code {svcs[0].code} requires prior authorization for "
                "all members. Claims received without an approval on file will be denied.",
                f"Starting {sc.d(eff)}, we will review {svcs[0].code} before the service. "
                "Services performed without prior authorization will not be paid.",
            ),
        ),
        (
            f"{pol[1]} {svcs[1].desc} - CRITERIA UPDATE",
            _pick(
                rng,
                f"Medical necessity criteria for {svcs[1].code} now require documentation of "
                "six weeks of conservative care and a functional assessment in the record.",
                f"{svcs[1].code} will be considered medically necessary only when the notes show "
                "a failed trial of conservative treatment. Criteria follow "
                f"{rng.choice(C.GUIDELINES)}.",
            ),
        ),
        (
            f"{pol[2]} {svcs[2].desc} - NO CHANGE",
            _pick(
                rng,
                f"Our position on {svcs[2].code} is unchanged. Requests continue to be reviewed "
                "against the current policy.",
                f"Frequency limits for {svcs[2].code} stay the same: requests beyond the limit "
                "need clinical notes showing a change in condition.",
            ),
        ),
        (
            f"{pol[3]} Fee schedule update",
            f"Allowances for the codes below change on {sc.d(eff)}.",
        ),
    ]
    rng.shuffle(items)
    fee_rows = []
    for s in svcs[3:]:
        lo, hi = s.charge
        old = round(rng.uniform(lo * 0.4, lo * 0.7), 2)
        new = round(old * rng.uniform(0.94, 1.06), 2)
        fee_rows.append([s.code, s.desc, money(old), money(new)])
    blocks: list = [
        logo(sc, rng.choice(["bars", "none"])),
        Title(
            _pick(
                rng,
                "MEDICAL POLICY BULLETIN",
                "Provider Policy Update",
                "Reimbursement Policy Notice",
            )
            + f" No. {num}",
            3,
        ),
        Para(
            f"Published {sc.d(sc.letter_date)} | For network physicians, facilities and "
            "billing staff",
            "small",
        ),
    ]
    if rng.random() < 0.5:
        blocks.append(
            Para(
                "Summary of changes approved by the Medical Policy Committee. Full policy text is "
                "posted on the provider portal."
            )
        )
    for n, (h, t) in enumerate(items[: 3 if compact else 4], 1):
        blocks.append(Title(f"{n}. {h}", 1))
        blocks.append(Para(t))
        if "Fee schedule" in h:
            blocks.append(
                Table(
                    ["Code", "Description", "Current", "New"],
                    fee_rows,
                    style=rng.choice(["lines", "grid"]),
                    align_right=(2, 3),
                )
            )
    blocks.append(
        Para(
            _pick(
                rng,
                "This bulletin is informational. It is not a claim determination and does not "
                "change any decision already made on a claim.",
                "Reminder: policy bulletins do not decide individual claims. Questions go to "
                "Provider Relations.",
            ),
            "italic",
        )
    )
    doc = Doc(blocks, style_for(sc, footer=f"{sc.payer.name}  {sc.payer.web}  Page {{page}}"))
    return doc, truth(
        sc,
        "other",
        codes=_empty_codes(),
        reason_text=None,
        appeal_deadline=None,
        claim_number=None,
        member_id=None,
        patient_name=None,
        provider=None,
        service_dates=[],
        amount_billed=None,
        category="not_a_denial",
    )


# ============================================================================ denials

# ---------------------------------------------------------------- 29. portal claim status page


def portal_claim_status(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = make_scenario(
        rng,
        category,
        "med",
        COMMERCIAL + ("medicare_advantage", "medicaid"),
        secondary=rng.random() < 0.3,
    )
    c = sc.claims[0]
    all_denied = all(ln.denied for ln in c.lines)
    status = (
        rng.choice(["Denied", "Finalized - Not Payable", "FINALIZED/DENIED"])
        if all_denied
        else rng.choice(["Finalized - Partially Paid", "Paid - Some Lines Denied"])
        if c.paid > 0
        else rng.choice(["Finalized", "Processed - See Line Detail"])
    )
    printed = sc.letter_date + timedelta(days=rng.randint(0, 12))
    crumbs = _pick(
        rng,
        "Provider Portal  >  Claims  >  Claim Status Detail",
        "Home / Claims & Payments / Claim Search / Detail",
        "Provider Center  |  Eligibility  |  Claims  |  Authorizations",
    )
    blocks: list = (
        [Para(sc.payer.name, "bold"), Para(crumbs, "small")]
        if rng.random() < 0.5
        else [Para(f"{sc.payer.name} {crumbs}", "small")]
    )
    blocks += [
        Title(_pick(rng, "Claim Status Detail", "Claim Inquiry Result", "Claim Detail"), 2),
        KV(
            [
                ("Claim Number", c.number),
                ("Claim Status", status),
                ("Patient", c.patient.full_mi),
                ("Member ID", c.member_id),
                ("Date of Birth", sc.d(c.patient.dob)),
                ("Billing Provider", sc.prov.practice),
                ("NPI", sc.prov.npi),
                ("Received Date", sc.d(c.received)),
                ("Processed Date", sc.d(sc.letter_date)),
                ("Total Billed", money(c.billed)),
                ("Total Paid", money(c.paid)),
                ("Patient Responsibility", money(c.pr)),
            ],
            cols=rng.choice([1, 2]),
            sep=rng.choice([":", " |"]),
        ),
    ]
    rows = []
    for ln in c.lines:
        carcs = " ".join(f"{g}-{k}" for g, k, _ in ln.adjs)
        rows.append(
            [
                str(ln.n),
                sc.d(ln.dos),
                _svc_label(ln),
                ln.dx,
                money(ln.billed, False),
                money(ln.allowed, False),
                money(ln.paid, False),
                "Denied" if ln.denied else "Paid",
                carcs,
                " ".join(ln.rarc),
            ]
        )
    blocks.append(Title("Service Lines", 1))
    blocks.append(
        Table(
            ["Ln", "DOS", "Proc", "Dx", "Billed", "Allowed", "Paid", "Status", "CARC", "RARC"],
            rows,
            style=rng.choice(["grid", "shaded", "lines"]),
            size=-2.5,
            widths=[0.4, 1.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 1.4, 0.8],
            align_right=(4, 5, 6),
        )
    )
    adj_pairs: list[tuple[str, str]] = []
    for ln in c.lines:
        for g, k, a in ln.adjs:
            adj_pairs.append((f"Line {ln.n} {g}-{k}", money(a)))
    blocks.append(Title("Adjustments", 1))
    blocks.append(KV(adj_pairs))
    blocks.append(Title(_pick(rng, "Code Descriptions", "Reason / Remark Codes"), 1))
    blocks += [Para(x, "small") for x in _glossary(sc)]
    if not compact:
        blocks.append(
            Para(
                _pick(
                    rng,
                    "To dispute this outcome, use Claims > Reconsideration in the portal. "
                    "Corrected claims must be sent electronically with frequency code 7.",
                    "This page shows the claim as finalized. For questions call Provider Services "
                    f"at {sc.payer.phone}.",
                ),
                "small",
            )
        )
    web = sc.payer.web
    doc = Doc(
        blocks,
        style_for(
            sc,
            font="Helvetica",
            size=rng.choice([8.5, 9.0]),
            header=f"https://provider.{web}/claims/detail?claim={c.number}",
            footer=f"Printed {printed:%m/%d/%Y} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}"
            "   Page {page}",
        ),
    )
    return doc, truth(
        sc,
        "remittance",
        codes=sc.codes(),
        reason_text=_remit_reason(sc),
        appeal_deadline=None,
        claim_number=c.number,
        member_id=c.member_id,
        patient_name=c.patient.full,
        patient_responsibility=c.pr,
        amount_billed=billed_total(sc.denied_lines(), (c.billed,)),
        adjustments=adj_truth(sc, True),
    )


# ---------------------------------------------------------------- 30. secure message, no "deny"

_TPA_PLANS = [
    "Riverside Unified School District Employee Health Plan",
    "Marlow County Employees' Benefit Plan",
    "Keller & Thorne Manufacturing Health Plan",
    "Northfield Hospitality Group Medical Plan",
]


def secure_message_notice(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = make_scenario(rng, category, "med", COMMERCIAL)
    lines = sc.denied_lines()
    ln = lines[0]
    reason = sc.member_reason()
    amt = round(sum(x.billed for x in lines), 2)
    codes, when_dos = _codes_list(lines), dos_text(sc, lines)
    tpa = sc.payer.plan_type == "tpa"
    subject = _pick(
        rng,
        f"About your claim {ln.claim}",
        "Update on a recent claim",
        "Your claim has been processed",
        f"Claim {ln.claim}: we can't pay this one",
        "Message from your health plan",
    )
    sent = f"{sc.d(sc.letter_date)} {rng.randint(8, 17)}:{rng.randint(0, 59):02d}"
    head = [
        f"From: {_pick(rng, 'Member Services', 'Claims Team', 'Member Care')} "
        f"<noreply@{sc.payer.web}>",
        f"To: {sc.patient.first.lower()}.{sc.patient.last.lower()}@mail.example",
        f"Sent: {sent}",
        f"Subject: {subject}",
    ]
    blocks: list = [
        Para(
            _pick(
                rng,
                f"{sc.payer.name} - Secure Message Center",
                f"Secure message | {sc.payer.name} member portal",
                f"{sc.payer.name}: Message Inbox",
            ),
            "bold",
        ),
        Mono(head, size=8.5) if rng.random() < 0.5 else KV([tuple(h.split(": ", 1)) for h in head]),  # type: ignore[misc]
        Rule(),
        Para(
            _pick(
                rng,
                f"Hi {sc.patient.first},",
                f"Hello {sc.patient.full},",
                f"Dear {sc.patient.first}:",
            )
        ),
    ]
    if tpa:
        blocks.append(
            Para(
                f"{sc.payer.name} handles claims for the {rng.choice(_TPA_PLANS)}. We're writing "
                "to you about a claim we processed for that plan."
            )
        )
    blocks.append(
        Para(
            _pick(
                rng,
                f"We finished looking at the claim {sc.prov.practice} sent us for your visit on "
                f"{when_dos} ({_lc(ln.svc.desc)}, code {codes}). Unfortunately we're "
                "unable to pay it.",
                f"Thanks for your patience. The claim for {_lc(ln.svc.desc)} (code "
                f"{codes}) on {when_dos} from {sc.prov.practice} was closed without "
                "payment.",
                f"We wanted to let you know that {_lc(ln.svc.desc)} ({codes}) you "
                f"received from {sc.prov.practice} on {when_dos} was not approved for "
                "payment.",
            )
        )
    )
    blocks.append(
        KV(
            [
                ("Claim number", ln.claim),
                ("Member ID", sc.member_id),
                ("Amount charged", money(amt)),
            ],
            cols=rng.choice([1, 2]),
        )
    )
    blocks.append(Para(_pick(rng, "Here's why: ", "The reason: ", "What happened: ") + reason))
    show_codes = sc.reason is not None and sc.reason.carc is not None and rng.random() < 0.4
    gp = False
    if show_codes:
        assert sc.reason is not None and sc.reason.carc is not None
        txt, gp = carc_fmt(rng, sc.reason.group or "CO", sc.reason.carc)
        blocks.append(Para(f"(For your records, the code on the claim is {txt}.)", "small"))
    pr = None
    if ln.adjs[0][0] == "PR":
        blocks.append(
            Para(
                _pick(
                    rng,
                    f"You may be billed up to {money(amt)} for this visit.",
                    f"You may owe your provider up to {money(amt)} for this.",
                )
            )
        )
        pr = amt
    elif rng.random() < 0.5:
        blocks.append(Para("You owe $0.00 for this: your provider can't bill you for this amount."))
        pr = 0.0
    mode = rng.choice(["notice", "date", "receipt"])
    days = rng.choice([180, 180, 60])
    if mode == "notice":
        due: date | None = sc.letter_date + timedelta(days=days)
        when = f"within {days} days of the date of this notice"
    elif mode == "date":
        due = sc.letter_date + timedelta(days=days)
        when = f"by {sc.d(due)}"
    else:
        due = None
        when = f"within {days} days from when you get this message"
    blocks.append(
        Para(
            _pick(
                rng,
                f"If you think we got this wrong, you can ask us to take another look. This is "
                f"called an appeal, and you need to send it {when}. Just reply to this message or "
                "write to the address on your ID card.",
                f"Don't agree? You have the right to appeal. Send us your appeal {when}, along "
                "with any notes from your doctor that might help.",
                f"You or your doctor can ask for a review of this decision {when}. Reply here "
                f"or call {sc.payer.phone}.",
            )
        )
    )
    if not compact and rng.random() < 0.6:
        blocks.append(
            Para(
                _pick(
                    rng,
                    "Tip: your provider can often fix a claim problem faster than an appeal. It "
                    "may help to call their billing office first.",
                    "We're here to help. Call us Monday through Friday, 8 a.m. to 8 p.m.",
                ),
                "small",
            )
        )
    blocks.append(
        Para(
            _pick(rng, "Thanks,", "Take care,", "Best regards,")
            + f"\n{_pick(rng, 'Your Member Services team', 'The Claims team')}\n{sc.payer.name}"
        )
    )
    blocks.append(
        Para("Please do not share this message. It contains personal health information.", "small")
    )
    doc = Doc(
        blocks,
        style_for(
            sc, font="Helvetica", header=f"{sc.payer.web} | Secure Messages", footer="Page {page}"
        ),
    )
    return doc, truth(
        sc,
        "denial_letter",
        codes=sc.codes(carc=show_codes, group=show_codes and gp, rarc=False, dx=False),
        reason_text=reason,
        appeal_deadline=due,
        patient_responsibility=pr,
    )


# ---------------------------------------------------------------- 31. terse postcard notice


def terse_notice(rng: random.Random, category: str, compact: bool) -> tuple[Doc, dict]:
    sc = make_scenario(rng, category, "med", COMMERCIAL + ("medicaid", "medicare_advantage"))
    lines = sc.denied_lines()
    ln = lines[0]
    to_provider = rng.random() < 0.4
    reason = sc.provider_reason() if to_provider else sc.member_reason()
    amt = round(sum(x.billed for x in lines), 2)
    codes, when_dos = _codes_list(lines), dos_text(sc, lines)
    show_codes = sc.reason is not None and sc.reason.carc is not None and rng.random() < 0.6
    gp = rp = False
    code_txt = ""
    if show_codes:
        assert sc.reason is not None and sc.reason.carc is not None
        code_txt, gp = carc_fmt(rng, sc.reason.group or "CO", sc.reason.carc)
        rp = bool(sc.reason.rarc) and rng.random() < 0.5
        if rp:
            code_txt += " " + " ".join(sc.reason.rarc)
    days = rng.choice([60, 90, 180])
    mode = rng.choice(["notice", "date", "none"])
    due: date | None = None
    if mode == "notice":
        due = sc.letter_date + timedelta(days=days)
        appeal = f"Appeal in writing within {days} days of the date of this notice."
    elif mode == "date":
        due = sc.letter_date + timedelta(days=days)
        appeal = f"Appeals must reach us by {sc.d(due)}."
    else:
        appeal = f"Call {sc.payer.phone} with questions or to ask how to appeal."
    who = sc.prov.practice
    opener = _pick(
        rng,
        f"Claim {ln.claim} for {sc.patient.full}, member {sc.member_id}: ",
        f"Re: {sc.patient.full} (ID {sc.member_id}), claim {ln.claim}. ",
        f"{sc.patient.full} / {sc.member_id} / claim {ln.claim} - ",
    )
    what = _pick(
        rng,
        f"{codes} on {when_dos} from {who}, billed {money(amt)}, was denied. ",
        f"service {codes} ({when_dos}, {who}, {money(amt)}) is not payable. ",
        f"the charge of {money(amt)} for {codes} by {who} on {when_dos} was not paid. ",
    )
    why = _pick(rng, "Reason: ", "Why: ", "") + reason + " "
    tail = (f"Code {code_txt}. " if show_codes else "") + appeal
    body = opener + what.rstrip() + "\n" + why + tail
    body_style = rng.choice(["body", "body", "caps"])
    blocks: list = [
        Para(
            f"{sc.payer.name.upper()}   {sc.payer.phone}   {sc.d(sc.letter_date)}",
            rng.choice(["bold", "caps"]),
        ),
        Para(
            _pick(
                rng,
                "CLAIM NOTICE",
                "NOTICE OF CLAIM ACTION",
                "Claim determination",
                "PAYMENT NOTICE",
            ),
            "bold",
        ),
        Para(body, body_style),
    ]
    if rng.random() < 0.5:
        blocks.insert(
            1, Para("\n".join(addr_provider(sc) if to_provider else addr_person(sc)), "small")
        )
    if not compact and rng.random() < 0.3:
        blocks.append(Para(f"{sc.payer.web}   {form_no(sc)}", "small"))
    doc = Doc(
        blocks,
        style_for(sc, font=rng.choice(["Courier", "Helvetica", "Times-Roman"]), footer=""),
    )
    caps = body_style == "caps"
    return doc, truth(
        sc,
        "denial_letter",
        codes=sc.codes(carc=show_codes, group=show_codes and gp, rarc=rp, dx=False),
        reason_text=reason.upper() if caps else reason,
        appeal_deadline=due,
    )


# ============================================================================ registry

_MED_NO_ST = tuple(c for c in MED_CATS if c != "step_therapy")

MORE_FAMILIES: list[Family] = [
    Family(
        "nondenial_claim_ack",
        "other",
        ("not_a_denial",),
        nondenial_claim_ack,
        "Claim received / in process acknowledgement listing codes and charges",
    ),
    Family(
        "nondenial_pended_info",
        "other",
        ("not_a_denial",),
        nondenial_pended_info,
        "Pended claim: records, accident questionnaire or itemized bill requested by a date",
    ),
    Family(
        "remit_835_paid",
        "remittance",
        ("not_a_denial",),
        remit_835_paid,
        "Fully paid 835-style remittance (raw segments or readable view)",
    ),
    Family(
        "nondenial_patient_statement",
        "other",
        ("not_a_denial",),
        nondenial_patient_statement,
        "Provider's patient statement / balance bill after insurance paid",
    ),
    Family(
        "nondenial_premium_bill",
        "other",
        ("not_a_denial",),
        nondenial_premium_bill,
        "Monthly premium invoice from a plan (grace period / termination wording)",
    ),
    Family(
        "nondenial_cob_questionnaire",
        "other",
        ("not_a_denial",),
        nondenial_cob_questionnaire,
        "Other-insurance (coordination of benefits) questionnaire",
    ),
    Family(
        "nondenial_appeal_overturned",
        "other",
        ("not_a_denial",),
        nondenial_appeal_overturned,
        "Appeal decided in the member's favour, quoting the original reason",
    ),
    Family(
        "nondenial_policy_bulletin",
        "other",
        ("not_a_denial",),
        nondenial_policy_bulletin,
        "Medical policy / fee schedule bulletin naming codes and prior authorization",
    ),
    Family(
        "portal_claim_status",
        "remittance",
        _MED_NO_ST,
        portal_claim_status,
        "Provider portal 'Claim Status Detail' printout with CARC/RARC",
    ),
    Family(
        "secure_message_notice",
        "denial_letter",
        tuple(MED_CATS),
        secure_message_notice,
        "Conversational secure message / email that never says 'denied'",
    ),
    Family(
        "terse_notice",
        "denial_letter",
        tuple(MED_CATS),
        terse_notice,
        "Terse one-paragraph postcard notice",
    ),
]

__all__ = ["MORE_FAMILIES"]
