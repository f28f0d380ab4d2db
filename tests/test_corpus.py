"""Tests of the synthetic corpus generator (pipeline.corpus)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pdfplumber
import pytest
import simple_icd_10_cm as icd
from PIL import Image, ImageOps

from pipeline.corpus import FORMS, generate_corpus, generate_document, main, plan_corpus
from pipeline.corpus import catalog as C
from pipeline.corpus.families import FAMILIES
from pipeline.corpus.scenario import forcing, make_scenario
from pipeline.datamodel import Category, DocumentType, Extraction

CODE_KEYS = ("carc", "rarc", "group", "cpt", "hcpcs", "icd10", "ndc")


def _norm(s: str) -> str:
    return " ".join(s.split())


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


@pytest.fixture(scope="module")
def pdf_corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("pdf")
    return out, generate_corpus(out, 36, seed=11, forms=["text_pdf"])


@pytest.fixture(scope="module")
def text_corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("txt")
    return out, generate_corpus(out, 120, seed=5, forms=["text"])


@pytest.fixture(scope="module")
def image_corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("img")
    return out, generate_corpus(
        out, 8, seed=2, forms=["scan_pdf", "fax_fine", "fax_normal", "photo_jpeg"]
    )


# --------------------------------------------------------------------------- catalog


def test_catalog_breadth():
    assert len(FAMILIES) >= 14
    assert len({f.id for f in FAMILIES}) == len(FAMILIES)
    names = {p.name for p in C.PAYERS if p.name != "Medicare"}
    assert len(names) >= 20
    assert set(C.CATEGORIES) == {c.value for c in Category}
    covered = {c for f in FAMILIES for c in f.categories}
    assert covered == set(C.CATEGORIES)


def test_icd10_codes_are_valid_billable():
    codes = set(C.ALL_ICD) | {d for drug in C.DRUGS for d in drug.dx}
    bad = [c for c in sorted(codes) if not (icd.is_valid_item(c) and icd.is_leaf(c))]
    assert not bad, bad


def test_ndc_normalisation():
    assert C.ndc11("0406-0123-01") == "00406012301"
    assert C.ndc11("50458-851-01") == "50458085101"
    for d in C.DRUGS:
        assert re.fullmatch(r"\d{11}", C.ndc11(d.ndc))


# --------------------------------------------------------------------------- plan / coverage


def test_plan_covers_everything_in_a_moderate_corpus():
    plan = plan_corpus(120, seed=0)
    assert {fam for fam, _, _ in plan} == {f.id for f in FAMILIES}
    assert {cat for _, cat, _ in plan} == set(C.CATEGORIES)
    assert {form for _, _, form in plan} == set(FORMS)


def test_every_category_and_family_in_generated_truth(text_corpus):
    _, recs = text_corpus
    assert {r["category"] for r in recs} == set(C.CATEGORIES)
    assert {r["family"] for r in recs} == {f.id for f in FAMILIES}
    assert {r["document_type"] for r in recs} == {t.value for t in DocumentType}
    assert len({r["payer"] for r in recs}) >= 15


def test_small_image_corpus_covers_forms(image_corpus):
    out, recs = image_corpus
    assert {r["form"] for r in recs} == {"scan_pdf", "fax_fine", "fax_normal", "photo_jpeg"}
    for r in recs:
        assert (out / r["file"]).stat().st_size > 1000


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes_and_truth(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    ra = generate_corpus(a, 30, seed=7, forms=["text_pdf", "text"])
    rb = generate_corpus(b, 30, seed=7, forms=["text_pdf", "text"])
    assert ra == rb
    assert _files(a) == _files(b)
    generate_corpus(c, 30, seed=8, forms=["text_pdf", "text"])
    assert (a / "ground_truth.jsonl").read_bytes() != (c / "ground_truth.jsonl").read_bytes()


def test_images_deterministic(tmp_path, image_corpus):
    out, _ = image_corpus
    again = tmp_path / "again"
    generate_corpus(
        again, 8, seed=2, forms=["scan_pdf", "fax_fine", "fax_normal", "photo_jpeg"], workers=2
    )
    assert _files(out) == _files(again)


def test_cli(tmp_path):
    assert main(["--out", str(tmp_path), "--n", "3", "--seed", "1", "--forms", "text"]) == 0
    lines = (tmp_path / "ground_truth.jsonl").read_text().splitlines()
    assert len(lines) == 3


# --------------------------------------------------------------------------- ground truth shape


def test_truth_fits_the_result_contract(text_corpus):
    _, recs = text_corpus
    for r in recs:
        fields = {
            k: v
            for k, v in r.items()
            if k
            not in ("file", "index", "family", "form", "render", "category", "secondary_categories")
        }
        Extraction.model_validate(fields)  # types of every contract field
        Category(r["category"])
        assert all(Category(c) != Category(r["category"]) for c in r["secondary_categories"])
        assert set(r["codes"]) == set(CODE_KEYS)
        assert not set(r["codes"]["carc"]) & {"45", "1", "2", "3"}
        for n in r["codes"]["ndc"]:
            assert re.fullmatch(r"\d{11}", n)
        for g in r["codes"]["group"]:
            assert g in ("CO", "PR", "OA", "PI")
        if r["category"] == "not_a_denial":
            assert not r["codes"]["carc"] and r["reason_text"] is None
        else:
            assert r["reason_text"]
        if r["document_type"] in ("eob", "remittance"):
            assert r["adjustments"]
            for a in r["adjustments"]:
                if a["denied"] is False and a["carc"] is not None:
                    assert a["carc"] in ("45", "1", "2", "3", "253")
        if r["appeal_deadline"]:
            assert r["appeal_deadline"] > r["letter_date"]


def test_reason_text_and_ids_are_printed_in_text_form(text_corpus):
    out, recs = text_corpus
    for r in recs:
        text = (out / r["file"]).read_text(encoding="utf-8")
        flat = _norm(text)
        if r["reason_text"]:
            assert _norm(r["reason_text"]) in flat, r["file"]
        for key in ("claim_number", "member_id"):
            if r[key]:
                assert r[key] in text, (r["file"], key)
        if r["patient_name"]:
            first, last = r["patient_name"].split(" ", 1)
            assert first.lower() in text.lower() and last.lower() in text.lower()


def _has_code(text: str, code: str) -> bool:
    # codes may carry a glued group prefix, e.g. "CO197"
    pat = rf"(?<![0-9A-Za-z])(?:CO|PR|OA|PI)?{re.escape(code)}(?![0-9A-Za-z])"
    return re.search(pat, text) is not None


def test_truth_codes_appear_in_pdf_text_layer(pdf_corpus):
    out, recs = pdf_corpus
    for r in recs:
        with pdfplumber.open(out / r["file"]) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        digits_only = re.sub(r"[^0-9]", "", text)
        c = r["codes"]
        for code in c["carc"] + c["rarc"] + c["cpt"] + c["hcpcs"]:
            assert _has_code(text, code), (r["file"], r["family"], code)
        for code in c["icd10"]:
            assert _has_code(text, code) or _has_code(text, code.replace(".", "")), code
        for code in c["group"]:
            assert code in text
        for ndc in c["ndc"]:
            printed = [m for m in re.findall(r"\d{4,5}-\d{3,4}-\d{1,2}", text) if C.ndc11(m) == ndc]
            assert printed or ndc in digits_only
        if r["claim_number"]:
            assert r["claim_number"] in text
        if r["amount_billed"] and r["document_type"] != "remittance":
            amounts = {float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+\.\d\d)", text)}
            # letters and EOBs print the denied amount (or the lines it sums)
            assert r["amount_billed"] in amounts or r["adjustments"], r["file"]


# --------------------------------------------------------------------------- image forms


def test_fax_tiffs_are_bilevel_with_dpi_tags(image_corpus):
    out, recs = image_corpus
    faxes = [r for r in recs if r["form"].startswith("fax")]
    assert faxes
    for r in faxes:
        with Image.open(out / r["file"]) as im:
            ydpi = 196 if r["form"] == "fax_fine" else 98
            assert tuple(round(x) for x in im.info["dpi"]) == (204, ydpi)
            assert im.mode == "1"
            assert getattr(im, "n_frames", 1) == r["render"]["pages"]
            # 8.5 x 11 inch page at the stated resolution
            assert abs(im.width / 204 - 8.5) < 0.1
            assert abs(im.height / ydpi - 11) < 0.2


def test_scanned_pdfs_have_no_text_layer(image_corpus):
    out, recs = image_corpus
    scans = [r for r in recs if r["form"] == "scan_pdf"]
    assert scans
    for r in scans:
        with pdfplumber.open(out / r["file"]) as pdf:
            assert len(pdf.pages) == r["render"]["pages"]
            for page in pdf.pages:
                assert not (page.extract_text() or "").strip()
                assert page.images


def test_photos_orientation_and_exif(image_corpus):
    out, recs = image_corpus
    photos = [r for r in recs if r["form"] == "photo_jpeg"]
    assert photos
    for r in photos:
        with Image.open(out / r["file"]) as im:
            meta = r["render"]
            tag = im.getexif().get(0x0112)
            assert tag == meta["exif_orientation"]
            upright = ImageOps.exif_transpose(im)
            if tag is not None or meta["pixel_rotation_ccw"] in (0, 180):
                assert upright.height > upright.width  # portrait page once EXIF is applied
            else:
                assert upright.width > upright.height


def test_ground_truth_file_matches_return(text_corpus):
    out, recs = text_corpus
    lines = (out / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == recs


# --------------------------------------------------------------------------- one chosen reason


ON_REQUEST_DOCS = [
    (reason.key, family, plan_type)
    for reason in C.ON_REQUEST
    for family, plan_type in (
        [("remit_keyvalue", "medicare")]
        if reason.key == "ce_dx_lcd"  # Medicare-only wording
        else [
            ("commercial_provider_letter", "commercial"),
            ("remit_keyvalue", "medicare"),
            ("member_eob_partial", "medicaid"),
        ]
    )
]


@pytest.mark.parametrize(("reason", "family", "plan_type"), ON_REQUEST_DOCS)
def test_generate_document_prints_the_chosen_reason(tmp_path, reason, family, plan_type):
    r = C.REASON_BY_KEY[reason]
    rec = generate_document(tmp_path, family, reason=reason, plan_type=plan_type, form="text")
    assert (rec["family"], rec["category"], rec["plan_type"]) == (family, r.category, plan_type)
    assert (tmp_path / rec["file"]).is_file()
    if family != "member_eob_partial":  # member EOBs do not always print the codes
        assert rec["codes"]["carc"][0] == r.carc  # (remits may add a second denied line)
        assert set(r.rarc) <= set(rec["codes"]["rarc"])
    again = generate_document(
        tmp_path / "again", family, reason=reason, plan_type=plan_type, form="text"
    )
    assert again == rec
    assert (tmp_path / "again" / rec["file"]).read_bytes() == (tmp_path / rec["file"]).read_bytes()


def test_medicare_only_reason_needs_a_medicare_payer(tmp_path):
    with pytest.raises(ValueError, match="no reason"):
        generate_document(tmp_path, "remit_keyvalue", reason="ce_dx_lcd", plan_type="commercial")


def test_generate_document_with_a_predicate_and_a_pdf(tmp_path):
    rec = generate_document(
        tmp_path,
        "remit_fixed_width",
        "coding_error",
        reason=lambda r: r.carc == "97",
        seed="x",
        form="text_pdf",
    )
    assert rec["codes"]["carc"][0] == "97"
    assert (tmp_path / rec["file"]).read_bytes().startswith(b"%PDF")


def test_generate_document_refuses_what_it_cannot_print(tmp_path):
    with pytest.raises(ValueError, match="unknown reason"):
        generate_document(tmp_path, "commercial_provider_letter", reason="no_such_reason")
    with pytest.raises(ValueError, match="belongs to"):
        generate_document(tmp_path, "commercial_provider_letter", "eligibility", reason="ce_npi")
    with pytest.raises(ValueError, match="plan type"):  # the family has no Medicare payer
        generate_document(
            tmp_path, "commercial_member_letter_a", reason="ce_npi", plan_type="medicare"
        )
    with pytest.raises(ValueError, match="no reason"):  # a claim reason on a pharmacy notice
        generate_document(tmp_path, "pbm_coverage_denial", reason="md_records")
    with pytest.raises(ValueError, match="category"):
        generate_document(tmp_path, "commercial_provider_letter", reason=lambda r: True)
    assert not list(tmp_path.iterdir())


def test_on_request_reasons_are_never_drawn_at_random():
    """Reasons added for the playbook tests must not change the corpora of existing seeds."""
    on_request = {r.key for r in C.ON_REQUEST}
    assert on_request and all(not r.sampled for r in C.ON_REQUEST)
    assert all(r.sampled for r in C.REASONS if r.key not in on_request)
    for cat in {r.category for r in C.ON_REQUEST} - {"not_a_denial"}:
        for i in range(150):
            sc = make_scenario(random.Random(f"od:{cat}:{i}"), cat, "med", ("commercial",))
            assert sc.reason is not None and sc.reason.key not in on_request
    sc = make_scenario(random.Random(1), "not_a_denial", "med", ("commercial",))
    assert sc.reason is None
    with forcing("pend_review"):
        sc = make_scenario(random.Random(1), "not_a_denial", "med", ("commercial",))
    assert sc.reason is not None and sc.reason.key == "pend_review"


# --------------------------------------------------------------------------- truth is printed
#
# Every field value the evaluation scores must be readable in the document itself:
# a truth value the document does not print is a scoring error, not an extraction
# error. Checked on the text form (the same Doc the other forms render) of every
# family, every category it supports, full and compact (photo) layouts.

SCORED_TEXT = ("claim_number", "member_id", "payer", "provider")
# wording that says an amount is the patient's share
OWE = r"(?:owe|owes|responsibility|resp\.?|billed up to|may be billed)"


def _date_forms(d) -> set[str]:
    """Every way the generator (and real mail) prints a date."""
    from pipeline.corpus.doc import DATE_STYLES, fmt_date

    return {fmt_date(d, s) for s in DATE_STYLES} | {
        d.strftime("%m%d%Y"),  # packed forms of fixed-width remits
        d.strftime("%Y%m%d"),
        d.strftime("%m%d%y"),
    }


def _amount_pattern(x: float) -> str:
    forms = {f"{x:,.2f}", f"{x:.2f}"}
    return r"(?<![\d.,])\$?\s?(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\d])"


def _owed_in_a_table(doc, x: float) -> bool:
    """The amount sits in a table column whose header says it is the patient's share."""
    from pipeline.corpus.doc import Table

    amt = re.compile(_amount_pattern(x))
    for b in doc.blocks:
        if isinstance(b, Table):
            for i, h in enumerate(b.header):
                if re.search(OWE, h, re.I) and any(
                    i < len(r) and amt.fullmatch(str(r[i]).strip()) for r in b.rows
                ):
                    return True
    return False


def _unprinted_fields(truth: dict, text: str, doc=None) -> list[tuple[str, object]]:
    """The scored truth values (field, value) that the document text does not show."""
    from datetime import date

    flat = " ".join(text.split()).casefold()
    missing: list[tuple[str, object]] = []
    for key in SCORED_TEXT:
        v = truth.get(key)
        if v and " ".join(v.split()).casefold() not in flat:
            missing.append((key, v))
    dates = [("letter_date", truth["letter_date"])] if truth.get("letter_date") else []
    dates += [("service_dates", d) for d in truth.get("service_dates") or []]
    for key, v in dates:
        if not any(f.casefold() in flat for f in _date_forms(date.fromisoformat(v))):
            missing.append((key, v))
    if truth.get("appeal_deadline"):
        due = date.fromisoformat(truth["appeal_deadline"])
        # a printed date, or "within N days of/from the date of/on this notice|letter"
        counted = {
            int(n)
            for n in re.findall(
                r"within (\d+) (?:calendar )?days (?:of|from) (?:the date (?:of|on) )?"
                r"this (?:notice|letter)",
                flat,
            )
        }
        stated = any(f.casefold() in flat for f in _date_forms(due))
        if not stated and (due - date.fromisoformat(truth["letter_date"])).days not in counted:
            missing.append(("appeal_deadline", truth["appeal_deadline"]))
    billed = truth.get("amount_billed")
    if billed is not None and not re.search(_amount_pattern(billed), flat):
        missing.append(("amount_billed", billed))
    x = truth.get("patient_responsibility")
    if x is not None:
        # printed, and printed as what the patient owes (not merely equal to some charge)
        near = OWE + r"\W[^$\d]{0,40}" + _amount_pattern(x)
        if not re.search(near, flat) and not (doc is not None and _owed_in_a_table(doc, x)):
            missing.append(("patient_responsibility", x))
    return missing


def test_guard_catches_a_truth_value_the_document_does_not_print():
    text = (
        "Provider News - January 2025\nMember ID: A1\nClaim number: C9\nPayer Health\n"
        "Amount billed: $1,234.50  Service date 04-Jan-26\nProvider: Oak Clinic\n"
    )
    truth = {
        "claim_number": "C9",
        "member_id": "A1",
        "payer": "payer health",
        "provider": "Oak Clinic",
        "letter_date": "2025-01-15",  # not printed
        "service_dates": ["2026-01-04"],
        "amount_billed": 1234.5,
        "patient_responsibility": 1234.5,  # printed, but as the charge
        "appeal_deadline": None,
    }
    assert _unprinted_fields(truth, text) == [
        ("letter_date", "2025-01-15"),
        ("patient_responsibility", 1234.5),
    ]
    ok = text + "Jan 15, 2025. You may owe $1,234.50."
    assert _unprinted_fields(truth, ok) == []


def test_every_scored_truth_value_is_printed_in_every_family():
    from pipeline.corpus.doc import to_text

    problems = []
    for fam in FAMILIES:
        for category in fam.categories:
            for i in range(3):
                for compact in (False, True):
                    seed = f"printed:{fam.id}:{category}:{i}:{compact}"
                    doc, truth = fam.build(random.Random(seed), category, compact)
                    for key, value in _unprinted_fields(truth, to_text(doc), doc):
                        problems.append((fam.id, category, i, compact, key, value))
    assert not problems, f"{len(problems)} unprinted truth values, e.g. {problems[:10]}"


def test_text_pdf_text_layer_shows_the_truth_whole(pdf_corpus):
    """No table cell clips or splits a date (e.g. "06/28/202" + "5" on the next line) or
    a name: the scored values read back from the PDF text layer too."""
    out, recs = pdf_corpus
    problems = []
    for r in recs:
        with pdfplumber.open(out / r["file"]) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        assert not re.search(r"(?<![\d/])\d{2}/\d{2}/\d{3}(?!\d)", text), r["file"]
        # (a patient share printed in a table column is checked on the text form)
        unprinted = _unprinted_fields(dict(r, patient_responsibility=None), text)
        problems += [(r["file"], r["family"], k, v) for k, v in unprinted]
    assert not problems, problems


@pytest.mark.parametrize("family", ["member_eob_partial", "remit_multi_claim"])
def test_wide_line_tables_keep_dates_whole_in_the_text_layer(tmp_path, family):
    from datetime import date

    for seed in range(3):
        rec = generate_document(tmp_path, family, "coding_error", seed=seed, form="text_pdf")
        with pdfplumber.open(tmp_path / rec["file"]) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        assert not re.search(r"(?<![\d/])\d{2}/\d{2}/\d{3}(?!\d)", text), rec["file"]
        flat = " ".join(text.split()).casefold()
        for d in rec["service_dates"]:
            assert any(f.casefold() in flat for f in _date_forms(date.fromisoformat(d))), d
