"""medcodes: US medical codes (HCPCS Level II, ICD-10-CM, ICD-10-PCS) from the official releases."""

__version__ = "0.1.0"
