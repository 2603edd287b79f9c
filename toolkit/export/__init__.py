"""Exports for reports and colleagues.

Charts: Word (``export_docx``), Excel (``export_xlsx``) and CSV (``export_csv``), each taking a
``toolkit.charting.Matrix`` (see ``toolkit.charting.build_matrix``). The submodules are imported on first use, so
importing another exporter of this package does not load python-docx or openpyxl.
"""

from __future__ import annotations

import importlib

__all__ = ["export_csv", "export_docx", "export_xlsx"]

_LAZY = {"export_docx": "docx_matrix", "export_xlsx": "xlsx_matrix", "export_csv": "xlsx_matrix"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
