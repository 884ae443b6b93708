-- medcodes catalog schema. One file per build; read-only when served.
PRAGMA foreign_keys = ON;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The manifest: every official file the build read.
CREATE TABLE sources (
    name           TEXT PRIMARY KEY,   -- kind-release, e.g. icd10cm-order-FY2027
    kind           TEXT NOT NULL,
    release        TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    file           TEXT NOT NULL,      -- path relative to the sources folder
    sha256         TEXT NOT NULL,
    rows           INTEGER NOT NULL,   -- records parsed from the file
    url            TEXT NOT NULL
);

-- Code-set releases per system with their counts (what `medcodes info` prints).
CREATE TABLE releases (
    system         TEXT NOT NULL,
    release        TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    codes          INTEGER NOT NULL,   -- entries in the release (billable + headers)
    billable       INTEGER NOT NULL,
    is_current     INTEGER NOT NULL,
    PRIMARY KEY (system, release)
);

CREATE TABLE codes (
    id              INTEGER PRIMARY KEY,
    system          TEXT NOT NULL,     -- HCPCS, HCPCS-MOD, ICD10CM, ICD10PCS
    code            TEXT NOT NULL,     -- official form: E11.9, J9039, 0DTJ4ZZ, E08-E13
    code_key        TEXT NOT NULL,     -- lookup form: E119
    kind            TEXT NOT NULL,     -- chapter, section, category, subcategory, code, body-system, table, group, modifier
    short_title     TEXT NOT NULL,
    long_title      TEXT NOT NULL,
    billable        INTEGER NOT NULL,  -- 1 = valid for claims; 0 = header/grouping
    parent_id       INTEGER REFERENCES codes(id),
    depth           INTEGER NOT NULL,
    sort_key        INTEGER NOT NULL,  -- official order within the system
    status          TEXT NOT NULL,     -- active, terminated
    first_release   TEXT,              -- oldest ingested release holding the code
    last_release    TEXT,              -- newest ingested release holding the code
    added_date      TEXT,              -- official add date where the source states one
    terminated_date TEXT,              -- last day the code was valid
    title_source    TEXT NOT NULL,     -- sources.name the titles come from
    UNIQUE (system, code)
);
CREATE INDEX codes_key ON codes (code_key);
CREATE INDEX codes_parent ON codes (parent_id, sort_key);
CREATE INDEX codes_sort ON codes (system, sort_key);

-- HCPCS administrative fields, decoded into words from the record layout.
CREATE TABLE hcpcs_fields (
    code_id  INTEGER NOT NULL REFERENCES codes(id),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    label    TEXT NOT NULL,
    value    TEXT NOT NULL,
    meaning  TEXT NOT NULL,
    PRIMARY KEY (code_id, position)
);

-- Cross-references between codes (HCPCS XREF, predecessor/successor).
CREATE TABLE code_links (
    code_id   INTEGER NOT NULL REFERENCES codes(id),
    target_id INTEGER NOT NULL REFERENCES codes(id),
    relation  TEXT NOT NULL,           -- cross-reference
    source    TEXT NOT NULL
);
CREATE INDEX code_links_code ON code_links (code_id);
CREATE INDEX code_links_target ON code_links (target_id);

-- ICD-10-PCS axis values per table: a code's axes are decoded from its characters.
CREATE TABLE pcs_axis_values (
    table_id   INTEGER NOT NULL REFERENCES codes(id),
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    char       TEXT NOT NULL,
    label      TEXT NOT NULL,
    definition TEXT NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (table_id, position, char)
);

-- ICD-10-CM tabular notes, stored on the node that carries them; inheritance is a read.
CREATE TABLE notes (
    code_id INTEGER NOT NULL REFERENCES codes(id),
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    text    TEXT NOT NULL,
    source  TEXT NOT NULL,
    PRIMARY KEY (code_id, seq)
);

CREATE TABLE seventh_characters (
    code_id INTEGER NOT NULL REFERENCES codes(id),
    char    TEXT NOT NULL,
    meaning TEXT NOT NULL,
    PRIMARY KEY (code_id, char)
);

-- Per code and release: added, revised (descriptor), terminated.
CREATE TABLE history (
    code_id        INTEGER NOT NULL REFERENCES codes(id),
    release        TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    event          TEXT NOT NULL,
    old_title      TEXT NOT NULL,
    new_title      TEXT NOT NULL,
    basis          TEXT NOT NULL       -- how it is known: release comparison, ADD DT, TERM DT, addenda
);
CREATE INDEX history_code ON history (code_id);
CREATE INDEX history_release ON history (release, event);

-- Other names a code is found by, each from a named source.
CREATE TABLE terms (
    code_id INTEGER NOT NULL REFERENCES codes(id),
    term    TEXT NOT NULL,
    source  TEXT NOT NULL              -- inclusion, index, drug-index, neoplasm-index, external-index, pcs-index, asp-brand, drug-table, lay
);
CREATE INDEX terms_code ON terms (code_id, source);

-- ===== Related policies and similar codes =================================================
-- Written after the codes by catalog/load_policies.py (policies) and similar/build.py (similar).

-- Medicare coverage documents (LCDs, billing-and-coding articles) and health-plan policies.
CREATE TABLE policies (
    id           TEXT PRIMARY KEY,   -- L33394, A52370, FEP-5.21.51, BCBSMN-II-246
    number       TEXT NOT NULL,      -- as its owner numbers it: L33394, 5.21.51, II-246
    owner_type   TEXT NOT NULL,      -- medicare, health-plan
    owner        TEXT NOT NULL,      -- the contractor(s), or the plan: FEP Blue, BCBS Minnesota
    doc_type     TEXT NOT NULL,      -- LCD, Article, Medical policy
    title        TEXT NOT NULL,
    edition_date TEXT,               -- effective date (MCD) or the list's edition (plans)
    status       TEXT NOT NULL,      -- current, future, retired
    url          TEXT,               -- NULL where the source gives none
    source       TEXT NOT NULL       -- sources.name of the file it was read from
);

-- Which codes a policy concerns, and why. CPT numbers are kept as numbers (code_id NULL,
-- system CPT): no CPT descriptor is stored. Listed codes the catalog lacks have code_id NULL.
CREATE TABLE policy_codes (
    policy_id TEXT NOT NULL REFERENCES policies(id),
    code_id   INTEGER REFERENCES codes(id),
    system    TEXT NOT NULL,         -- HCPCS, ICD10CM, CPT
    code      TEXT NOT NULL,         -- official form, or the CPT number / range as listed
    reason    TEXT NOT NULL,         -- listed, in-range, drug-in-title (a topic match only)
    listed_as TEXT NOT NULL,         -- the code or range the policy lists, or the drug name
    source    TEXT NOT NULL          -- sources.name
);
CREATE INDEX policy_codes_code ON policy_codes (code_id);
CREATE INDEX policy_codes_policy ON policy_codes (policy_id);

-- Precomputed neighbours: same drug (HCPCS names) and similar wording (TF-IDF), both ways.
CREATE TABLE similar (
    code_id    INTEGER NOT NULL REFERENCES codes(id),
    similar_id INTEGER NOT NULL REFERENCES codes(id),
    kind       TEXT NOT NULL,        -- same-drug, lexical
    score      REAL NOT NULL,        -- higher is closer, comparable within a kind
    detail     TEXT NOT NULL         -- the shared drug name, or the shared words
);
CREATE INDEX similar_code ON similar (code_id, kind, score);

-- ===== Release diffs (issue 11) ============================================================
-- Per system and pair of consecutive releases, the codes whose state or long descriptor
-- changed (catalog/diff.py); a diff between any two releases composes these steps.
CREATE TABLE release_changes (
    system       TEXT NOT NULL,
    from_release TEXT NOT NULL,
    to_release   TEXT NOT NULL,      -- the next ingested release of the system
    code_id      INTEGER NOT NULL REFERENCES codes(id),
    old_state    TEXT NOT NULL,      -- '' (not in the release), active, ended
    new_state    TEXT NOT NULL,
    old_title    TEXT NOT NULL,
    new_title    TEXT NOT NULL
);
CREATE INDEX release_changes_step ON release_changes (system, to_release);

-- ===== Rules writer: note structure, tabular conventions, PCS definitions (issue 15) =======
-- Written by catalog/load_icd10cm.py and load_icd10pcs.py; read by the explainer and the page.

-- Which instruction each ICD-10-CM note belongs to: a lead-in ("code to identify:") and the
-- items after it share a unit, so they are shown as one instruction, never split.
CREATE TABLE note_units (
    code_id INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    unit    INTEGER NOT NULL,      -- instruction number within its node
    lead    INTEGER NOT NULL,      -- 1 = the lead-in the unit's other notes complete
    PRIMARY KEY (code_id, seq),
    FOREIGN KEY (code_id, seq) REFERENCES notes (code_id, seq)
);

-- The conventions the ICD-10-CM tabular's introduction defines (Includes, Excludes1, ...,
-- "7th characters and placeholder X"), in the file's words.
CREATE TABLE tabular_conventions (
    title  TEXT PRIMARY KEY,
    text   TEXT NOT NULL,
    source TEXT NOT NULL
);

-- ICD-10-PCS definitions file, whole: definition, explanation and Includes/Examples of root
-- operations and approaches; the Body Part Key and Device Key entries (includes only).
CREATE TABLE pcs_terms (
    section     TEXT NOT NULL,           -- first character of the code
    position    INTEGER NOT NULL,        -- axis (character position)
    term        TEXT NOT NULL COLLATE NOCASE,  -- the axis value as the file names it
    definition  TEXT NOT NULL,
    explanation TEXT NOT NULL,
    includes    TEXT NOT NULL,           -- the <includes> entries, one per line
    source      TEXT NOT NULL,
    PRIMARY KEY (section, position, term)
);

-- ===== Billing facts (issue 14) ===========================================================
-- Written by catalog/load_billing.py from the CMS ASP files, the NCCI MUE table and the
-- CMS-HCC / RxHCC mapping workbook; read by catalog/billing.py. HCPCS Level II and
-- ICD-10-CM codes only: the CPT rows of those files are never stored.

-- What each billing file says of itself: title, the period it is effective for, its notes.
CREATE TABLE billing_files (
    source            TEXT PRIMARY KEY,  -- sources.name
    title             TEXT NOT NULL,
    effective_from    TEXT,              -- as the file states it (else its release's date)
    effective_through TEXT,
    covers            TEXT NOT NULL,     -- code-set releases a mapping covers: "FY2025 FY2026"
    notes             TEXT NOT NULL      -- the file's own notes, one per line
);

-- NDC packages of HCPCS drug codes and their billing units (CMS ASP NDC-HCPCS crosswalk).
CREATE TABLE ndc_packages (
    ndc11             TEXT,              -- 11 digits without hyphens; NULL for a product id
    ndc               TEXT NOT NULL,     -- as published: 5-4-2 with hyphens, or a product id
    code_id           INTEGER NOT NULL REFERENCES codes(id),
    product           TEXT NOT NULL,     -- the product name as marketed (brand or generic)
    labeler           TEXT NOT NULL,
    dosage            TEXT NOT NULL,     -- what one billing unit is: "1 MCG"
    package_size      TEXT NOT NULL,     -- numbers as published
    package_quantity  TEXT NOT NULL,
    units_per_item    TEXT NOT NULL,
    units_per_package TEXT NOT NULL,
    source            TEXT NOT NULL
);
CREATE INDEX ndc_packages_ndc ON ndc_packages (ndc11);
CREATE INDEX ndc_packages_code ON ndc_packages (code_id);

-- Medicare Part B payment limits per billing unit (CMS ASP pricing file).
CREATE TABLE payment_limits (
    code_id       INTEGER PRIMARY KEY REFERENCES codes(id),
    dosage        TEXT NOT NULL,         -- the billing unit the limit is for: "1 MCG"
    payment_limit TEXT,                  -- dollars as published ("164.253"); NULL where N/A
    coinsurance   TEXT,                  -- percent of the limit, as published
    awp_percent   TEXT,                  -- vaccines, blood products: limit = this % of AWP
    notes         TEXT NOT NULL,
    source        TEXT NOT NULL
);

-- Medically Unlikely Edits, practitioner services (CMS NCCI).
CREATE TABLE unit_limits (
    code_id   INTEGER PRIMARY KEY REFERENCES codes(id),
    units     INTEGER NOT NULL,          -- most units paid per patient per date of service
    indicator INTEGER NOT NULL,          -- adjudication indicator: 1 line, 2 policy, 3 clinical
    rationale TEXT NOT NULL,
    source    TEXT NOT NULL
);

-- ICD-10-CM codes onto CMS-HCC / RxHCC model categories for one payment year.
CREATE TABLE risk_categories (
    code_id          INTEGER NOT NULL REFERENCES codes(id),
    model            TEXT NOT NULL,      -- CMS-HCC V28, CMS-HCC ESRD V24, RxHCC V08, ...
    category         INTEGER NOT NULL,
    used_for_payment INTEGER NOT NULL,   -- 1: this model's mapping counts for the payment year
    source           TEXT NOT NULL,
    PRIMARY KEY (code_id, model, category)
);
CREATE INDEX risk_categories_model ON risk_categories (model, category);

-- Category labels, only where a staged source states them (the workbook's notes).
CREATE TABLE risk_category_labels (
    model    TEXT NOT NULL,
    category INTEGER NOT NULL,
    label    TEXT NOT NULL,
    source   TEXT NOT NULL,
    PRIMARY KEY (model, category)
);
