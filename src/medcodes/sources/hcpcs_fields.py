"""Decoding tables of the coded fields of the CMS Alpha-Numeric HCPCS file.

Transcribed from the CMS record layout "HCPCS Contractor Record - 2026" (RIF report as of
11/12/2025, `HCPC2026_recordlayout.txt`); section numbers below are that layout's. The 2017, 2018
and 2019 layouts (`HCPCS17/18/2019_recordlayout.txt`) have the same positions and the same tables,
less two later additions marked "(eff 1/1/2024)" (pricing indicator 40, BETOS O1L). Wording is the
layout's, with line wraps joined and "e.G." written "e.g.".

`FIELD_TABLES` maps each coded field (named as in the CMS `.xlsx` header) to its table. Fields
not in it are free-form (manual and statute references, cross-reference codes, processing-note
numbers, dates, anesthesia base units) and are kept raw.
"""

from __future__ import annotations

# Section 9, HCPCS Pricing Indicator Code (PRICE1-PRICE4, columns 120-127).
PRICING_INDICATOR: dict[str, str] = {
    "00": (
        "Service not separately priced by part B (e.g., services not covered, bundled, "
        "used by part A only, etc.)"
    ),
    # Physician fee schedule and non-physician practitioners linked to the physician fee schedule
    "11": "Price established using national rvu's",
    "12": "Price established using national anesthesia base units",
    "13": (
        "Price established by carriers (e.g., not otherwise classified, individual "
        "determination, carrier discretion)"
    ),
    # Clinical lab fee schedule
    "21": "Price subject to national limitation amount",
    "22": "Price established by carriers (e.g., gap-fills, carrier established panels)",
    # Durable medical equipment, prosthetics, orthotics, supplies and surgical dressings
    "31": "Frequently serviced DME (price subject to floors and ceilings)",
    "32": "Inexpensive & routinely purchased DME (price subject to floors and ceilings)",
    "33": "Oxygen and oxygen equipment (price subject to floors and ceilings)",
    "34": "DME supplies (price subject to floors and ceilings)",
    "35": "Surgical dressings (price subject to floors and ceilings)",
    "36": "Capped rental DME (price subject to floors and ceilings)",
    "37": "Ostomy, tracheostomy and urological supplies (price subject to floors and ceilings)",
    "38": (
        "Orthotics, prosthetics, prosthetic devices & vision services (price subject to floors "
        "and ceilings)"
    ),
    "39": "Parenteral and Enteral Nutrition",
    "40": "Lymphedema Compression Treatment Items (eff 1/1/2024)",
    "45": "Customized DME items",
    "46": (
        "Carrier priced (e.g., not otherwise classified, individual determination, carrier "
        "discretion, gap-filled amounts)"
    ),
    # Other
    "51": "Drugs",
    "52": "Reasonable charge",
    "53": "Statute",
    "54": "Vaccinations",
    "55": "Splints and Casts (effec 10/1/2014)",
    "56": "IOL's inserted in a physician's office (eff 10/1/2014)",
    "57": "Other carrier priced",
    "99": "Value not established",
}

# Section 10, HCPCS Multiple Pricing Indicator Code (MULT_PI, column 128).
MULTIPLE_PRICING_INDICATOR: dict[str, str] = {
    "9": (
        "Not applicable as HCPCS not priced separately by part B (pricing indicator is 00) "
        "or value is not established (pricing indicator is 99)"
    ),
    "A": "Not applicable as HCPCS priced under one methodology",
    "B": (
        "Professional component of HCPCS priced using RVU's, while technical component and "
        "global service priced by Medicare part B carriers"
    ),
    "C": (
        "Physician interpretation of clinical lab service is priced under physician fee schedule "
        "using RVU's, while pricing of lab service is paid under clinical lab fee schedule"
    ),
    "D": (
        "Service performed by physician is priced under physician fee schedule using RVU's, "
        "while service performed by clinical psychologist is priced under clinical psychologist "
        "fee schedule (not applicable as of January 1, 1998)"
    ),
    "E": (
        "Service performed by physician is priced under physician fee schedule using RVU's, "
        "service performed by clinical psychologist is priced under clinical psychologist's fee "
        "schedule and service performed by clinical social worker is priced under clinical "
        "social worker fee schedule (not applicable as of January 1, 1998)"
    ),
    "F": (
        "Service performed by physician is priced under physician fee schedule by carriers, "
        "service performed by clinical psychologist is priced under clinical psychologist's fee "
        "schedule and service performed by clinical social worker is priced under clinical "
        "social worker fee schedule (not applicable as of January 1, 1998)"
    ),
    "G": (
        "Clinical lab service priced under reasonable charge when service is submitted on claim "
        "with blood products, while service is priced under clinical lab fee schedule when there "
        "are no blood products on claim"
    ),
}

# Section 14, HCPCS Lab Certification Code (LABCERT1-LABCERT8, columns 181-204).
# Subgroups (e.g. 110) belong to the general category above them (e.g. 100).
LAB_CERTIFICATION: dict[str, str] = {
    "010": "Histocompatibility testing",
    "100": "Microbiology",
    "110": "Bacteriology",
    "115": "Mycobacteriology",
    "120": "Mycology",
    "130": "Parasitology",
    "140": "Virology",
    "150": "Other microbiology",
    "200": "Diagnostic immunology",
    "210": "Syphilis serology",
    "220": "General immunology",
    "300": "Chemistry",
    "310": "Routine chemistry",
    "320": "Urinalysis",
    "330": "Endocrinology",
    "340": "Toxicology",
    "350": "Other chemistry",
    "400": "Hematology",
    "500": "Immunohematology",
    "510": "Abo group & RH type",
    "520": "Antibody detection (transfusion)",
    "530": "Antibody detection (nontransfusion)",
    "540": "Antibody identification",
    "550": "Compatibility testing",
    "560": "Other immunohematology",
    "600": "Pathology",
    "610": "Histopathology",
    "620": "Oral pathology",
    "630": "Cytology",
    "800": "Radiobioassay",
    "900": "Clinical cytogenetics",
}

# Section 16, HCPCS Coverage Code (COV, column 230).
COVERAGE: dict[str, str] = {
    "C": "Carrier judgment",
    "D": "Special coverage instructions apply",
    "I": "Not payable by Medicare",
    "M": "Non-covered by Medicare",
    "S": "Non-covered by Medicare statute",
}

# Section 17, HCPCS ASC Payment Group Code (ASC_GRP, columns 231-232); blank = not approved for ASC.
ASC_PAYMENT_GROUP: dict[str, str] = {
    "YY": "Approved to be performed in an ambulatory surgical center",
}

# Section 19, HCPCS MOG (Medicare outpatient groups) Payment Group Code (OPPS, columns 241-243).
# Blank in every release 2017-2026; the table is kept so that a file that fills it decodes.
MOG_PAYMENT_GROUP: dict[str, str] = {
    "000": "No MOG applies",
    # Integumentary
    "102": "Level II needle biopsy/aspiration",
    "112": "Level II incision and drainage",
    "132": "Level II debridement/destruction",
    "142": "Level II excision/biopsy",
    "143": "Level III excision/biopsy",
    "151": "Level I skin repair",
    "152": "Level II skin repair",
    "153": "Level III skin repair",
    "160": "Incision/excision breast",
    "169": "Breast reconstruction/mastectomy",
    # Musculoskeletal
    "201": "Level I skull and facial bone procedures",
    "202": "Level II skull and facial bone procedures",
    "211": "Level I hand musculoskeletal procedures",
    "212": "Level II hand musculoskeletal procedures",
    "221": "Level I foot musculoskeletal procedures",
    "222": "Level II foot musculoskeletal procedures",
    "231": "Level I musculoskeletal procedures",
    "232": "Level II musculoskeletal procedures",
    "233": "Level III musculoskeletal procedures",
    "241": "Level I arthroscopy",
    "242": "Level II arthroscopy",
    "260": "Closed treatment fracture finger/toe/trunk",
    "269": "Closed treatment fracture/dislocation/except finger/toe/trunk",
    "270": "Open/percutaneous treatment fracture or dislocation",
    "279": "Bone/joint manipulation under anesthesia",
    "280": "Bunion procedures",
    "289": "Arthroplasty",
    "290": "Arthroplasty with prosthesis",
    # ENT/Respiratory/Cardiovascular/Lymphatic/Endocrine
    "302": "Level II ENT procedures",
    "303": "Level III ENT procedures",
    "304": "Level IV ENT procedures",
    "309": "Implantation of cochlear device (ASC rate does not include cost of implant)",
    "310": "Nasal cauterization/packing",
    "319": "Tonsil/adenoid procedures",
    "322": "Level II endoscopy upper airway",
    "323": "Level III endoscopy upper airway",
    "329": "Endoscopy lower airway",
    "330": "Thoracentesis/lavage procedures",
    "350": "Placement transvenous caths/cutdown",
    "359": "Removal/revision, pacemaker/vascular device",
    "360": "Vascular ligation",
    "369": "Vascular repair/fistula construction",
    "370": "Lymph node excisions",
    "379": "Thyroid/lymphadenectomy procedures",
    # Digestive
    "400": "Esophageal dilation without endoscopy",
    "410": "Esophagoscopy",
    "421": "Level I upper GI endoscopy/intubation",
    "422": "Level II upper GI endoscopy/intubation",
    "429": "Lower GI endoscopy",
    "430": "Anoscopy and diagnostic sigmoidoscopy",
    "439": "Therapeutic proctosigmoidoscopy",
    "440": "Small intestine endoscopy",
    "449": "Percutaneous biliary endoscopic procedures",
    "450": "Endoscopic retrograde cholangio-pancreatography (ERCP)",
    "460": "Hernia/hydrocele procedures",
    "472": "Level II anal/rectal procedures",
    "473": "Level III anal/rectal procedures",
    "480": "Peritoneal and abdominal procedures",
    "490": "Tube procedures",
    # Urinary/Genital
    "501": "Level I laparoscopy",
    "502": "Level II laparoscopy",
    "509": "Lithotripsy",
    "511": "Level I cystourethroscopy and other genitourinary procedures",
    "512": "Level II cystourethroscopy and other genitourinary procedures",
    "513": "Level III cystourethroscopy and other genitourinary procedures",
    "521": "Level I urethral procedures",
    "522": "Level II urethral procedures",
    "530": "Circumcision",
    "539": "Penile procedures",
    "540": "Insertion of penile prosthesis (ASC rate does include cost of implant)",
    "549": "Testes/epididymis procedures",
    "550": "Prostrate biopsy",
    "562": "Level II female reproductive procedures",
    "563": "Level III female reproductive procedures",
    "570": "Surgical hysteroscopy",
    "579": "D & C",
    "580": "Spontaneous abortion",
    "589": "Therapeutic abortion",
    # Nervous/Eye
    "602": "Level II nervous system injections",
    "609": "Revision/removal neurological device",
    "610": "Implantation of neurostimulator electrodes (ASC rate does not include cost of implant)",
    "619": "Implantation of neurological devices (asc rate does not include cost of implant)",
    "621": "Level I nerve procedures",
    "622": "Level II nerve procedures",
    "629": "Spinal tap",
    "639": "Laser eye procedures except retinal",
    "640": "Cataract procedures",
    "649": "Cataract procedures with IOL insert (includes $150 insert)",
    "651": "Level I anterior segment eye procedures",
    "652": "Level II anterior segment eye procedures",
    "659": "Corneal transplant (ASC rate includes price of transplant)",
    "660": "Posterior segment eye procedures",
    "669": "Strabismus/muscle procedures",
    "673": "Level III eye procedure",
    "674": "Level IV eye procedure",
    "680": "Vitrectomy",
    "689": "Implantation/replacement of intraitreal drug",
}

# Section 20, HCPCS MOG Payment Policy Indicator (OPPS_PI, column 244). Blank 2017-2026.
MOG_PAYMENT_POLICY_INDICATOR: dict[str, str] = {
    "1": "ASC covered procedure",
    "2": "Bundled service/no separate payment",
    "3": "Excluded from ASC list",
    "4": "Invalid code/90 day grace period",
    "6": "Separate payment when furnished in an ASC",
    "7": "ASC restricted coverage procedure",
    "9": "ASC payment not applicable",
}

# Section 23, HCPCS Berenson-Eggers Type Of Service Code (BETOS, columns 257-259): appendix
# BETOS_TB. Two-character codes (M3, M6, P0, Y1, Y2, Z1, Z2) are stored here without the pad.
BETOS: dict[str, str] = {
    "D1A": "Medical/surgical supplies",
    "D1B": "Hospital beds",
    "D1C": "Oxygen and supplies",
    "D1D": "Wheelchairs",
    "D1E": "Other DME",
    "D1F": "Prosthetic/Orthotic devices",
    "D1G": "Drugs Administered through DME",
    "I1A": "Standard imaging - chest",
    "I1B": "Standard imaging - musculoskeletal",
    "I1C": "Standard imaging - breast",
    "I1D": "Standard imaging - contrast gastrointestinal",
    "I1E": "Standard imaging - nuclear medicine",
    "I1F": "Standard imaging - other",
    "I2A": "Advanced imaging - CAT/CT/CTA: brain/head/neck",
    "I2B": "Advanced imaging - CAT/CT/CTA: other",
    "I2C": "Advanced imaging - MRI/MRA: brain/head/neck",
    "I2D": "Advanced imaging - MRI/MRA: other",
    "I3A": "Echography/ultrasonography - eye",
    "I3B": "Echography/ultrasonography - abdomen/pelvis",
    "I3C": "Echography/ultrasonography - heart",
    "I3D": "Echography/ultrasonography - carotid arteries",
    "I3E": "Echography/ultrasonography - prostate, transrectal",
    "I3F": "Echography/ultrasonography - other",
    "I4A": "Imaging/procedure - heart including cardiac catheterization",
    "I4B": "Imaging/procedure - other",
    "M1A": "Office visits - new",
    "M1B": "Office visits - established",
    "M2A": "Hospital visit - initial",
    "M2B": "Hospital visit - subsequent",
    "M2C": "Hospital visit - critical care",
    "M3": "Emergency room visit",
    "M4A": "Home visit",
    "M4B": "Nursing home visit",
    "M5A": "Specialist - pathology",
    "M5B": "Specialist - psychiatry",
    "M5C": "Specialist - opthamology",
    "M5D": "Specialist - other",
    "M6": "Consultations",
    "O1A": "Ambulance",
    "O1B": "Chiropractic",
    "O1C": "Enteral and parenteral",
    "O1D": "Chemotherapy",
    "O1E": "Other drugs",
    "O1F": "Hearing and speech services",
    "O1G": "Immunizations/Vaccinations",
    "O1L": "Lymphedema Compression Treatment Items (eff 1/1/2024)",
    "P0": "Anesthesia",
    "P1A": "Major procedure - breast",
    "P1B": "Major procedure - colectomy",
    "P1C": "Major procedure - cholecystectomy",
    "P1D": "Major procedure - turp",
    "P1E": "Major procedure - hysterectomy",
    "P1F": "Major procedure - explor/decompr/excisdisc",
    "P1G": "Major procedure - other",
    "P2A": "Major procedure, cardiovascular-CABG",
    "P2B": "Major procedure, cardiovascular-Aneurysm repair",
    "P2C": "Major Procedure, cardiovascular-Thromboendarterectomy",
    "P2D": "Major procedure, cardiovascualr-Coronary angioplasty (PTCA)",
    "P2E": "Major procedure, cardiovascular-Pacemaker insertion",
    "P2F": "Major procedure, cardiovascular-Other",
    "P3A": "Major procedure, orthopedic - Hip fracture repair",
    "P3B": "Major procedure, orthopedic - Hip replacement",
    "P3C": "Major procedure, orthopedic - Knee replacement",
    "P3D": "Major procedure, orthopedic - other",
    "P4A": "Eye procedure - corneal transplant",
    "P4B": "Eye procedure - cataract removal/lens insertion",
    "P4C": "Eye procedure - retinal detachment",
    "P4D": "Eye procedure - treatment of retinal lesions",
    "P4E": "Eye procedure - other",
    "P5A": "Ambulatory procedures - skin",
    "P5B": "Ambulatory procedures - musculoskeletal",
    "P5C": "Ambulatory procedures - inguinal hernia repair",
    "P5D": "Ambulatory procedures - lithotripsy",
    "P5E": "Ambulatory procedures - other",
    "P6A": "Minor procedures - skin",
    "P6B": "Minor procedures - musculoskeletal",
    "P6C": "Minor procedures - other (Medicare fee schedule)",
    "P6D": "Minor procedures - other (Non-Medicare fee schedule)",
    "P7A": "Oncology - radiation therapy",
    "P7B": "Oncology - other",
    "P8A": "Endoscopy - arthroscopy",
    "P8B": "Endoscopy - upper gastrointestinal",
    "P8C": "Endoscopy - sigmoidoscopy",
    "P8D": "Endoscopy - colonoscopy",
    "P8E": "Endoscopy - cystoscopy",
    "P8F": "Endoscopy - bronchoscopy",
    "P8G": "Endoscopy - laparoscopic cholecystectomy",
    "P8H": "Endoscopy - laryngoscopy",
    "P8I": "Endoscopy - other",
    "P9A": "Dialysis services (Medicare fee schedule)",
    "P9B": "Dialysis services (Non-Medicare fee schedule)",
    "T1A": "Lab tests - routine venipuncture (Non-Medicare fee schedule)",
    "T1B": "Lab tests - automated general profiles",
    "T1C": "Lab tests - urinalysis",
    "T1D": "Lab tests - blood counts",
    "T1E": "Lab tests - glucose",
    "T1F": "Lab tests - bacterial cultures",
    "T1G": "Lab tests - other (Medicare fee schedule)",
    "T1H": "Lab tests - other (Non-Medicare fee schedule)",
    "T2A": "Other tests - electrocardiograms",
    "T2B": "Other tests - cardiovascular stress tests",
    "T2C": "Other tests - EKG monitoring",
    "T2D": "Other tests - other",
    "Y1": "Other - Medicare fee schedule",
    "Y2": "Other - Non-Medicare fee schedule",
    "Z1": "Local codes",
    "Z2": "Undefined codes",
}

# Section 25, HCPCS Type Of Service Code (TOS1-TOS5, columns 261-265): appendix CMS_TYPE_SRVC_TB.
TYPE_OF_SERVICE: dict[str, str] = {
    "1": "Medical care",
    "2": "Surgery",
    "3": "Consultation",
    "4": "Diagnostic radiology",
    "5": "Diagnostic laboratory",
    "6": "Therapeutic radiology",
    "7": "Anesthesia",
    "8": "Assistant at surgery",
    "9": "Other medical items or services",
    "0": "Whole blood only eff 01/96, whole blood or packed red cells before 01/96",
    "A": "Used durable medical equipment (DME)",
    "B": "High risk screening mammography (obsolete 1/1/98)",
    "C": "Low risk screening mammography (obsolete 1/1/98)",
    "D": "Ambulance (eff 04/95)",
    "E": "Enteral/parenteral nutrients/supplies (eff 04/95)",
    "F": "Ambulatory surgical center (facility usage for surgical services)",
    "G": "Immunosuppressive drugs",
    "H": "Hospice services (discontinued 01/95)",
    "I": "Purchase of DME (installment basis) (discontinued 04/95)",
    "J": "Diabetic shoes (eff 04/95)",
    "K": "Hearing items and services (eff 04/95)",
    "L": "ESRD supplies (eff 04/95) (renal supplier in the home before 04/95)",
    "M": "Monthly capitation payment for dialysis",
    "N": "Kidney donor",
    "P": "Lump sum purchase of DME, prosthetics, orthotics",
    "Q": "Vision items or services",
    "R": "Rental of DME",
    "S": "Surgical dressings or other medical supplies (eff 04/95)",
    "T": "Psychological therapy (term. 12/31/97) outpatient mental health limitation (eff. 1/1/98)",
    "U": "Occupational therapy",
    "V": (
        "Pneumococcal/flu vaccine (eff 01/96), Pneumococcal/flu/hepatitis B vaccine "
        "(eff 04/95-12/95), Pneumococcal only before 04/95"
    ),
    "W": "Physical therapy",
    "Y": "Second opinion on elective surgery (obsoleted 1/97)",
    "Z": "Third opinion on elective surgery (obsoleted 1/97)",
}

# Section 30, HCPCS Action Code (ACTION_CD, column 293).
ACTION_CODE: dict[str, str] = {
    "A": "Add procedure or modifier code",
    "B": (
        "Change in both administrative data field and long description of procedure or "
        "modifier code"
    ),
    "C": "Change in long description of procedure or modifier code",
    "D": "Discontinue procedure or modifier code",
    "F": "Change in administrative data field of procedure or modifier code",
    "N": "No maintenance for this code",
    "P": (
        "Payment change (MOG, pricing indicator codes, anesthesia base units, "
        "Ambulatory Surgical Centers)"
    ),
    "R": "Re-activate discontinued/deleted procedure or modifier code",
    "S": "Change in short description of procedure code",
    "T": "Miscellaneous change (BETOS, type of service)",
}

FIELD_TABLES: dict[str, dict[str, str]] = {
    **{f"PRICE{n}": PRICING_INDICATOR for n in range(1, 5)},
    "MULT_PI": MULTIPLE_PRICING_INDICATOR,
    **{f"LABCERT{n}": LAB_CERTIFICATION for n in range(1, 9)},
    "COV": COVERAGE,
    "ASC_GRP": ASC_PAYMENT_GROUP,
    "OPPS": MOG_PAYMENT_GROUP,
    "OPPS_PI": MOG_PAYMENT_POLICY_INDICATOR,
    "BETOS": BETOS,
    **{f"TOS{n}": TYPE_OF_SERVICE for n in range(1, 6)},
    "ACTION_CD": ACTION_CODE,
}
