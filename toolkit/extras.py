"""Optional parts of the toolkit and the extra that installs each: a clear message instead of an ImportError.

One person with a project file needs neither PostgreSQL's driver nor password hashing; a team server needs both:
``pip install 'framework-analysis-toolkit[team]'`` (``make test`` and ``make run`` install every extra).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import ToolkitError

__all__ = ["EXTRAS", "MissingExtra", "require"]

#: importable module -> (extra that installs it, what needs it)
EXTRAS = {
    "psycopg": ("team", "a PostgreSQL project (postgresql://...)"),
    "argon2": ("team", "team accounts and logins"),
}


class MissingExtra(ToolkitError):
    """An optional dependency is not installed; the message names the extra to install."""


def require(module: str) -> ModuleType:
    """Import ``module`` (one of :data:`EXTRAS`), or raise :class:`MissingExtra` naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        extra, needed_by = EXTRAS[module]
        raise MissingExtra(f"{needed_by} needs the '{extra}' extra, which is not installed: "
                           f"pip install 'framework-analysis-toolkit[{extra}]'") from None
