"""National Drug Codes in every form people write them, reduced to the 11-digit billing form.

An NDC is labeler-product-package. The FDA assigns ten digits split 4-4-2, 5-3-2 or 5-4-1;
claims and the CMS ASP NDC-HCPCS crosswalk use eleven digits split 5-4-2, made by padding the
short segment with a leading zero (55513-160-01 -> 55513-0160-01). With separators the split
says which segment was padded; ten digits without separators could be any of the three, so
each padding is a candidate. Claims write the 11 digits after the qualifier `N4`.
"""

from __future__ import annotations

import re

BILLING_SPLIT = (5, 4, 2)
SPLITS = frozenset({(4, 4, 2), (5, 3, 2), (5, 4, 1), BILLING_SPLIT})
_SEPARATED = re.compile(r"(\d{3,5})[-\s](\d{3,4})[-\s](\d{1,2})")
_QUALIFIER = "N4"


def ndc11_candidates(text: str) -> tuple[str, ...]:
    """The 11-digit NDCs `text` can stand for; () when it is not shaped like an NDC.

    >>> ndc11_candidates("55513-160-01"), ndc11_candidates("N455513016001")
    (('55513016001',), ('55513016001',))
    >>> ndc11_candidates("5551316001")
    ('05551316001', '55513016001', '55513160001')
    """
    token = text.strip().upper()
    if token.startswith(_QUALIFIER):
        token = token[len(_QUALIFIER) :].strip()
    separated = _SEPARATED.fullmatch(token)
    if separated:
        parts = separated.groups()
        if tuple(len(part) for part in parts) not in SPLITS:
            return ()
        return (_padded(parts),)
    if not token.isdigit():
        return ()
    if len(token) == sum(BILLING_SPLIT):
        return (token,)
    if len(token) == sum(BILLING_SPLIT) - 1:
        return tuple(
            _padded((token[:a], token[a : a + b], token[a + b :]))
            for a, b, _ in sorted(SPLITS - {BILLING_SPLIT})
        )
    return ()


def ndc11(text: str) -> str | None:
    """The one 11-digit NDC `text` names (any split with separators, or 11 digits), else None.

    >>> ndc11("55513-0160-01"), ndc11("GG100")
    ('55513016001', None)
    """
    found = ndc11_candidates(text)
    return found[0] if len(found) == 1 else None


def billing_form(ndc: str) -> str:
    """An 11-digit NDC written 5-4-2 with hyphens, as claims and the crosswalk print it.

    >>> billing_form("55513016001")
    '55513-0160-01'
    """
    return f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}"


def _padded(parts: tuple[str, ...]) -> str:
    return "".join(part.zfill(width) for part, width in zip(parts, BILLING_SPLIT, strict=True))
