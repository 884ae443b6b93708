"""Setting from what a descriptor says, on descriptors as CMS writes them."""

from __future__ import annotations

import pytest

from medcodes.explain.setting import setting_from_descriptor


@pytest.mark.parametrize(
    ("descriptor", "where"),
    [
        (
            "Home infusion therapy, catheter care / maintenance, not otherwise classified; "
            "includes administrative services",
            ("In the patient's home", "Home infusion"),
        ),
        (
            "Physician supervision of a patient under a medicare-approved hospice (patient not "
            "present) requiring complex and multidisciplinary care modalities",
            ("Without the patient present", "patient not present"),
        ),
        (
            "Hospice care provided in inpatient hospital",
            ("In inpatient hospital", "provided in inpatient hospital"),
        ),
        (
            "Ambulance service, advanced life support, emergency transport, level 1",
            ("In an ambulance or during ambulance transport", "Ambulance"),
        ),
        (
            "Radiolabeled product provided during a hospital inpatient stay",
            ("In a hospital, during an inpatient stay", "during a hospital inpatient stay"),
        ),
    ],
)
def test_what_the_descriptor_says(descriptor: str, where: tuple[str, str]) -> None:
    assert setting_from_descriptor(descriptor) == where


@pytest.mark.parametrize(
    "descriptor",
    [
        "Injection, meropenem (wg critical care), not therapeutically equivalent to j2185, 100 mg",
        "Patients who use hospice services any time during the measurement period",
        "Personal care services, per 15 minutes, not for an inpatient or resident of a hospital",
        "Patient not discharged to home by post-operative day #2 following evar",
        "Advanced primary care management services for a patient; follow-up after an emergency "
        "department visit and discharges from hospitals, skilled nursing facilities",
    ],
)
def test_no_setting_where_the_descriptor_names_none(descriptor: str) -> None:
    assert setting_from_descriptor(descriptor) is None
