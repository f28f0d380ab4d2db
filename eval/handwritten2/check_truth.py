"""Check eval/handwritten2/ground_truth.jsonl against its documents.

Run from the repository root:

    .venv/bin/python eval/handwritten2/check_truth.py

It does not run the pipeline. It checks that:
* every record has exactly the keys of eval/handwritten/ground_truth.jsonl (also inside
  `codes` and `adjustments`), the family is handwritten2_<style> with a different style per
  document, and the vocabularies (category, document type, plan type, group) are respected;
* every claim number, member ID, code, amount, date and reason_text of the truth appears in
  its document (dates in any of the printed formats; an appeal deadline that is not printed
  must equal the letter date plus a "within N days of/from the date of this notice/letter/
  remittance/EOR" window printed in the document);
* patient, payer and provider names appear in the document;
* every ICD-10-CM code is valid (simple_icd_10_cm.is_valid_item), CPT/HCPCS/NDC codes have
  the right shape, and every CARC/RARC is in /work/shared/domain/carc_rarc.csv with a
  category equal to the document's primary or a secondary category;
* not_a_denial records list no CARC/RARC/group and no reason_text; denials have a reason_text;
* no payer, provider or person name of the truth occurs in eval/handwritten/,
  eval/handwritten_test/ or pipeline/corpus/catalog.py;
* documents are 80 to 900 words.
It ends with the counts used in README.md.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEV_TRUTH = REPO / "eval" / "handwritten" / "ground_truth.jsonl"
CSV_PATH = Path("/work/shared/domain/carc_rarc.csv")
FORBIDDEN_SOURCES = [REPO / "pipeline" / "corpus" / "catalog.py",
                     *sorted((REPO / "eval" / "handwritten").glob("*")),
                     *sorted((REPO / "eval" / "handwritten_test").glob("*"))]

CATEGORIES = {"prior_authorization", "medical_necessity", "step_therapy",
              "missing_documentation", "coding_error", "not_covered",
              "experimental_investigational", "benefit_limit", "out_of_network",
              "timely_filing", "duplicate_claim", "eligibility", "coordination_of_benefits",
              "not_a_denial"}
DOC_TYPES = {"denial_letter", "eob", "remittance", "other"}
PLAN_TYPES = {"commercial", "medicare", "medicare_advantage", "part_d", "medicaid",
              "workers_comp", "pbm", "tpa", "auto_no_fault", "tricare"}
GROUPS = {"CO", "PR", "OA", "PI"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

errors: list[str] = []
warnings: list[str] = []


def err(file: str, msg: str) -> None:
    errors.append(f"{file}: {msg}")


def norm_ws(s: str) -> str:
    return " ".join(s.split())


def date_forms(d: date) -> set[str]:
    m, dd, y = d.month, d.day, d.year
    mon = MONTHS[m - 1]
    return {
        f"{m:02d}/{dd:02d}/{y}", f"{m}/{dd}/{y}", f"{m:02d}/{dd:02d}/{y % 100:02d}",
        f"{m}/{dd}/{y % 100:02d}", f"{mon} {dd}, {y}", f"{mon[:3]} {dd}, {y}",
        f"{dd} {mon[:3]} {y}", f"{d.isoformat()}", f"{y}{m:02d}{dd:02d}",
        f"{m:02d}{dd:02d}{y % 100:02d}", f"{mon} {dd},\n{y}",
    }


def date_in(text: str, iso: str) -> bool:
    d = date.fromisoformat(iso)
    flat = norm_ws(text)
    return any(f in text or norm_ws(f) in flat for f in date_forms(d))


def amount_in(text: str, x: float) -> bool:
    return f"{x:,.2f}" in text or f"{x:.2f}" in text


def ndc_candidates(text: str) -> set[str]:
    out = set()
    for a, b, c in re.findall(r"\b(\d{4,5})-(\d{3,4})-(\d{1,2})\b", text):
        if len(a) == 4 and len(b) == 4 and len(c) == 2:
            out.add("0" + a + b + c)
        elif len(a) == 5 and len(b) == 3 and len(c) == 2:
            out.add(a + "0" + b + c)
        elif len(a) == 5 and len(b) == 4 and len(c) == 1:
            out.add(a + b + "0" + c)
        elif len(a) == 5 and len(b) == 4 and len(c) == 2:
            out.add(a + b + c)
    out.update(re.findall(r"\b\d{11}\b", text))
    return out


WINDOW_RE = re.compile(
    r"within\s+(\d+)\s+days\s+(?:of|from|after)\s+the\s+date\s+(?:of|on)\s+(?:this|the)\s+"
    r"(?:notice|letter|remittance(?:\s+advice)?|EOR)", re.I)


def deadline_form(text: str, rec: dict) -> str:
    dl = rec["appeal_deadline"]
    if dl is None:
        return "none"
    if date_in(text, dl):
        return "printed"
    letter = date.fromisoformat(rec["letter_date"])
    for n in WINDOW_RE.findall(norm_ws(text)):
        if (letter + timedelta(days=int(n))).isoformat() == dl:
            return f"window {n} d"
    return "UNSUPPORTED"


def load_csv() -> dict[tuple[str, str], str]:
    with CSV_PATH.open(encoding="utf-8") as fh:
        return {(row["kind"], row["code"]): row["category"] for row in csv.DictReader(fh)}


def main() -> int:
    import simple_icd_10_cm as icd

    dev = [json.loads(x) for x in DEV_TRUTH.read_text(encoding="utf-8").splitlines() if x.strip()]
    top_keys = set(dev[0])
    code_keys = set(dev[0]["codes"])
    adj_keys = next(set(a) for r in dev for a in r["adjustments"])
    csv_map = load_csv()
    forbidden = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                          for p in FORBIDDEN_SOURCES if p.is_file()).casefold()

    recs = [json.loads(x) for x in (HERE / "ground_truth.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    styles: Counter = Counter()
    forms: dict[str, str] = {}
    words: dict[str, int] = {}
    for i, r in enumerate(recs):
        f = r.get("file", f"record {i}")
        if set(r) != top_keys:
            err(f, f"keys differ: {sorted(set(r) ^ top_keys)}")
            continue
        if set(r["codes"]) != code_keys:
            err(f, "codes keys differ")
        for a in r["adjustments"]:
            if set(a) != adj_keys:
                err(f, f"adjustment keys differ: {sorted(set(a) ^ adj_keys)}")
        if r["index"] != i or f != f"doc_d{i + 1:02d}.txt":
            err(f, "file/index out of sequence")
        path = HERE / f
        if not path.is_file():
            err(f, "document missing")
            continue
        text = path.read_text(encoding="utf-8")
        flat = norm_ws(text)
        low = flat.casefold()
        words[f] = len(text.split())
        if not 80 <= words[f] <= 900:
            err(f, f"{words[f]} words, outside 80-900")

        # vocabularies and structure
        if not r["family"].startswith("handwritten2_"):
            err(f, "family must start with handwritten2_")
        styles[r["family"]] += 1
        if r["form"] != "text" or r["render"] != {}:
            err(f, "form must be 'text' and render {}")
        if r["document_type"] not in DOC_TYPES:
            err(f, f"bad document_type {r['document_type']}")
        cats = [r["category"], *r["secondary_categories"]]
        if any(c not in CATEGORIES for c in cats):
            err(f, f"bad category in {cats}")
        if r["category"] in r["secondary_categories"] or len(set(cats)) != len(cats):
            err(f, "secondary repeats a category")
        if r["plan_type"] not in PLAN_TYPES:
            err(f, f"bad plan_type {r['plan_type']}")
        denial = r["category"] != "not_a_denial"
        if not denial:
            if r["secondary_categories"] or r["reason_text"] is not None:
                err(f, "not_a_denial must have no secondary category and no reason_text")
            if r["codes"]["carc"] or r["codes"]["rarc"] or r["codes"]["group"]:
                err(f, "not_a_denial lists no CARC/RARC/group (payment adjustments are not listed)")
        elif not r["reason_text"]:
            err(f, "denial without reason_text")

        # identifiers
        for key in ("claim_number", "member_id"):
            if r[key] is not None and r[key] not in text:
                err(f, f"{key} {r[key]!r} not in document")
        if r["patient_name"] is not None:
            for part in r["patient_name"].split():
                if part.casefold() not in low:
                    err(f, f"patient name part {part!r} not in document")
        for key in ("payer", "provider"):
            if r[key] is not None and norm_ws(r[key]).casefold() not in low:
                err(f, f"{key} {r[key]!r} not in document")

        # codes
        c = r["codes"]
        for code in c["cpt"]:
            if not re.fullmatch(r"\d{4}[0-9FTU]", code) or code not in text:
                err(f, f"cpt {code} bad shape or not in document")
        for code in c["hcpcs"]:
            if not re.fullmatch(r"[A-CEGHJ-MP-V]\d{4}", code) or code not in text:
                err(f, f"hcpcs {code} bad shape or not in document")
        for code in c["icd10"]:
            if code not in text and code.replace(".", "") not in text:
                err(f, f"icd10 {code} not in document")
            if not icd.is_valid_item(code):
                err(f, f"icd10 {code} not valid (simple_icd_10_cm)")
            elif not icd.is_leaf(code):
                warnings.append(f"{f}: icd10 {code} is valid but not a billable leaf")
        ndcs = ndc_candidates(text)
        for code in c["ndc"]:
            if not re.fullmatch(r"\d{11}", code) or code not in ndcs:
                err(f, f"ndc {code} bad shape or not printed in document")
        for g in c["group"]:
            if g not in GROUPS or not re.search(rf"\b{g}\b", text):
                err(f, f"group {g} invalid or not in document")
        for kind, key in (("CARC", "carc"), ("RARC", "rarc")):
            for code in c[key]:
                if not re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![0-9])", text):
                    err(f, f"{key} {code} not in document")
                cat = csv_map.get((kind, code))
                if cat is None:
                    err(f, f"{key} {code} not in carc_rarc.csv")
                elif cat not in cats:
                    err(f, f"{key} {code} has category {cat}, document has {cats}")

        # amounts
        for key in ("amount_billed", "patient_responsibility"):
            if r[key] is not None and not amount_in(text, r[key]):
                err(f, f"{key} {r[key]} not printed in document")

        # dates
        if not date_in(text, r["letter_date"]):
            err(f, f"letter_date {r['letter_date']} not in document")
        for d in r["service_dates"]:
            if not date_in(text, d):
                err(f, f"service date {d} not in document")
        form = deadline_form(text, r)
        forms[f] = form
        if form == "UNSUPPORTED":
            err(f, f"appeal_deadline {r['appeal_deadline']} neither printed nor a stated window")

        # reason text
        if r["reason_text"] is not None and norm_ws(r["reason_text"]) not in flat:
            err(f, "reason_text not found verbatim in document")

        # adjustments
        for a in r["adjustments"]:
            if a["claim_number"] not in text:
                err(f, f"adjustment claim {a['claim_number']} not in document")
            if a["cpt"] not in text:
                err(f, f"adjustment code {a['cpt']} not in document")
            if a["service_date"] and not date_in(text, a["service_date"]):
                err(f, f"adjustment date {a['service_date']} not in document")
            for key in ("billed", "paid"):
                if a[key] is not None and not amount_in(text, a[key]):
                    err(f, f"adjustment {key} {a[key]} not in document")
            amt = a["amount"]
            derivable = {round(a["billed"] - (a["allowed"] or 0), 2),
                         round(a["billed"] - (a["paid"] or 0), 2)}
            if amt is not None and not amount_in(text, amt) and round(amt, 2) not in derivable:
                err(f, f"adjustment amount {amt} neither printed nor billed-allowed/paid")
            if a["group"] is not None and a["group"] not in GROUPS:
                err(f, f"adjustment group {a['group']}")
            if a["carc"] is not None and ("CARC", a["carc"]) not in csv_map:
                err(f, f"adjustment carc {a['carc']} not in csv")

        # name reuse
        names = [r["payer"], r["provider"], r["patient_name"]]
        for name in names:
            if not name or name == "Medicare":
                continue
            core = re.sub(r",?\s+(MD|DO|PC|Inc\.|LLC)$", "", name)
            if core.casefold() in forbidden:
                err(f, f"name {name!r} occurs in an existing set or the generator catalog")
        if r["patient_name"]:
            last = r["patient_name"].split()[-1]
            if re.search(rf"\b{re.escape(last.casefold())}\b", forbidden):
                err(f, f"surname {last!r} occurs in an existing set or the generator catalog")

    dup_styles = [s for s, n in styles.items() if n > 1]
    if dup_styles:
        errors.append(f"styles used more than once: {dup_styles}")

    # summary
    cat = Counter(r["category"] for r in recs)
    sec = {r["file"]: r["secondary_categories"] for r in recs if r["secondary_categories"]}
    typ = Counter(r["document_type"] for r in recs)
    plan = Counter(r["plan_type"] for r in recs)
    fcount = Counter(v if not v.startswith("window") else "window from letter/notice date"
                     for v in forms.values())
    denials = [r for r in recs if r["category"] != "not_a_denial"]
    no_deny = [r["file"][4:7] for r in denials
               if not re.search(r"\bden(y|ied|ial|ies)\b", (HERE / r["file"]).read_text(), re.I)]
    print(f"records: {len(recs)}   forms: {dict(Counter(r['form'] for r in recs))}")
    print("categories:", dict(cat.most_common()))
    print("secondary:", sec)
    print("document types:", dict(typ.most_common()))
    print("plan types:", dict(plan.most_common()))
    print("appeal-deadline forms (truth):", dict(fcount))
    print("  windows:", {f[4:7]: v for f, v in forms.items() if v.startswith("window")})
    print("  printed:", [f[4:7] for f, v in forms.items() if v == "printed"])
    print(f"denials without deny/denied/denial: {len(no_deny)} of {len(denials)}: {no_deny}")
    print(f"words: min {min(words.values())}, max {max(words.values())}")
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print(f"check_truth: {len(recs)} records, {len(errors)} errors, {len(warnings)} warnings")
    print("PASS" if not errors else "FAIL")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
