"""The knowledge sources' names and how a page credits each.

Apart from `model` (its six dataclasses) so that reading catalog links, as every code page
does, needs only these names.
"""

from __future__ import annotations

MEDLINEPLUS = "medlineplus"
MEDLINEPLUS_TESTS = "medlineplus-tests"
NCI_DRUG = "nci-drug"
NCI_PDQ = "nci-pdq"
MEDQUAD = "medquad"

# How a page credits each source (the badge a code page shows).
PUBLISHERS = {
    MEDLINEPLUS: "MedlinePlus",
    MEDLINEPLUS_TESTS: "MedlinePlus",
    NCI_DRUG: "NCI",
    NCI_PDQ: "NCI",
    MEDQUAD: "MedQuAD",
}
