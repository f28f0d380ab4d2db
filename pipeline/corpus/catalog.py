"""Invented reference data for the synthetic corpus: payers, people, services,
drugs, diagnoses and the denial reasons (codes + wording) per category.

Everything here is fictional. Payer, provider and person names are made up;
NDCs are synthetic numbers in valid NDC shapes; CPT codes are used as bare
numbers with our own lay descriptions (no AMA descriptors). ICD-10-CM codes are
real, billable (leaf) codes, checked against ``simple_icd_10_cm`` in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.datamodel import Category

# --------------------------------------------------------------------------- payers

# plan_type: commercial, medicare, medicare_advantage, part_d, medicaid,
# workers_comp, pbm, tpa


@dataclass(frozen=True)
class Payer:
    name: str
    plan_type: str
    short: str  # initials for the logo
    city: str
    state: str
    phone: str
    web: str
    tagline: str = ""


PAYERS: list[Payer] = [
    Payer(
        "Larkspur Mutual Health Plan",
        "commercial",
        "LM",
        "Dayton",
        "OH",
        "1-800-555-0142",
        "larkspurhealth.example",
        "Health coverage for working families",
    ),
    Payer(
        "Cedarline Health Assurance",
        "commercial",
        "CH",
        "Boise",
        "ID",
        "1-888-555-0117",
        "cedarline.example",
    ),
    Payer(
        "Tallgrass Benefit Company",
        "commercial",
        "TB",
        "Wichita",
        "KS",
        "1-877-555-0190",
        "tallgrassbenefits.example",
        "A mutual company since 1952",
    ),
    Payer(
        "Brightwater Health Cooperative",
        "commercial",
        "BW",
        "Duluth",
        "MN",
        "1-866-555-0133",
        "brightwatercoop.example",
        "Member-owned",
    ),
    Payer(
        "Granite Arch Insurance Company",
        "commercial",
        "GA",
        "Manchester",
        "NH",
        "1-800-555-0166",
        "granitearch.example",
    ),
    Payer(
        "Northfork Health Alliance",
        "commercial",
        "NF",
        "Spokane",
        "WA",
        "1-855-555-0108",
        "northforkhealth.example",
        "Your health. Our promise.",
    ),
    Payer(
        "Wrenfield Health Plans",
        "commercial",
        "WH",
        "Lexington",
        "KY",
        "1-844-555-0121",
        "wrenfield.example",
    ),
    Payer(
        "Amberline Benefit Administrators",
        "tpa",
        "AB",
        "Tulsa",
        "OK",
        "1-800-555-0179",
        "amberlinetpa.example",
        "Administrator for self-funded employer plans",
    ),
    Payer(
        "Stonecrest Health Insurance Company",
        "commercial",
        "SC",
        "Macon",
        "GA",
        "1-888-555-0150",
        "stonecresthealth.example",
    ),
    Payer(
        "Marigold Health Network",
        "commercial",
        "MH",
        "Fresno",
        "CA",
        "1-877-555-0115",
        "marigoldhealth.example",
        "HMO and EPO plans",
    ),
    Payer(
        "Sablewood Life & Health",
        "commercial",
        "SW",
        "Mobile",
        "AL",
        "1-866-555-0187",
        "sablewood.example",
    ),
    Payer(
        "Silverpine Medicare Advantage",
        "medicare_advantage",
        "SP",
        "Tucson",
        "AZ",
        "1-800-555-0103",
        "silverpineplans.example",
        "HMO and PPO plans with Medicare contracts",
    ),
    Payer(
        "Quillfield Senior Advantage",
        "medicare_advantage",
        "QS",
        "Sarasota",
        "FL",
        "1-855-555-0146",
        "quillfieldsenior.example",
    ),
    Payer(
        "Lanternway Health (Medicare Plans)",
        "medicare_advantage",
        "LH",
        "Albany",
        "NY",
        "1-844-555-0162",
        "lanternway.example",
    ),
    Payer(
        "Juniper Ridge Medicare Rx",
        "part_d",
        "JR",
        "Reno",
        "NV",
        "1-888-555-0139",
        "juniperridgerx.example",
        "Medicare prescription drug plan",
    ),
    Payer(
        "Orchard Valley Community Care",
        "medicaid",
        "OV",
        "Yakima",
        "WA",
        "1-800-555-0171",
        "orchardvalleycare.example",
        "A Medicaid managed care plan",
    ),
    Payer(
        "Bluestem Family Health",
        "medicaid",
        "BF",
        "Lincoln",
        "NE",
        "1-877-555-0124",
        "bluestemfamily.example",
    ),
    Payer(
        "Thistledown Health Plan",
        "medicaid",
        "TD",
        "Burlington",
        "VT",
        "1-866-555-0158",
        "thistledownhp.example",
        "Medicaid and CHIP",
    ),
    Payer(
        "Copperleaf Community Health Plan",
        "medicaid",
        "CL",
        "Santa Fe",
        "NM",
        "1-855-555-0182",
        "copperleafchp.example",
    ),
    Payer(
        "Pillarstone Pharmacy Benefits",
        "pbm",
        "PP",
        "Columbus",
        "OH",
        "1-800-555-0195",
        "pillarstonerx.example",
        "Pharmacy benefit manager",
    ),
    Payer("Kestrel Rx Services", "pbm", "KR", "Omaha", "NE", "1-888-555-0111", "kestrelrx.example"),
    Payer(
        "Ironbridge Mutual Casualty",
        "workers_comp",
        "IM",
        "Pittsburgh",
        "PA",
        "1-800-555-0128",
        "ironbridgecasualty.example",
        "Workers' compensation claims",
    ),
    Payer(
        "Foxglove Employers Insurance",
        "workers_comp",
        "FE",
        "Sacramento",
        "CA",
        "1-877-555-0137",
        "foxgloveemployers.example",
    ),
    Payer("Medicare", "medicare", "MC", "Baltimore", "MD", "1-800-555-0100", "medicare.example"),
]

# The organisation that processes Part A/B claims for "Medicare" in MSNs (invented).
MEDICARE_CONTRACTORS = [
    "Tri-River Medicare Services",
    "Great Plains Claims Contractor",
    "Coastal Medicare Administrative Unit",
]

# Delegated utilization-management vendors (invented) that write "on behalf of" a payer.
UM_VENDORS = [
    "Trellis Clinical Review",
    "Vantage Spine & Pain Review",
    "Lumen Imaging Review Services",
    "Clearpath Utilization Management",
]

# ---------------------------------------------------------------------------- people

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Robert",
    "Linh",
    "Carlos",
    "Dorothy",
    "Ethan",
    "Priya",
    "Walter",
    "Keisha",
    "Tomasz",
    "Grace",
    "Darnell",
    "Yuki",
    "Helen",
    "Marcus",
    "Rosa",
    "Samuel",
    "Ingrid",
    "Omar",
    "Beatrice",
    "Luis",
    "Naomi",
    "Frank",
    "Mei",
    "Harold",
    "Jasmine",
    "Victor",
    "Eleanor",
    "Raj",
    "Gloria",
    "Dmitri",
    "Leah",
    "Curtis",
    "Fatima",
]
LAST = [
    "Alvarez",
    "Brennan",
    "Castellano",
    "Dunmore",
    "Ekwueme",
    "Fairbanks",
    "Galloway",
    "Hargrove",
    "Ishikawa",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Marchetti",
    "Nakamura",
    "Okonkwo",
    "Pennington",
    "Quintero",
    "Rasmussen",
    "Szabo",
    "Thibodeaux",
    "Underwood",
    "Vasquez",
    "Whitlock",
    "Yarborough",
    "Zelinski",
    "Abernathy",
    "Beaumont",
    "Delacroix",
    "Esposito",
    "Fitzhugh",
    "Greenleaf",
    "Holloway",
    "Iverson",
    "Kincaid",
    "Lockhart",
    "Montoya",
    "Nwosu",
    "Ostrowski",
    "Prescott",
    "Ramirez-Cole",
]
MIDDLE = "ABCDEFGHJKLMNPRSTW"

STREETS = [
    "Maple Ave",
    "Birch Lane",
    "Quarry Rd",
    "Lakeview Dr",
    "Orchard St",
    "Harbor Way",
    "Juniper Ct",
    "Mill Pond Rd",
    "Sycamore Blvd",
    "Prairie View Dr",
    "Chestnut St",
    "Old Post Rd",
    "Willow Bend",
    "Kestrel Ridge Rd",
    "Canal St",
    "Foundry Ln",
]
CITIES = [
    ("Springdale", "AR"),
    ("Fairview", "OR"),
    ("Millbrook", "NY"),
    ("Riverton", "WY"),
    ("Clayton", "NC"),
    ("Ashland", "WI"),
    ("Georgetown", "TX"),
    ("Franklin", "TN"),
    ("Marion", "IN"),
    ("Salem", "MA"),
    ("Oxford", "MS"),
    ("Greenville", "SC"),
    ("Auburn", "ME"),
    ("Dover", "DE"),
    ("Bristol", "VA"),
    ("Madison", "GA"),
]

PRACTICES = [
    ("Summit Interventional Pain Center", "pain"),
    ("Riverbend Spine & Pain Associates", "pain"),
    ("Westbrook Pain and Wellness", "pain"),
    ("Valley Neuromodulation Institute", "pain"),
    ("Lakeshore Physical Therapy", "pt"),
    ("Pinecrest Rehabilitation Services", "pt"),
    ("Oakmont Chiropractic Clinic", "chiro"),
    ("Northgate Acupuncture Studio", "acu"),
    ("Crescent Imaging Center", "imaging"),
    ("Eastside Infusion Suites", "infusion"),
    ("Harbor Point Ambulatory Surgery Center", "pain"),
    ("Maple Street Family Medicine", "primary"),
    ("Copper Hills Medical Supply", "dme"),
    ("Bayside Orthopedic & Spine", "pain"),
]

PHARMACIES = [
    "Elm Street Pharmacy",
    "Corner Drug #214",
    "Ridgeway Apothecary",
    "Mercer Family Pharmacy",
    "Brookside Pharmacy #9",
]

# ---------------------------------------------------------------------------- services


@dataclass(frozen=True)
class Service:
    code: str
    kind: str  # "cpt" | "hcpcs"
    desc: str  # our own lay description
    tags: frozenset[str]
    charge: tuple[int, int]
    practice: str  # which kind of practice bills it
    dx: tuple[str, ...]
    units: int = 1


def _svc(code, kind, desc, tags, charge, practice, dx, units=1):
    return Service(
        code, kind, desc, frozenset(tags.split()), charge, practice, tuple(dx.split()), units
    )


LUMBAR_DX = "M54.16 M54.17 M51.16 M48.061 M48.062 M51.26"
SERVICES: list[Service] = [
    _svc(
        "62323",
        "cpt",
        "Lumbar epidural steroid injection (interlaminar, with imaging)",
        "esi proc pain",
        (1150, 1900),
        "pain",
        LUMBAR_DX,
    ),
    _svc(
        "62321",
        "cpt",
        "Cervical epidural steroid injection (interlaminar, with imaging)",
        "esi proc pain",
        (1100, 1800),
        "pain",
        "M54.12 M50.11 M50.121",
    ),
    _svc(
        "64483",
        "cpt",
        "Transforaminal epidural injection, lumbar/sacral, single level",
        "esi proc pain",
        (1250, 2100),
        "pain",
        LUMBAR_DX,
    ),
    _svc(
        "64493",
        "cpt",
        "Lumbar facet joint (medial branch) block, first level",
        "facet proc pain",
        (900, 1500),
        "pain",
        "M47.816 M47.817 M54.51 M54.59",
    ),
    _svc(
        "64490",
        "cpt",
        "Cervical facet joint (medial branch) block, first level",
        "facet proc pain",
        (900, 1500),
        "pain",
        "M47.812 M54.2",
    ),
    _svc(
        "64635",
        "cpt",
        "Radiofrequency ablation of lumbar facet nerves, first level",
        "rfa proc pain",
        (2400, 3800),
        "pain",
        "M47.816 M47.817 M54.51",
    ),
    _svc(
        "64633",
        "cpt",
        "Radiofrequency ablation of cervical facet nerves, first level",
        "rfa proc pain",
        (2400, 3800),
        "pain",
        "M47.812",
    ),
    _svc(
        "63650",
        "cpt",
        "Spinal cord stimulator trial (percutaneous electrode placement)",
        "scs proc pain",
        (7800, 14500),
        "pain",
        "M96.1 G89.29 G90.522 G89.4",
    ),
    _svc(
        "63685",
        "cpt",
        "Implantable pulse generator for spinal cord stimulation",
        "scs proc pain",
        (21000, 38000),
        "pain",
        "M96.1 G90.522 G89.4",
    ),
    _svc(
        "64625",
        "cpt",
        "Radiofrequency ablation of sacroiliac joint nerves",
        "siRFA experimental proc pain",
        (2600, 3900),
        "pain",
        "M46.1 M53.3",
    ),
    _svc(
        "64624",
        "cpt",
        "Radiofrequency ablation of genicular nerves (knee)",
        "genicular experimental proc pain",
        (2200, 3400),
        "pain",
        "M17.11 M25.561",
    ),
    _svc(
        "96365",
        "cpt",
        "IV infusion (ketamine), first hour",
        "ketamine experimental proc infusion",
        (950, 1700),
        "infusion",
        "G90.522 G89.4 G89.29",
    ),
    _svc(
        "20553",
        "cpt",
        "Trigger point injections, three or more muscles",
        "tpi proc pain",
        (280, 520),
        "pain",
        "M79.18 M62.830 M79.7",
    ),
    _svc(
        "64405",
        "cpt",
        "Greater occipital nerve block",
        "nerveblock proc pain",
        (350, 640),
        "pain",
        "G89.29 M54.2",
    ),
    _svc(
        "27096",
        "cpt",
        "Sacroiliac joint injection with imaging guidance",
        "si proc pain",
        (700, 1250),
        "pain",
        "M46.1 M53.3",
    ),
    _svc(
        "77003",
        "cpt",
        "Fluoroscopic guidance for spinal injection",
        "fluoro bundled",
        (240, 420),
        "pain",
        LUMBAR_DX,
    ),
    _svc(
        "97110",
        "cpt",
        "Therapeutic exercise, each 15 minutes",
        "pt therapy",
        (65, 120),
        "pt",
        "M54.50 M54.16 M54.2 S33.5XXA",
        units=3,
    ),
    _svc(
        "97140",
        "cpt",
        "Manual therapy, each 15 minutes",
        "pt therapy",
        (60, 115),
        "pt",
        "M54.50 M54.2 S13.4XXA",
        units=2,
    ),
    _svc(
        "97530",
        "cpt",
        "Therapeutic activities, each 15 minutes",
        "pt therapy",
        (70, 125),
        "pt",
        "M54.50 M96.1",
        units=2,
    ),
    _svc(
        "97810",
        "cpt",
        "Acupuncture, initial 15 minutes, without stimulation",
        "acu therapy",
        (85, 140),
        "acu",
        "M54.50 M54.51 M54.2 G89.29",
    ),
    _svc(
        "97811",
        "cpt",
        "Acupuncture, each additional 15 minutes",
        "acu therapy",
        (60, 100),
        "acu",
        "M54.50 M54.2",
    ),
    _svc(
        "98941",
        "cpt",
        "Chiropractic spinal manipulation, 3-4 regions",
        "chiro therapy",
        (70, 130),
        "chiro",
        "M99.03 M54.50 M54.2 M99.01",
    ),
    _svc(
        "98940",
        "cpt",
        "Chiropractic spinal manipulation, 1-2 regions",
        "chiro therapy",
        (55, 105),
        "chiro",
        "M99.03 M54.50",
    ),
    _svc(
        "E0720",
        "hcpcs",
        "TENS unit, two lead",
        "tens dme",
        (380, 720),
        "dme",
        "M54.50 G89.29 M79.604",
    ),
    _svc(
        "A4595", "hcpcs", "TENS supplies, per month", "tens dme", (35, 70), "dme", "M54.50 G89.29"
    ),
    _svc(
        "72148",
        "cpt",
        "MRI lumbar spine without contrast",
        "mri imaging",
        (1400, 2600),
        "imaging",
        "M54.50 M54.16 M54.17 M54.41",
    ),
    _svc(
        "72141",
        "cpt",
        "MRI cervical spine without contrast",
        "mri imaging",
        (1400, 2500),
        "imaging",
        "M54.2 M54.12",
    ),
    _svc(
        "99214",
        "cpt",
        "Office visit, established patient, moderate complexity",
        "em",
        (180, 320),
        "any",
        "M54.16 G89.29 M47.816 M54.50 Z79.891",
    ),
    _svc(
        "99204",
        "cpt",
        "Office visit, new patient, moderate complexity",
        "em",
        (260, 420),
        "any",
        "M54.16 G89.29 M54.2",
    ),
    _svc(
        "G0480",
        "hcpcs",
        "Drug test, definitive, 1-7 drug classes",
        "lab",
        (180, 320),
        "pain",
        "Z79.891 F11.20",
    ),
    _svc(
        "J3490",
        "hcpcs",
        "Unclassified drug (ketamine)",
        "ketamine drug",
        (120, 380),
        "infusion",
        "G90.522 G89.29",
    ),
]
SERVICE_BY_CODE = {s.code: s for s in SERVICES}

ALL_ICD = sorted(
    {c for s in SERVICES for c in s.dx}
    | {"B02.29", "B02.22", "G89.29", "G89.4", "F11.20", "Z79.891", "M79.7", "M54.50", "G56.01"}
)

ICD_DESC = {  # our own short wording
    "M54.16": "lumbar radiculopathy",
    "M54.17": "lumbosacral radiculopathy",
    "M51.16": "lumbar disc disorder with radiculopathy",
    "M48.061": "lumbar spinal stenosis",
    "M48.062": "lumbar stenosis with neurogenic claudication",
    "M51.26": "lumbar disc displacement",
    "M54.12": "cervical radiculopathy",
    "M50.11": "cervical disc disorder with radiculopathy",
    "M50.121": "cervical disc disorder at C4-C5 with radiculopathy",
    "M47.816": "lumbar spondylosis",
    "M47.817": "lumbosacral spondylosis",
    "M54.51": "vertebrogenic low back pain",
    "M54.59": "other low back pain",
    "M47.812": "cervical spondylosis",
    "M54.2": "neck pain",
    "M96.1": "postlaminectomy syndrome",
    "G89.29": "other chronic pain",
    "G90.522": "complex regional pain syndrome, left leg",
    "G89.4": "chronic pain syndrome",
    "M46.1": "sacroiliitis",
    "M53.3": "coccyx/sacral disorder",
    "M17.11": "primary osteoarthritis, right knee",
    "M25.561": "right knee pain",
    "M79.18": "myalgia, other site",
    "M62.830": "muscle spasm of back",
    "M79.7": "fibromyalgia",
    "M54.50": "low back pain",
    "S33.5XXA": "lumbar sprain, initial encounter",
    "S13.4XXA": "cervical sprain, initial encounter",
    "M99.03": "lumbar segmental dysfunction",
    "M99.01": "cervical segmental dysfunction",
    "M79.604": "pain in right leg",
    "M54.41": "lumbago with sciatica, right side",
    "Z79.891": "long-term opiate use",
    "F11.20": "opioid dependence",
    "B02.29": "postherpetic nerve involvement",
    "B02.22": "postherpetic trigeminal neuralgia",
    "G56.01": "carpal tunnel syndrome, right",
}

# ---------------------------------------------------------------------------- drugs


@dataclass(frozen=True)
class Drug:
    name: str
    strength: str
    form: str
    ndc: str  # printed form (hyphenated 4-4-2, 5-3-2 or 5-4-2)
    qty: int
    days: int
    dx: tuple[str, ...]
    alts: tuple[str, ...]  # preferred alternatives (step therapy)
    ql: str  # plan quantity limit wording
    tags: frozenset[str] = field(default_factory=frozenset)


def _drug(name, strength, form, ndc, qty, days, dx, alts, ql, tags=""):
    return Drug(
        name,
        strength,
        form,
        ndc,
        qty,
        days,
        tuple(dx.split()),
        tuple(alts),
        ql,
        frozenset(tags.split()),
    )


DRUGS: list[Drug] = [
    _drug(
        "oxycodone ER",
        "20 mg",
        "tablet",
        "59011-0420-10",
        120,
        30,
        "G89.4 M96.1",
        ["morphine sulfate ER", "oxycodone IR"],
        "60 tablets per 30 days",
        "opioid",
    ),
    _drug(
        "tapentadol ER",
        "100 mg",
        "tablet",
        "50458-851-01",
        60,
        30,
        "G89.29 M54.16",
        ["morphine sulfate ER", "tramadol ER"],
        "60 tablets per 30 days",
        "opioid brand",
    ),
    _drug(
        "hydrocodone/acetaminophen",
        "10-325 mg",
        "tablet",
        "0406-0123-01",
        180,
        30,
        "M54.50 G89.29",
        ["tramadol"],
        "120 tablets per 30 days",
        "opioid",
    ),
    _drug(
        "buprenorphine buccal film",
        "300 mcg",
        "film",
        "59385-0021-60",
        60,
        30,
        "G89.4 M54.16",
        ["buprenorphine transdermal patch", "morphine sulfate ER"],
        "60 films per 30 days",
        "opioid bup",
    ),
    _drug(
        "buprenorphine/naloxone sublingual film",
        "8-2 mg",
        "film",
        "12496-1208-03",
        90,
        30,
        "F11.20",
        ["buprenorphine/naloxone tablets"],
        "60 films per 30 days",
        "bup moud",
    ),
    _drug(
        "lidocaine 5% patch",
        "5%",
        "patch",
        "0591-3525-30",
        90,
        30,
        "M54.50 G89.29",
        ["lidocaine 4% patch (OTC)", "diclofenac 1% gel"],
        "30 patches per 30 days",
        "lidocaine offlabel",
    ),
    _drug(
        "pregabalin",
        "150 mg",
        "capsule",
        "0071-1016-68",
        90,
        30,
        "M79.7 G89.29",
        ["gabapentin", "duloxetine"],
        "90 capsules per 30 days",
        "neuro",
    ),
    _drug(
        "duloxetine",
        "60 mg",
        "capsule",
        "0002-3270-60",
        60,
        30,
        "M79.7 M54.50",
        ["amitriptyline", "nortriptyline"],
        "30 capsules per 30 days",
        "neuro",
    ),
    _drug(
        "celecoxib",
        "200 mg",
        "capsule",
        "0025-1525-31",
        60,
        30,
        "M17.11 M47.816",
        ["naproxen", "meloxicam"],
        "30 capsules per 30 days",
        "nsaid",
    ),
    _drug(
        "diclofenac 1.3% topical system",
        "1.3%",
        "patch",
        "60793-411-30",
        60,
        30,
        "M25.561 M79.18",
        ["diclofenac 1% gel", "naproxen"],
        "30 patches per 30 days",
        "topical",
    ),
    _drug(
        "ketamine hydrochloride injection",
        "50 mg/mL",
        "vial",
        "42023-113-10",
        10,
        30,
        "G90.522 G89.4",
        ["gabapentin", "nortriptyline"],
        "10 vials per 30 days",
        "ketamine",
    ),
    _drug(
        "milnacipran",
        "50 mg",
        "tablet",
        "0456-1550-60",
        60,
        30,
        "M79.7",
        ["duloxetine", "amitriptyline"],
        "60 tablets per 30 days",
        "neuro brand",
    ),
]


def ndc11(printed: str) -> str:
    """Normalise a hyphenated 10-digit NDC (4-4-2, 5-3-2, 5-4-1) or 5-4-2 to 11 digits."""
    a, b, c = printed.split("-")
    return a.zfill(5) + b.zfill(4) + c.zfill(2)


# ---------------------------------------------------------------------------- reasons


@dataclass(frozen=True)
class Reason:
    """One way a service gets denied: codes plus wording for members and providers.

    Placeholders usable in the wording: {service} {code} {drug} {alt1} {alt2} {limit}
    {auth} {tf_days} {recv_date} {term_date} {eff_date} {orig_claim} {orig_date}
    {req_date} {other_payer} {dx} {dx_desc} {qty} {ql} {policy} {guideline}.
    """

    key: str
    category: str
    carc: str | None
    group: str | None
    rarc: tuple[str, ...]
    kind: str  # "med" (claims/services) | "rx" (pharmacy) | "pre" (pre-service request)
    member: tuple[str, ...]
    provider: tuple[str, ...]
    legend: str  # short meaning printed in code legends (our own words)
    svc_tags: frozenset[str] = frozenset()  # empty = any procedure/therapy
    companion: str | None = None  # code of a paid line that accompanies the denied one
    secondary: tuple[str, ...] = ()
    # False: never drawn at random, only when asked for (``scenario.forcing``); keeps the
    # documents of existing seeds unchanged when a reason is added for tests.
    sampled: bool = True


def _r(
    key,
    category,
    carc,
    group,
    rarc,
    kind,
    member,
    provider,
    legend,
    svc="",
    companion=None,
    secondary=(),
    sampled=True,
):
    return Reason(
        key,
        category,
        carc,
        group,
        tuple(rarc.split()),
        kind,
        tuple(member),
        tuple(provider),
        legend,
        frozenset(svc.split()),
        companion,
        tuple(secondary),
        sampled,
    )


REASONS: list[Reason] = [
    # ---------------- prior authorization
    _r(
        "pa_absent",
        "prior_authorization",
        "197",
        "CO",
        "",
        "med",
        [
            "This service requires prior authorization, and we did not receive an authorization "
            "request before it was performed.",
            "Our records show no approval on file for this service before the date it was "
            "provided. Your plan requires approval in advance for this type of care.",
            "Your plan pays for {service} only when we approve it before you receive it. We did "
            "not find an approval.",
        ],
        [
            "Precertification was not obtained for the billed procedure.",
            "No authorization on file for this date of service.",
            "Service rendered without the advance approval required by the member's plan.",
        ],
        "Precertification/authorization absent",
        svc="proc imaging dme",
    ),
    _r(
        "pa_exceeded",
        "prior_authorization",
        "198",
        "CO",
        "N54",
        "med",
        [
            "Authorization {auth} approved {limit} visits. The visits billed after that number "
            "were not approved.",
            "The number of treatments you received is more than the number we approved in "
            "advance ({limit}).",
        ],
        [
            "Units billed exceed the units approved under authorization {auth}.",
            "Visits exceed the authorized number ({limit}); request an extension for further "
            "visits.",
        ],
        "Authorized number of visits/units exceeded",
        svc="therapy",
    ),
    _r(
        "pa_mismatch",
        "prior_authorization",
        "284",
        "CO",
        "N54",
        "med",
        [
            "An approval was on file, but it was for a different procedure than the one that was "
            "billed.",
            "Authorization {auth} does not match the service billed on this claim.",
        ],
        [
            "Authorization {auth} is valid but does not apply to procedure code {code}.",
            "Billed procedure does not match the procedure approved under reference {auth}.",
        ],
        "Authorization on file does not apply to the billed service",
        svc="proc imaging",
    ),
    _r(
        "pa_referral",
        "prior_authorization",
        "288",
        "CO",
        "",
        "med",
        [
            "Your HMO plan requires a referral from your primary care provider before you see a "
            "specialist. No referral was on file.",
            "Visits to a specialist are covered only with a referral from your primary care "
            "doctor. We did not have one for this visit.",
        ],
        ["Referral absent: member's HMO requires a PCP referral for specialty services."],
        "Referral absent",
        svc="proc therapy imaging em",
    ),
    _r(
        "pa_rx",
        "prior_authorization",
        None,
        None,
        "",
        "rx",
        [
            "Your plan requires prior authorization for {drug}. The pharmacy claim was rejected "
            "because no approval is on file.",
            "{drug} needs approval before the plan will pay for it. No approval request has been "
            "received from your prescriber.",
        ],
        ["Reject 75: prior authorization required for {drug}."],
        "Prior authorization required",
    ),
    # ---------------- medical necessity
    _r(
        "mn_lcd",
        "medical_necessity",
        "50",
        "CO",
        "N115",
        "med",
        [
            "The information provided does not support the need for this service under the local "
            "coverage rules that apply in your area.",
            "This service was not medically necessary based on the local coverage determination "
            "for this type of procedure.",
        ],
        [
            "Not medically necessary per the applicable LCD.",
            "Documentation does not meet LCD coverage indications for {code}.",
        ],
        "Not deemed medically necessary by the payer",
        svc="proc imaging",
    ),
    _r(
        "mn_general",
        "medical_necessity",
        "50",
        "CO",
        "N10",
        "med",
        [
            "Based on the information submitted, {service} is not medically necessary.",
            "A physician reviewer looked at your records and decided that {service} does not meet "
            "medical necessity criteria.",
        ],
        [
            "Services not medically necessary per medical review.",
            "Medical director review: medical necessity not established.",
        ],
        "Not medically necessary",
        svc="proc imaging therapy dme",
    ),
    _r(
        "mn_conservative",
        "medical_necessity",
        "272",
        "CO",
        "N661",
        "med",
        [
            "Guideline criteria were not met. The records do not show at least six weeks of "
            "conservative care, such as physical therapy or anti-inflammatory medicine, before "
            "the requested procedure.",
            "The records we received do not document a trial of home exercise, physical therapy "
            "or medicines before this procedure, as the plan's {guideline} guideline requires.",
        ],
        [
            "Coverage guidelines not met: no documented failed conservative care of 6 weeks or "
            "more.",
            "Criteria of {guideline} not satisfied (conservative therapy).",
        ],
        "Coverage guidelines were not met",
        svc="esi mri facet tpi",
    ),
    _r(
        "mn_axial",
        "medical_necessity",
        "50",
        "CO",
        "",
        "med",
        [
            "The notes describe back pain that does not spread into the leg. The plan's guideline "
            "supports this injection only for pain that follows a nerve root and matches the "
            "imaging findings.",
            "Your doctor's notes do not describe the nerve-root symptoms that the {guideline} "
            "guideline requires for this injection.",
        ],
        ["Axial pain without radicular findings; criteria for {code} not met."],
        "Not medically necessary",
        svc="esi",
    ),
    _r(
        "mn_rfa",
        "medical_necessity",
        "50",
        "CO",
        "N661",
        "med",
        [
            "Two diagnostic nerve blocks, each giving at least 80% pain relief, are needed before "
            "radiofrequency ablation. The records show only one block.",
            "The records show less than the required 80% relief after the test blocks, so the "
            "criteria for the nerve ablation were not met.",
        ],
        ["Dual diagnostic MBB with 80% relief not documented; RFA criteria not met."],
        "Not medically necessary",
        svc="rfa",
    ),
    _r(
        "mn_scs",
        "medical_necessity",
        "50",
        "CO",
        "N98",
        "med",
        [
            "A permanent stimulator is covered after a successful trial with at least half of the "
            "pain relieved. The trial notes show about 30% relief.",
            "The trial of spinal cord stimulation did not meet the success standard required by "
            "the plan before a permanent device.",
        ],
        ["Successful trial stimulation not documented prior to permanent implant."],
        "Not medically necessary",
        svc="scs",
    ),
    _r(
        "mn_frequency",
        "medical_necessity",
        "151",
        "CO",
        "",
        "med",
        [
            "The information submitted does not support this many injections within twelve months.",
            "The records do not support repeating this procedure so soon after the last one.",
        ],
        ["Frequency of service not supported by the documentation submitted."],
        "Information does not support this frequency of service",
        svc="esi tpi nerveblock",
    ),
    _r(
        "mn_rx",
        "medical_necessity",
        None,
        None,
        "",
        "rx",
        [
            "The diagnosis given for {drug} ({dx}) is not one for which the plan covers this drug. "
            "Coverage criteria were not met.",
            "The information from your prescriber did not show that you meet the plan's "
            "coverage criteria for {drug}.",
        ],
        ["Reject 80: drug-diagnosis criteria not met for {drug}."],
        "Coverage criteria not met",
    ),
    # ---------------- step therapy
    _r(
        "st_rx",
        "step_therapy",
        None,
        None,
        "",
        "rx",
        [
            "{drug} is covered only after you have tried {alt1} and {alt2}. Our records do not "
            "show that you have tried these drugs.",
            "Your plan has a step therapy rule for {drug}: you must first try {alt1}.",
            "Plan rules require that preferred alternatives be used first. We found no claims for "
            "{alt1} or {alt2} in the last 180 days.",
        ],
        ["Reject 608: step therapy, alternate drug therapy required ({alt1})."],
        "Step therapy required",
    ),
    _r(
        "st_med",
        "step_therapy",
        "B8",
        "CO",
        "N96",
        "med",
        [
            "Other treatments must be tried first. A stimulator is covered only after physical "
            "therapy, medicines and injections have not helped enough.",
            "Less invasive alternatives were available and should have been tried before this "
            "service.",
        ],
        [
            "Alternative services were available and should have been utilized.",
            "Patient not shown to be refractory to conventional therapy.",
        ],
        "Alternative services should have been used first",
        svc="scs ketamine",
    ),
    # ---------------- missing documentation
    _r(
        "md_records",
        "missing_documentation",
        "252",
        "CO",
        "M127",
        "med",
        [
            "We asked for the medical records for this service on {req_date} and did not receive "
            "them. We cannot pay the claim without them.",
            "We need your provider's records to decide this claim. We requested them on "
            "{req_date} but have not received them.",
        ],
        [
            "Medical records requested {req_date} not received.",
            "Attachment required to adjudicate: operative/procedure note.",
        ],
        "Documentation required to process the claim",
        svc="proc imaging",
    ),
    _r(
        "md_requested",
        "missing_documentation",
        "226",
        "CO",
        "N706",
        "med",
        [
            "Information we asked your provider for was not sent within 45 days.",
            "The claim was closed because the additional information we requested was not "
            "received.",
        ],
        [
            "Requested information not received within 45 days.",
            "Information requested from the rendering provider was not provided.",
        ],
        "Requested information was not provided",
        svc="proc therapy dme",
    ),
    _r(
        "md_pt",
        "missing_documentation",
        "252",
        "CO",
        "N465",
        "med",
        ["Therapy notes and a signed plan of care are needed for these visits and were not sent."],
        ["Missing physical therapy notes/plan of care.", "PT documentation not received."],
        "Therapy notes required",
        svc="pt",
    ),
    _r(
        "md_chiro",
        "missing_documentation",
        "16",
        "CO",
        "M122",
        "med",
        [
            "The claim did not include the spinal level being treated, which is needed to process "
            "it."
        ],
        ["Level of subluxation missing.", "Claim lacks information: subluxation level."],
        "Claim lacks information needed for processing",
        svc="chiro",
    ),
    _r(
        "md_tens",
        "missing_documentation",
        "16",
        "CO",
        "N343",
        "med",
        ["The dates of the one-month trial of the device were not on the claim."],
        ["TENS trial start date missing."],
        "Claim lacks information needed for processing",
        svc="tens",
    ),
    # ---------------- coding error
    _r(
        "ce_modifier",
        "coding_error",
        "4",
        "CO",
        "N822",
        "med",
        [
            "The claim was missing a billing code modifier that is required for this service. "
            "Your provider can correct and resend the claim.",
            "Your provider's claim had a billing error (a required modifier was missing).",
        ],
        [
            "Procedure code inconsistent with modifier used or required modifier missing.",
            "Missing modifier for {code}; submit corrected claim.",
        ],
        "Procedure code/modifier inconsistent or missing",
        svc="proc therapy",
    ),
    _r(
        "ce_bundled",
        "coding_error",
        "97",
        "CO",
        "N20",
        "med",
        [
            "Imaging guidance is included in the payment for the injection and is not paid "
            "separately."
        ],
        [
            "Service included in payment for another service on the same date.",
            "Bundled: {code} is not separately payable with the primary procedure.",
        ],
        "Included in the allowance for another service (bundled)",
        svc="fluoro",
        companion="62323",
    ),
    _r(
        "ce_npi",
        "coding_error",
        "16",
        "CO",
        "N290",
        "med",
        [
            "Your provider's claim was missing information about who performed the service. "
            "Your provider needs to send a corrected claim."
        ],
        [
            "Rendering provider NPI missing or invalid.",
            "Claim lacks information: rendering provider identifier.",
        ],
        "Claim lacks information or has billing errors",
        svc="proc therapy imaging em",
    ),
    _r(
        "ce_dx_mismatch",
        "coding_error",
        "11",
        "CO",
        "",
        "med",
        [
            "The diagnosis code on the claim ({dx}) does not match the procedure that was billed.",
            "The condition listed on the claim is not consistent with the procedure billed.",
        ],
        [
            "Diagnosis {dx} inconsistent with procedure {code}.",
            "Dx/procedure mismatch (region) - correct and resubmit.",
        ],
        "Diagnosis inconsistent with the procedure",
        svc="esi facet rfa",
    ),
    _r(
        "ce_specificity",
        "coding_error",
        "16",
        "CO",
        "M81",
        "med",
        [
            "The diagnosis on the claim was not coded with enough detail. Your provider can send a "
            "corrected claim."
        ],
        ["Diagnosis must be coded to the highest level of specificity."],
        "Claim lacks information or has billing errors",
        svc="proc therapy",
    ),
    _r(
        "ce_ncci",
        "coding_error",
        "236",
        "CO",
        "",
        "med",
        [
            "These two services cannot be billed together on the same day under national coding "
            "rules."
        ],
        [
            "NCCI procedure-to-procedure edit: combination not allowed same day.",
            "Code pair edit; modifier not appropriate.",
        ],
        "Code combination not allowed on the same day",
        svc="tpi nerveblock therapy",
    ),
    # ---------------- not covered
    _r(
        "nc_excluded",
        "not_covered",
        "204",
        "PR",
        "N130",
        "med",
        [
            "{service} is not a covered benefit under your plan.",
            "Your plan does not include benefits for {service}. See the exclusions section of "
            "your plan document.",
        ],
        [
            "Service not covered under the patient's current benefit plan.",
            "Non-covered benefit per plan exclusions.",
        ],
        "Not covered under the patient's benefit plan",
        svc="acu chiro tens",
    ),
    _r(
        "nc_statutory",
        "not_covered",
        "96",
        "CO",
        "N425",
        "med",
        [
            "Medicare does not cover this service for your condition.",
            "This service is not covered by law for the diagnosis on the claim.",
        ],
        ["Statutorily excluded service.", "Non-covered charge: excluded by statute."],
        "Non-covered charge",
        svc="acu chiro",
    ),
    _r(
        "nc_eoc",
        "not_covered",
        "96",
        "CO",
        "",
        "med",
        [
            "Your Evidence of Coverage lists this as a service we do not pay for (see "
            "'Services that are excluded').",
            "The Certificate of Coverage for your plan excludes {service}.",
        ],
        ["Non-covered charges per member contract."],
        "Non-covered charge",
        svc="acu chiro tens therapy",
    ),
    _r(
        "nc_formulary",
        "not_covered",
        None,
        None,
        "",
        "rx",
        [
            "{drug} is not on your plan's drug list (formulary). Covered drugs used for the same "
            "condition include {alt1} and {alt2}.",
            "We do not cover {drug} because it is not on our Drug List.",
        ],
        ["Reject MR: product not on formulary."],
        "Drug not on formulary",
    ),
    # ---------------- experimental / investigational
    _r(
        "ei_general",
        "experimental_investigational",
        "55",
        "CO",
        "N623",
        "med",
        [
            "{service} is considered experimental or investigational for your condition.",
            "There is not enough evidence in published medical studies to show that this "
            "treatment improves health outcomes for this condition.",
            "Our medical policy {policy} considers this procedure unproven for the diagnosis "
            "reported.",
        ],
        [
            "Experimental/investigational per medical policy {policy}.",
            "Investigational service; not covered.",
        ],
        "Experimental or investigational",
        svc="experimental",
    ),
    _r(
        "ei_unproven",
        "experimental_investigational",
        "56",
        "CO",
        "",
        "med",
        ["The plan does not consider this treatment proven to be effective for this condition."],
        ["Treatment not deemed proven to be effective by the payer."],
        "Not proven to be effective",
        svc="experimental",
    ),
    _r(
        "ei_offlabel",
        "experimental_investigational",
        None,
        None,
        "",
        "rx",
        [
            "{drug} is approved by the FDA for nerve pain after shingles. Use for {dx_desc} is "
            "off-label and is not covered under the plan's policy.",
            "Use of {drug} for this condition is considered investigational.",
        ],
        ["Off-label use not covered."],
        "Off-label use",
    ),
    # ---------------- benefit limit
    _r(
        "bl_visits",
        "benefit_limit",
        "119",
        "PR",
        "N640",
        "med",
        [
            "You have reached your plan's limit of {limit} visits per calendar year for this type "
            "of care.",
            "Benefits for this type of care were used up for this benefit year ({limit} visits).",
        ],
        [
            "Benefit maximum for this time period has been reached ({limit} visits).",
            "Annual visit limit met.",
        ],
        "Benefit maximum for the period reached",
        svc="therapy",
    ),
    _r(
        "bl_frequency",
        "benefit_limit",
        "119",
        "CO",
        "M90",
        "med",
        [
            "This service is covered once in a 12-month period. It was already paid within the "
            "last 12 months.",
            "Your plan covers no more than {limit} of these procedures per year, and that number "
            "was reached.",
        ],
        ["Frequency limitation exceeded.", "Not covered more than once in 12 months."],
        "Benefit maximum for the period reached",
        svc="esi rfa mri",
    ),
    _r(
        "bl_units",
        "benefit_limit",
        "273",
        "CO",
        "N362",
        "med",
        ["The number of units billed is more than the plan allows per day."],
        ["Units exceed plan maximum per date of service."],
        "Coverage guidelines exceeded",
        svc="pt acu",
    ),
    _r(
        "bl_quantity",
        "benefit_limit",
        None,
        None,
        "",
        "rx",
        [
            "The quantity requested ({qty} per 30 days) is more than your plan allows ({ql}).",
            "Your plan limits {drug} to {ql}. The prescription was for more than that.",
        ],
        ["Reject 76: plan limitations exceeded (quantity)."],
        "Quantity limit exceeded",
    ),
    # ---------------- out of network
    _r(
        "oon_general",
        "out_of_network",
        "242",
        "PR",
        "",
        "med",
        [
            "The provider who treated you is not in your plan's network. Your plan does not pay "
            "for out-of-network care except emergencies.",
            "{provider} is not a participating provider for your plan.",
        ],
        ["Services not provided by network providers.", "Provider is out of network."],
        "Services not provided by network providers",
        svc="proc therapy imaging em",
    ),
    _r(
        "oon_narrow",
        "out_of_network",
        "279",
        "PR",
        "",
        "med",
        [
            "Your plan uses a select network, and this provider is not part of it.",
            "This provider is outside the tiered network for your plan.",
        ],
        ["Services not provided by preferred network providers."],
        "Not a preferred network provider",
        svc="proc therapy imaging",
    ),
    # ---------------- timely filing
    _r(
        "tf_general",
        "timely_filing",
        "29",
        "CO",
        "",
        "med",
        [
            "We received this claim on {recv_date}, after the time limit for filing.",
            "This claim was submitted more than {tf_days} days after the date of service.",
        ],
        [
            "The time limit for filing has expired ({tf_days} days from DOS).",
            "Claim received {recv_date}; beyond filing limit.",
        ],
        "Time limit for filing has expired",
    ),
    # ---------------- duplicate
    _r(
        "dup_exact",
        "duplicate_claim",
        "18",
        "CO",
        "",
        "med",
        [
            "This is a copy of a claim we already processed (claim {orig_claim}).",
            "This claim duplicates claim {orig_claim}, processed on {orig_date}.",
        ],
        ["Exact duplicate of claim {orig_claim}.", "Duplicate claim/service."],
        "Exact duplicate claim/service",
    ),
    _r(
        "dup_paid",
        "duplicate_claim",
        "B13",
        "OA",
        "",
        "med",
        ["We already paid for this service on {orig_date}."],
        ["Previously paid on claim {orig_claim} ({orig_date})."],
        "Previously paid",
    ),
    # ---------------- eligibility
    _r(
        "el_termed",
        "eligibility",
        "27",
        "PR",
        "",
        "med",
        [
            "Your coverage ended on {term_date}. The service was provided after that date.",
            "Coverage was not in effect on the date of service; it ended {term_date}.",
        ],
        [
            "Expenses incurred after coverage terminated ({term_date}).",
            "Member coverage terminated.",
        ],
        "Expenses incurred after coverage ended",
    ),
    _r(
        "el_prior",
        "eligibility",
        "26",
        "PR",
        "",
        "med",
        ["Your coverage started on {eff_date}. The service was provided before that date."],
        ["Expenses incurred prior to coverage (effective {eff_date})."],
        "Expenses incurred before coverage began",
    ),
    _r(
        "el_notfound",
        "eligibility",
        "31",
        "CO",
        "N382",
        "med",
        [
            "We could not identify the patient as our member with the ID number on the claim.",
            "The member ID and name on the claim do not match our records.",
        ],
        ["Patient cannot be identified as our insured.", "Subscriber ID not on file."],
        "Patient cannot be identified as an insured",
    ),
    _r(
        "el_rx",
        "eligibility",
        None,
        None,
        "",
        "rx",
        [
            "Our records show your coverage ended on {term_date}, before the date this "
            "prescription was filled."
        ],
        ["Reject 65: patient not covered."],
        "Patient not covered",
    ),
    # ---------------- coordination of benefits
    _r(
        "cob_primary",
        "coordination_of_benefits",
        "22",
        "OA",
        "MA04",
        "med",
        [
            "Our records show you have other insurance that pays first. Please ask your provider "
            "to "
            "bill {other_payer} and then send us its explanation of benefits.",
            "Another plan is primary for this member. Submit the primary plan's EOB.",
        ],
        [
            "This care may be covered by another payer per coordination of benefits.",
            "Other insurance primary - primary EOB required.",
        ],
        "Another payer may be primary",
    ),
    _r(
        "cob_wc",
        "coordination_of_benefits",
        "19",
        "CO",
        "",
        "med",
        [
            "This injury appears to be related to your work. The workers' compensation carrier "
            "should pay for this care first.",
            "Our records show this condition is work-related; bill the employer's workers' "
            "compensation carrier.",
        ],
        ["Work-related injury: liability of the workers' compensation carrier."],
        "Work-related injury; bill the workers' compensation carrier",
    ),
    _r(
        "cob_wrongpayer",
        "coordination_of_benefits",
        "109",
        "CO",
        "N418",
        "med",
        ["This claim was sent to the wrong plan. Your provider should send it to {other_payer}."],
        ["Not covered by this payer; send claim to the correct payer."],
        "Submit the claim to the correct payer",
    ),
]
REASONS_BY_CAT: dict[str, list[Reason]] = {}
for _reason in REASONS:
    REASONS_BY_CAT.setdefault(_reason.category, []).append(_reason)

# the result contract's categories, in its order
CATEGORIES = [c.value for c in Category]

# Payment-adjustment legends (non-denials).
PAYMENT_LEGEND = {
    "45": "Charge exceeds the fee schedule or contracted amount",
    "1": "Deductible amount",
    "2": "Coinsurance amount",
    "3": "Copay amount",
    "253": "Sequestration reduction",
}

RARC_LEGEND = {
    "N54": "Claim does not match the services that were authorized",
    "N115": "Decision based on a Local Coverage Determination",
    "N10": "Decision based on review by a medical advisor",
    "N661": "Records do not support that the service was medically necessary",
    "N98": "A successful test stimulation is required before permanent implantation",
    "N96": "Patient must be shown to be refractory to conventional therapy",
    "M127": "Medical record for this service is missing",
    "N706": "Documentation missing",
    "N465": "Physical therapy notes or report missing",
    "M122": "Level of subluxation missing or invalid",
    "N343": "TENS trial start date missing or invalid",
    "N822": "Procedure modifier missing",
    "N20": "Not payable with another service on the same date",
    "N290": "Rendering provider identifier missing or invalid",
    "M81": "Code to the highest level of specificity",
    "N130": "See plan benefit documents for restrictions",
    "N425": "Excluded by statute",
    "N623": "Not covered when considered unproven or experimental",
    "N640": "Exceeds the number or frequency allowed in the period",
    "M90": "Not covered more than once in 12 months",
    "N362": "Days or units of service exceed the acceptable maximum",
    "N382": "Patient identifier missing or invalid",
    "MA04": "Secondary payment cannot be considered without the primary payer's information",
    "N418": "Misrouted claim; see the payer's submission instructions",
    "N1": "You may appeal this decision in writing within the required time limits",
    "MA01": "If you disagree with this determination you may appeal",
}

TAGLINES = [
    "ATENCION: si habla español, tiene a su disposición servicios de idiomas sin costo. "
    "Llame al número que aparece en su tarjeta.",
    "ATTENTION : si vous parlez français, une aide linguistique gratuite est disponible. "
    "Appelez le numéro figurant sur votre carte.",
    "ATENÇÃO: se fala português, pode obter ajuda com o idioma sem custo. Ligue para o "
    "número no seu cartão.",
    "ATTENZIONE: se parla italiano, può ricevere assistenza linguistica gratuita. Chiami il "
    "numero sulla tessera.",
    "HINWEIS: Wenn Sie Deutsch sprechen, erhalten Sie kostenlose Hilfe in Ihrer Sprache. "
    "Rufen Sie die Nummer auf Ihrer Karte an.",
    "PAUNAWA: Kung nagsasalita ka ng Tagalog, may libreng tulong sa wika para sa iyo. "
    "Tawagan ang numero sa iyong card.",
    "ATANSYON: Si w pale Kreyòl Ayisyen, gen èd gratis nan lang ou. Rele nimewo ki sou kat ou a.",
]

# Pre-service (request) reasons: usable only where a request, not a claim, is decided.
REASONS += [
    _r(
        "pa_late",
        "prior_authorization",
        None,
        None,
        "",
        "pre",
        [
            "The request was received after the service had already been provided. Your plan does "
            "not allow approval after the fact for this service.",
            "Approval must be requested before the service. This request arrived after the "
            "procedure date, so it could not be approved.",
        ],
        ["Retrospective request not accepted; precertification must precede the service."],
        "Precertification not requested in time",
        svc="proc imaging",
    ),
    _r(
        "md_pre",
        "missing_documentation",
        None,
        None,
        "",
        "pre",
        [
            "We asked your doctor for office notes and imaging reports on {req_date}. We did not "
            "receive them, so we could not approve the request.",
            "We did not get the clinical information we need to make a decision. Your doctor may "
            "send it with a new request.",
        ],
        ["Clinical information requested {req_date} not received; unable to certify."],
        "Clinical information not received",
        svc="proc imaging therapy",
    ),
    _r(
        "oon_pre",
        "out_of_network",
        None,
        None,
        "",
        "pre",
        [
            "The provider named in the request is not in your plan's network, and in-network "
            "providers who perform this service are available near you.",
            "Your plan covers this service only from network providers. The requested facility "
            "is not in the network.",
        ],
        ["Requested servicing provider is non-participating; in-network alternatives exist."],
        "Provider not in network",
        svc="proc imaging therapy",
    ),
]
for _reason in REASONS[-3:]:
    REASONS_BY_CAT.setdefault(_reason.category, []).append(_reason)

# Claim-side reasons whose member wording also reads correctly for a pre-service request.
PRE_OK = {
    "mn_lcd",
    "mn_general",
    "mn_conservative",
    "mn_axial",
    "mn_rfa",
    "mn_scs",
    "mn_frequency",
    "ei_general",
    "ei_unproven",
    "st_med",
    "bl_visits",
    "bl_frequency",
    "nc_excluded",
    "nc_eoc",
    "pa_late",
    "md_pre",
    "oon_pre",
}

GUIDELINES = [
    "Interventional Spine Procedures ISP-204",
    "Advanced Imaging of the Spine AIS-12",
    "Chronic Pain Management CPM-7",
    "Neuromodulation Devices NMD-3",
    "Outpatient Rehabilitation Services ORS-18",
]


# On-request reasons: code combinations the next-step playbooks refine on, generated only
# when asked for by key (``pipeline.corpus.generate_document(..., reason=KEY)``). They are
# not drawn at random, so the corpora of existing seeds stay byte-identical.
ON_REQUEST: list[Reason] = [
    _r(
        "md_info_missing",
        "missing_documentation",
        "16",
        "CO",
        "N706",
        "med",
        [
            "We could not finish processing this claim because the records we need from your "
            "provider did not arrive. Your provider can send them to us.",
            "Your provider's notes for {service} are needed before we can decide this claim. "
            "We have not received them.",
        ],
        [
            "Claim lacks information needed for adjudication: documentation supporting the "
            "billed service was not received.",
            "Supporting documentation for procedure {code} was not received; resubmit it with "
            "a copy of this notice.",
        ],
        "Claim lacks information; documentation not received",
        svc="proc imaging therapy",
        sampled=False,
    ),
    _r(
        "ce_unprocessable",
        "coding_error",
        "16",
        "CO",
        "MA130 M51",
        "med",
        [
            "Your provider's claim was missing required information, so we could not process "
            "it. Your provider needs to send a new, complete claim. This is not a decision you "
            "can appeal.",
        ],
        [
            "Claim unprocessable: procedure code missing or invalid on the claim. No appeal "
            "rights are afforded; submit a new claim with complete and correct information.",
            "Incomplete claim returned as unprocessable (procedure code invalid). Send a new "
            "claim; this action cannot be appealed.",
        ],
        "Unprocessable claim; submit a new claim",
        svc="proc therapy",
        sampled=False,
    ),
    _r(
        "ce_dx_lcd",
        "coding_error",
        "11",
        "CO",
        "N115",
        "med",
        [
            "The diagnosis on the claim is not one the Medicare coverage policy for {service} "
            "lists as covered.",
        ],
        [
            "Diagnosis {dx} is not a covered indication for {code} under the Local Coverage "
            "Determination.",
            "Diagnosis inconsistent with the procedure per the applicable Local Coverage "
            "Determination.",
        ],
        "Diagnosis inconsistent with the procedure under the local coverage policy",
        svc="esi facet rfa",
        sampled=False,
    ),
    _r(
        "oon_nsa",
        "out_of_network",
        "242",
        "CO",
        "N859",
        "med",
        [
            "The provider who treated you is outside your plan's network but worked at an "
            "in-network facility. Federal surprise billing protections apply: you owe only your "
            "in-network share, and the provider may not bill you for the rest.",
        ],
        [
            "Non-participating provider at a participating facility: processed under the federal "
            "No Surprises Act. The adjusted amount may not be billed to the patient; payment may "
            "be disputed through open negotiation.",
        ],
        "Out-of-network service processed under the No Surprises Act",
        svc="proc imaging",
        sampled=False,
    ),
    _r(
        "mn_upheld",
        "medical_necessity",
        "193",
        "CO",
        "N10",
        "med",
        [
            "We reviewed your appeal and are keeping our original decision: the records do not "
            "show that {service} was medically necessary for you.",
        ],
        [
            "Reconsideration completed: the original determination is upheld. The records "
            "submitted do not establish medical necessity for {code} under {guideline}.",
            "Original denial maintained on review; medical necessity for {code} not supported "
            "by the documentation received.",
        ],
        "Original decision maintained on review",
        svc="proc imaging",
        sampled=False,
    ),
    _r(
        "pend_review",
        "not_a_denial",
        "133",
        "OA",
        "",
        "med",
        [
            "This claim is still being reviewed. We have not made a payment decision yet, and "
            "you do not need to do anything now.",
        ],
        [
            "Service line pended for further review; no payment determination has been made. "
            "Do not resubmit.",
        ],
        "Pending further review; not a final decision",
        sampled=False,
    ),
]
REASONS += ON_REQUEST
for _reason in ON_REQUEST:
    REASONS_BY_CAT.setdefault(_reason.category, []).append(_reason)
RARC_LEGEND.update(
    {
        "MA130": "Claim unprocessable; no appeal rights; submit a new claim",
        "M51": "Procedure code missing or invalid",
        "N859": "Processed under the federal No Surprises Act; payment may be disputed",
    }
)

REASON_BY_KEY: dict[str, Reason] = {r.key: r for r in REASONS}
