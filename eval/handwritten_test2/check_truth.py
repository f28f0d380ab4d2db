"""Check ground_truth.jsonl of the handwritten_test2 set against its documents.

Run from the repository root with the project's interpreter (it needs simple_icd_10_cm):

    .venv/bin/python eval/handwritten_test2/check_truth.py

It does not import or run the pipeline. It checks:
  * record keys and code keys are exactly those of eval/handwritten/ground_truth.jsonl;
  * vocabularies (category, secondary categories, document type, form, family prefix);
  * every claim number, member ID, code, amount, date and reason_text of a record
    appears in its document (amounts and dates in any of the usual printed forms;
    an appeal deadline that is not printed must equal the letter date plus a
    "within N days/months ... date of this notice/letter" window the document states);
  * every ICD-10-CM code is valid (simple_icd_10_cm.is_valid_item) and billable (is_leaf);
  * every CARC/RARC is in /work/shared/domain/carc_rarc.csv with a category equal to
    the record's primary or a secondary category; not_a_denial records list no CARC/RARC;
  * adjustment rows: claim numbers, codes, dates and printed amounts appear;
    for denials, amount_billed equals the billed total of the denied adjustment rows
    when the document has adjustment rows;
  * payer, provider and patient names are not used in eval/handwritten/,
    eval/handwritten_test/, eval/handwritten2/ (if present) or pipeline/corpus/catalog.py.
It prints per-document problems, then the counts, and exits 1 if anything failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEV_TRUTH = REPO / "eval" / "handwritten" / "ground_truth.jsonl"
CSV_PATH = Path("/work/shared/domain/carc_rarc.csv")
NAME_SOURCES = [
    *sorted((REPO / "eval" / "handwritten").glob("*.txt")),
    *sorted((REPO / "eval" / "handwritten_test").glob("*.txt")),
    *sorted((REPO / "eval" / "handwritten2").glob("*.txt")),  # the paired dev set, if present
    REPO / "pipeline" / "corpus" / "catalog.py",
]
SET = "handwritten_test2"

CATEGORIES = {
    "prior_authorization", "medical_necessity", "step_therapy", "missing_documentation",
    "coding_error", "not_covered", "experimental_investigational", "benefit_limit",
    "out_of_network", "timely_filing", "duplicate_claim", "eligibility",
    "coordination_of_benefits", "not_a_denial",
}
DOC_TYPES = {"denial_letter", "eob", "remittance", "other"}
CODE_KEYS = ["carc", "rarc", "group", "cpt", "hcpcs", "icd10", "ndc"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

problems: list[str] = []


def fail(file: str, msg: str) -> None:
    problems.append(f"{file}: {msg}")


def norm_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def has_token(text: str, tok: str) -> bool:
    return re.search(r"(?<![A-Za-z0-9.])" + re.escape(tok) + r"(?![A-Za-z0-9])", text) is not None


def date_forms(d: dt.date) -> list[str]:
    m, day, y = d.month, d.day, d.year
    full = MONTHS[m - 1]
    return [
        f"{m:02d}/{day:02d}/{y}", f"{m}/{day}/{y}", f"{m:02d}/{day:02d}/{y % 100:02d}",
        f"{m}/{day}/{y % 100:02d}", f"{full} {day}, {y}", f"{full[:3]} {day}, {y}",
        f"{y}{m:02d}{day:02d}", f"{m:02d}{day:02d}{y % 100:02d}", d.isoformat(),
    ]


def date_in(text: str, iso: str) -> bool:
    d = dt.date.fromisoformat(iso)
    return any(f in text for f in date_forms(d))


def amounts_in(text: str) -> set[float]:
    vals = set()
    for m in re.finditer(r"(?<![\w])(\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2}|\.\d{2}|\d+)(?![\w])", text):
        try:
            vals.add(round(float(m.group(1).replace(",", "")), 2))
        except ValueError:
            pass
    # X12 elements (*635*, *88.14~) are caught above because * and ~ are not word chars
    return vals


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, d.day)


def window_deadline_ok(text: str, letter: str, deadline: str) -> str | None:
    """Return the matching window phrase if deadline = letter date + a stated window."""
    ld, dd = dt.date.fromisoformat(letter), dt.date.fromisoformat(deadline)
    flat = norm_ws(text)
    pat = re.compile(r"within (\d+) (?:calendar )?(days|months)(?: from| of| after)? (?:the )?"
                     r"(date (?:of|on) (?:this|the) (?:notice|letter)|date of this letter|"
                     r"EOP date|voucher date|payment date)", re.I)
    for m in pat.finditer(flat):
        n, unit = int(m.group(1)), m.group(2).lower()
        got = ld + dt.timedelta(days=n) if unit == "days" else add_months(ld, n)
        if got == dd:
            return m.group(0)
    return None


def ndcs_in(text: str) -> set[str]:
    out = set()
    for m in re.finditer(r"(?<!\d)(\d{4,5})-(\d{3,4})-(\d{1,2})(?!\d)", text):
        a, b, c = m.groups()
        if (len(a), len(b), len(c)) == (5, 4, 2):  # already the 11-digit billing form
            out.add(a + b + c)
        elif len(a) + len(b) + len(c) == 10:  # 4-4-2, 5-3-2, 5-4-1: pad the short segment
            out.add(a.zfill(5) + b.zfill(4) + c.zfill(2))
    return out


def group_carc_in(text: str, group: list[str], carc: str) -> bool:
    """CARC printed next to a group code (CO-45, CO 45, CAS*CO*45) or labelled as a CARC."""
    groups = "|".join(group or ["CO", "PR", "OA", "PI"])
    if re.search(r"(?<![A-Za-z])(?:" + groups + r")[\s*-]{0,3}" + re.escape(carc) + r"(?!\w)(?!\.\d)", text):
        return True
    return re.search(r"(?:CARC|reason code)\s*" + re.escape(carc) + r"(?!\w)(?!\.\d)", text, re.I) is not None


def main() -> int:
    import simple_icd_10_cm as icd  # from the project's .venv

    dev_keys = list(json.loads(DEV_TRUTH.read_text().splitlines()[0]).keys())
    dev_code_keys = list(json.loads(DEV_TRUTH.read_text().splitlines()[0])["codes"].keys())
    csv_rows = {}
    with CSV_PATH.open() as f:
        for row in csv.DictReader(f):
            if row["kind"] in ("CARC", "RARC"):
                csv_rows[(row["kind"], row["code"])] = row["category"]
    name_corpus = "\n".join(p.read_text(errors="replace") for p in NAME_SOURCES).lower()

    recs = [json.loads(l) for l in (HERE / "ground_truth.jsonl").read_text().splitlines() if l.strip()]
    families = Counter(r["family"] for r in recs)
    for i, r in enumerate(recs):
        file = r.get("file", f"#{i}")
        if list(r.keys()) != dev_keys:
            fail(file, f"record keys differ from dev set: {list(r.keys())}")
            continue
        if list(r["codes"].keys()) != dev_code_keys:
            fail(file, "codes keys differ from dev set")
        if r["index"] != i or file != f"doc_u{i + 1:02d}.txt":
            fail(file, "index/file numbering")
        if r["form"] != "text" or r["render"] != {}:
            fail(file, "form/render")
        if not r["family"].startswith(SET + "_") or families[r["family"]] != 1:
            fail(file, "family must be unique and start with " + SET + "_")
        if r["category"] not in CATEGORIES or r["document_type"] not in DOC_TYPES:
            fail(file, "category/document_type vocabulary")
        for s in r["secondary_categories"]:
            if s not in CATEGORIES or s in ("not_a_denial", r["category"]):
                fail(file, f"bad secondary category {s}")
        path = HERE / file
        if not path.exists():
            fail(file, "document missing")
            continue
        text = path.read_text()
        flat = norm_ws(text)
        flat_nohyph = flat.replace("-", "")
        words = len(text.split())
        if not 80 <= words <= 900:
            fail(file, f"length {words} words outside 80-900")

        # identifiers
        for key in ("claim_number", "member_id"):
            v = r[key]
            if v is not None and v not in flat and v.replace("-", "") not in flat_nohyph:
                fail(file, f"{key} {v!r} not in document")
        if r["patient_name"]:
            for tok in r["patient_name"].split():
                if tok.lower() not in flat.lower():
                    fail(file, f"patient name part {tok!r} not in document")
        for key in ("payer", "provider"):
            v = r[key]
            if v and v.lower() not in flat.lower():
                fail(file, f"{key} {v!r} not in document")

        # codes
        c = r["codes"]
        for code in c["cpt"] + c["hcpcs"]:
            if not has_token(text, code):
                fail(file, f"procedure code {code} not in document")
        for code in c["icd10"]:
            if not has_token(text, code):
                fail(file, f"ICD-10 {code} not in document")
            if not icd.is_valid_item(code):
                fail(file, f"ICD-10 {code} is not a valid ICD-10-CM item")
            elif not icd.is_leaf(code):
                fail(file, f"ICD-10 {code} is not billable (not a leaf)")
        for g in c["group"]:
            if g not in ("CO", "PR", "OA", "PI") or not has_token(text, g) and f"*{g}*" not in text:
                fail(file, f"group {g} not in document")
        allowed_cats = {r["category"], *r["secondary_categories"]}
        for code in c["carc"]:
            if not group_carc_in(text, c["group"], code):
                fail(file, f"CARC {code} not in document")
            cat = csv_rows.get(("CARC", code))
            if cat is None:
                fail(file, f"CARC {code} not in carc_rarc.csv")
            elif cat not in allowed_cats:
                fail(file, f"CARC {code} category {cat} not in {sorted(allowed_cats)}")
        for code in c["rarc"]:
            if not has_token(text, code):
                fail(file, f"RARC {code} not in document")
            cat = csv_rows.get(("RARC", code))
            if cat is None:
                fail(file, f"RARC {code} not in carc_rarc.csv")
            elif cat not in allowed_cats:
                fail(file, f"RARC {code} category {cat} not in {sorted(allowed_cats)}")
        if r["category"] == "not_a_denial" and (c["carc"] or c["rarc"] or c["group"]):
            fail(file, "not_a_denial record lists adjustment codes")
        if c["ndc"]:
            found = ndcs_in(text)
            for n in c["ndc"]:
                if not re.fullmatch(r"\d{11}", n) or n not in found:
                    fail(file, f"NDC {n} not 11 digits or not printed in document")

        # amounts
        amts = amounts_in(text)
        for key in ("amount_billed", "patient_responsibility"):
            v = r[key]
            if v is not None and round(v, 2) not in amts:
                fail(file, f"{key} {v} not printed in document")

        # dates
        for key in ("letter_date",):
            if r[key] and not date_in(text, r[key]):
                fail(file, f"{key} {r[key]} not in document")
        for d in r["service_dates"]:
            if not date_in(text, d):
                fail(file, f"service date {d} not in document")
        if r["appeal_deadline"]:
            if not date_in(text, r["appeal_deadline"]) and not window_deadline_ok(
                    text, r["letter_date"], r["appeal_deadline"]):
                fail(file, f"appeal_deadline {r['appeal_deadline']} neither printed nor "
                           "letter date + stated window")

        # reason text
        if r["reason_text"] is not None and norm_ws(r["reason_text"]) not in flat:
            fail(file, "reason_text not found verbatim in document")
        if r["category"] != "not_a_denial" and r["document_type"] != "remittance" and not r["reason_text"]:
            fail(file, "denial without reason_text (only raw remittances may lack one)")

        # adjustments
        denied_total = 0.0
        for a in r["adjustments"]:
            if a["claim_number"] not in flat:
                fail(file, f"adjustment claim {a['claim_number']} not in document")
            if not has_token(text, a["cpt"]):
                fail(file, f"adjustment code {a['cpt']} not in document")
            if not date_in(text, a["service_date"]):
                fail(file, f"adjustment date {a['service_date']} not in document")
            for k in ("billed", "allowed", "paid"):
                if round(abs(a[k]), 2) not in amts:
                    fail(file, f"adjustment {k} {a[k]} not in document")
            if a["group"] is not None:
                if round(abs(a["amount"]), 2) not in amts:
                    fail(file, f"adjustment amount {a['amount']} not in document")
                cost_share = a["group"] == "PR" and a["carc"] in ("1", "2", "3")
                # paper remits print deductible/coinsurance/copay in their own columns
                if not cost_share and not group_carc_in(text, [a["group"]], a["carc"]):
                    fail(file, f"adjustment {a['group']}-{a['carc']} not in document")
            for rm in a["rarc"]:
                if not has_token(text, rm):
                    fail(file, f"adjustment RARC {rm} not in document")
            if a["denied"] and a["claim_number"] == r["claim_number"]:
                denied_total += a["billed"]
        if r["category"] != "not_a_denial" and r["adjustments"] and r["amount_billed"] is not None:
            # one row per CAS triplet: count each denied line once
            seen, tot = set(), 0.0
            for a in r["adjustments"]:
                if a["denied"] and a["claim_number"] == r["claim_number"] and (a["line"] not in seen):
                    seen.add(a["line"])
                    tot += a["billed"]
            if round(tot, 2) != round(r["amount_billed"], 2):
                fail(file, f"amount_billed {r['amount_billed']} != denied lines total {tot}")

        # names reused from other sets / the generator catalog
        for key in ("payer", "provider", "patient_name"):
            v = r[key]
            if v and v != "Medicare" and v.lower() in name_corpus:
                fail(file, f"{key} {v!r} is used in dev/test set or catalog")

    # summary
    cat = Counter(r["category"] for r in recs)
    sec = [(r["file"], s) for r in recs for s in r["secondary_categories"]]
    dtype = Counter(r["document_type"] for r in recs)
    denials = [r for r in recs if r["category"] != "not_a_denial"]
    for k in CATEGORIES - {"not_a_denial"}:
        if cat[k] < 2:
            problems.append(f"set: category {k} has {cat[k]} documents (need >= 2)")
    printed, window, nulls = [], [], []
    for r in recs:
        text = (HERE / r["file"]).read_text()
        if r["appeal_deadline"] is None:
            nulls.append(r["file"][4:7])
        elif date_in(text, r["appeal_deadline"]):
            printed.append(r["file"][4:7])
        else:
            phrase = window_deadline_ok(text, r["letter_date"], r["appeal_deadline"])
            window.append(r["file"][4:7] + " (" + (phrase or "NO MATCHING WINDOW") + ")")
    no_deny = [r["file"][4:7] for r in denials
               if not re.search(r"\bden(y|ied|ial|ies)\b", (HERE / r["file"]).read_text(), re.I)]

    print(f"records: {len(recs)}   forms: {dict(Counter(r['form'] for r in recs))}")
    print("categories (primary):", dict(cat.most_common()))
    print("secondary categories:", sec)
    print("document types:", dict(dtype.most_common()))
    print("plan types:", dict(Counter(r["plan_type"] for r in recs).most_common()))
    print(f"denials: {len(denials)}; not_a_denial: {cat['not_a_denial']} "
          f"({100 * cat['not_a_denial'] / len(recs):.0f}%)")
    print("appeal deadline printed:", ", ".join(printed))
    print("appeal deadline from letter/notice date:", "; ".join(window))
    print("appeal deadline null:", ", ".join(nulls))
    print(f"denials that never say deny/denied/denial ({len(no_deny)}):", ", ".join(no_deny))
    words = [len((HERE / r["file"]).read_text().split()) for r in recs]
    print(f"length in words: min {min(words)}, max {max(words)}")
    if problems:
        print(f"\n{len(problems)} PROBLEM(S):")
        for p in problems:
            print("  " + p)
        return 1
    print("\nALL CHECKS PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
