"""Appeal drafts: filled from the extracted fields on real generated documents, with
placeholders for everything the writer supplies, and no invented clinical facts."""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from pipeline.appeal import (
    PLACEHOLDER_RE,
    VOICES,
    draft_appeal,
    draft_paths,
    draft_pdf,
    write_drafts,
)
from pipeline.codes import lookup
from pipeline.datamodel import Category, Codes, DocumentType, Recommendation, Result
from pipeline.output import RESULTS, ResultWriter
from pipeline.triage import Triager

SAMPLES = Path(__file__).resolve().parent.parent / "sample_letters"
TODAY = date(2026, 3, 5)
# Generated text PDFs from the sample corpus (no OCR needed):
STEP_THERAPY = "doc_0039.pdf"  # CO-B8 / N96, deadline stated in the letter
EXPERIMENTAL = "doc_0016.pdf"  # CARC 56, Medicare Advantage, stated deadline (past)
CODING_ERROR = "doc_0029.pdf"  # CO-97 bundling: corrected claim, no appeal
NOT_A_DENIAL = "doc_0003.pdf"  # appeal acknowledgement

CLINICAL_WORDS = re.compile(
    r"\b(diagnos\w*|symptom\w*|suffer\w*|pain|fracture|tumou?r|cancer|surgery|mg|dosage|"
    r"history of|was prescribed|improv\w*|worsen\w*|deteriorat\w*|chronic|acute|severe)\b",
    re.IGNORECASE,
)
DATE_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DATE_LONG = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) (\d{1,2}), (\d{4})\b"
)
MONEY = re.compile(r"\$([\d,]+\.\d{2})")
CLINICAL_CODE = re.compile(r"\b([A-TV-Z]\d{2}\.[0-9A-Z]{1,4}|\d{5}|[A-V]\d{4})\b")


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(today=TODAY)


@pytest.fixture(scope="module")
def results(triager: Triager) -> dict[str, Result]:
    return {n: triager.triage(SAMPLES / n) for n in
            (STEP_THERAPY, EXPERIMENTAL, CODING_ERROR, NOT_A_DENIAL)}


def _outside_placeholders(text: str) -> str:
    return PLACEHOLDER_RE.sub(" ", text)


def _code_descriptions(result: Result) -> list[str]:
    out = []
    for kind, codes in (("CARC", result.codes.carc), ("RARC", result.codes.rarc)):
        for c in codes:
            info = lookup(kind, c)
            if info:
                out.append(info.description)
    return out


def assert_no_invented_facts(result: Result, text: str, today: date = TODAY) -> None:
    """Outside the placeholders, every date, amount and clinical code comes from the
    Result, and nothing reads like a clinical statement (the payer's quoted reason and
    our code descriptions excepted: they are the payer's words)."""
    free = _outside_placeholders(text)
    for quoted in [result.reason_text or "", *_code_descriptions(result)]:
        if quoted:
            free = free.replace(quoted, " ")
    known_dates = {today, *result.service_dates}
    known_dates |= {d for d in (result.letter_date, result.appeal_deadline) if d}
    known_dates |= {a.service_date for a in result.adjustments if a.service_date}
    for m in DATE_ISO.finditer(free):
        assert date.fromisoformat(m.group(0)) in known_dates, m.group(0)
    for m in DATE_LONG.finditer(free):
        assert date.fromisoformat(
            f"{m.group(3)}-{_month(m.group(1)):02d}-{int(m.group(2)):02d}"
        ) in known_dates, m.group(0)
    amounts = {result.amount_billed, result.patient_responsibility}
    amounts |= {a.amount for a in result.adjustments}
    amounts.add(round(sum(a.amount or 0 for a in result.adjustments if a.denied), 2))
    for m in MONEY.finditer(free):
        assert float(m.group(1).replace(",", "")) in amounts, m.group(0)
    codes = set(result.codes.cpt + result.codes.hcpcs + result.codes.icd10)
    codes |= {a.cpt for a in result.adjustments if a.cpt}
    for m in CLINICAL_CODE.finditer(free):
        # claim / member numbers can look like codes: only bare tokens count
        if m.group(0) not in (result.claim_number or "") + (result.member_id or ""):
            assert m.group(0) in codes, m.group(0)
    hit = CLINICAL_WORDS.search(free)
    assert hit is None, f"clinical wording outside a placeholder: {hit.group(0)!r}"


def _month(name: str) -> int:
    return [date(2000, m, 1).strftime("%B") for m in range(1, 13)].index(name) + 1


# --------------------------------------------------------------------------- real documents


def test_an_advised_appeal_gets_a_draft_path_and_a_refused_one_none(
    results: dict[str, Result]
) -> None:
    st = results[STEP_THERAPY]
    assert st.category == Category.STEP_THERAPY
    assert st.appeal_draft == f"appeals/{st.sha256[:16]}.txt"
    assert results[EXPERIMENTAL].appeal_draft is not None
    coding = results[CODING_ERROR]
    assert coding.category == Category.CODING_ERROR
    assert coding.recommendations[-1].action == "corrected_claim"  # not an appeal
    assert coding.appeal_draft is None
    assert results[NOT_A_DENIAL].category == Category.NOT_A_DENIAL
    assert results[NOT_A_DENIAL].appeal_draft is None


@pytest.mark.parametrize("voice", VOICES)
def test_draft_is_filled_from_the_document(results: dict[str, Result], voice: str) -> None:
    r = results[STEP_THERAPY]
    # preconditions: what the letter states was extracted
    assert r.claim_number and r.appeal_deadline == date(2026, 7, 26)
    assert r.deadline_basis == "stated" and "B8" in r.codes.carc and "N96" in r.codes.rarc
    d = draft_appeal(r, voice=voice, today=TODAY)  # type: ignore[arg-type]
    text = d.text
    assert r.claim_number in text
    assert r.member_id and r.member_id in text
    assert "CO-B8" in text and "N96" in text  # the denial codes, with the group
    assert "July 26, 2026" in text and "2026-07-26" in text  # deadline: letter and notes
    assert "step therapy" in text.lower() or "step-therapy" in text.lower()  # the reason
    assert "March 5, 2026" in text  # today's date on the letter
    assert d.placeholders and all(p.startswith("[") and p.endswith("]") for p in d.placeholders)
    assert any("FROM THE RECORD" in p or "TREATMENTS" in p for p in d.placeholders)
    # enclosures: the denial itself plus the recommendations' documents
    assert d.enclosures[0] == "Copy of the denial letter dated January 27, 2026"
    assert "Medication and treatment history with dates and outcomes" in d.enclosures
    assert_no_invented_facts(r, text)


def test_the_two_voices_differ(results: dict[str, Result]) -> None:
    r = results[STEP_THERAPY]
    office = draft_appeal(r, voice="billing_office", today=TODAY).text
    patient = draft_appeal(r, voice="patient", today=TODAY).text
    assert "On behalf of our patient, we request" in office
    assert "I am writing to appeal" in patient
    assert "[YOUR ADDRESS AND PHONE]" in patient and "NPI" in office


def test_past_deadline_and_plan_type_shape_the_draft(results: dict[str, Result]) -> None:
    r = results[EXPERIMENTAL]
    assert r.plan_type == "medicare_advantage" and r.appeal_deadline == date(2025, 7, 1)
    d = draft_appeal(r, today=TODAY)
    assert d.title == "Request for Reconsideration"  # Medicare Advantage wording
    assert "[THE DEADLINE ABOVE HAS PASSED" in d.text
    assert "within the appeal period" not in d.text
    assert "Peer-reviewed studies and clinical guidelines" in d.enclosures
    assert_no_invented_facts(r, d.text)


def test_pdf_draft_carries_the_same_letter(results: dict[str, Result]) -> None:
    import pypdfium2 as pdfium

    r = results[STEP_THERAPY]
    pdf = pdfium.PdfDocument(draft_pdf(draft_appeal(r, today=TODAY)))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    flat = " ".join(text.split())
    assert r.claim_number and r.claim_number in flat
    assert "CO-B8" in flat and "July 26, 2026" in flat and "[SIGNATURE]" in flat


# --------------------------------------------------------------------------- files


def test_finalize_writes_owner_only_drafts_only_where_advised(
    results: dict[str, Result], tmp_path: Path
) -> None:
    w = ResultWriter(tmp_path)
    for r in results.values():
        w.append(r)
    w.finalize(today=TODAY)
    records = {Path(rec["source"]).name: rec
               for rec in map(json.loads, (tmp_path / RESULTS).read_text().splitlines())}
    assert records[CODING_ERROR]["appeal_draft"] is None
    assert records[NOT_A_DENIAL]["appeal_draft"] is None
    written = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "appeals").iterdir())
    expected = sorted(
        p for name in (STEP_THERAPY, EXPERIMENTAL)
        for p in draft_paths(records[name]["appeal_draft"]).values()
    )
    assert written == expected  # 2 documents x 2 voices x (txt, pdf), nothing else
    assert stat.S_IMODE((tmp_path / "appeals").stat().st_mode) == 0o700
    for rel in written:
        assert stat.S_IMODE((tmp_path / rel).stat().st_mode) == 0o600, rel
    draft = tmp_path / records[STEP_THERAPY]["appeal_draft"]
    assert results[STEP_THERAPY].claim_number in draft.read_text()
    assert (tmp_path / draft_paths(records[STEP_THERAPY]["appeal_draft"])[
        ("billing_office", "pdf")]).read_bytes().startswith(b"%PDF")

    # an edited draft survives the next run; a deleted one comes back
    draft.write_text("edited by hand")
    patient_pdf = tmp_path / draft_paths(records[STEP_THERAPY]["appeal_draft"])[
        ("patient", "pdf")]
    patient_pdf.unlink()
    ResultWriter(tmp_path).finalize(today=TODAY)
    assert draft.read_text() == "edited by hand"
    assert patient_pdf.exists()


def test_the_worker_writes_the_drafts_before_returning_the_record(
    triager: Triager, tmp_path: Path
) -> None:
    # drafts are rendered by the worker that triaged the document (in parallel), the
    # same files finalize would write; finalize then has nothing left to write
    from pipeline.triage import record_for

    worker_dir, final_dir = tmp_path / "worker", tmp_path / "final"
    worker_dir.mkdir()
    final_dir.mkdir()
    rec = record_for(triager, str(SAMPLES / STEP_THERAPY), str(worker_dir))
    paths = draft_paths(rec["appeal_draft"])
    assert all((worker_dir / p).is_file() for p in paths.values())
    assert stat.S_IMODE((worker_dir / "appeals").stat().st_mode) == 0o700
    assert write_drafts([rec], worker_dir, today=TODAY) == 0
    assert write_drafts([rec], final_dir, today=TODAY) == 4
    for p in paths.values():
        assert (worker_dir / p).read_bytes() == (final_dir / p).read_bytes(), p
    none = record_for(triager, str(SAMPLES / CODING_ERROR), str(worker_dir))
    assert none["appeal_draft"] is None
    assert sorted(q.name for q in (worker_dir / "appeals").iterdir()) == sorted(
        Path(p).name for p in paths.values())


def test_a_draft_path_pointing_elsewhere_is_ignored(tmp_path: Path) -> None:
    rec = Result(source="x.pdf", sha256="a" * 64, status="ok",
                 appeal_draft="../outside.txt").model_dump(mode="json")
    assert write_drafts([rec], tmp_path, today=TODAY) == 0
    assert not (tmp_path.parent / "outside.txt").exists()


# --------------------------------------------------------------------------- every category


def _minimal(category: Category | None, **kw: object) -> Result:
    return Result(
        source="letter.pdf", sha256="b" * 64, status="ok", category=category,
        document_type=DocumentType.DENIAL_LETTER, claim_number="CLM-1", payer="Payer X",
        codes=Codes(carc=["50"], group=["CO"]), letter_date=date(2026, 2, 1),
        appeal_deadline=date(2026, 7, 31), deadline_basis="erisa_aca_internal_appeal",
        recommendations=[Recommendation(action="x", title="t", detail="d",
                                        documents=["Letter of medical necessity"])],
        appeal_draft="appeals/" + "b" * 16 + ".txt", **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("voice", VOICES)
@pytest.mark.parametrize("category", [*Category, None])
def test_every_category_has_placeholders_and_no_clinical_facts(
    category: Category | None, voice: str
) -> None:
    r = _minimal(category)
    d = draft_appeal(r, voice=voice, today=TODAY)  # type: ignore[arg-type]
    assert "CLM-1" in d.text and "July 31, 2026" in d.text and "CO-50" in d.text
    assert "[PATIENT NAME]" in d.text  # unknown fields become placeholders, never guesses
    assert "[DATE OF SERVICE]" in d.text
    assert len(d.placeholders) >= 4
    assert_no_invented_facts(r, d.text)


@pytest.mark.parametrize("invented", [
    "The patient was diagnosed with lumbar stenosis.",
    "Service on 2026-01-02.",
    "Diagnosis code M54.16 applies.",
    "The balance is $1,234.00.",
])
def test_the_invented_facts_check_catches_invented_facts(invented: str) -> None:
    r = _minimal(Category.MEDICAL_NECESSITY)
    text = draft_appeal(r, today=TODAY).text
    with pytest.raises(AssertionError):
        assert_no_invented_facts(r, text + invented)
    assert_no_invented_facts(r, text + "[" + invented.upper() + "]")  # as a placeholder: fine


def test_upheld_denial_asks_for_the_next_level() -> None:
    r = _minimal(Category.MEDICAL_NECESSITY, plan_type="commercial")
    r.codes.carc.append("193")
    d = draft_appeal(r, today=TODAY)
    assert d.title == "Request for Next-Level Review of an Upheld Denial"
    assert "next level of review" in d.text


def test_a_failed_document_has_no_draft() -> None:
    with pytest.raises(ValueError):
        draft_appeal(Result(source="x", sha256=None, status="failed"))


def test_money_at_stake_counts_denied_lines_by_charge_when_no_adjusted_amount_is_printed() -> None:
    # bug: a member EOB prints a charge and a remark per line but no adjusted amount;
    # its denials counted as "without an amount" in the batch report
    from pipeline.appeal import amount_at_stake
    from pipeline.datamodel import Adjustment, Result

    def result(*adjs: Adjustment, billed: float | None = None) -> Result:
        return Result(source="x.pdf", sha256="0" * 64, status="ok", adjustments=list(adjs),
                      amount_billed=billed)

    eob = result(Adjustment(cpt="62321", billed=1318.0, payer_codes=["W7"], denied=True),
                 Adjustment(cpt="98941", billed=130.0, payer_codes=["DN4"], denied=True),
                 Adjustment(cpt="99214", billed=200.0, paid=150.0, denied=False))
    assert amount_at_stake(eob) == 1448.0
    remit = result(Adjustment(cpt="63650", billed=10797.0, amount=10000.0, denied=True),
                   billed=99999.0)
    assert amount_at_stake(remit) == 10000.0  # the adjusted amount over the charge
    assert amount_at_stake(result(billed=250.0)) == 250.0  # no lines: the amount billed
