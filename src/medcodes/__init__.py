"""medcodes: US medical codes (HCPCS Level II, ICD-10-CM, ICD-10-PCS) from the official releases.

`from medcodes import Medcodes` is the library (see `medcodes.api`); it is imported on first
use so that `import medcodes.errors` (and the CLI's start-up) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medcodes.api import Medcodes

__version__ = "0.1.0"
__all__ = ["Medcodes", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Medcodes":
        from medcodes.api import Medcodes

        return Medcodes
    raise AttributeError(f"module 'medcodes' has no attribute {name!r}")
