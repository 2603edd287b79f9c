"""Writers: everything the toolkit puts in a file for reports and colleagues.

- Charts: Word (``export_docx``), Excel (``export_xlsx``), CSV (``export_csv``), each taking a
  ``toolkit.charting.Matrix``; ``chart(project, framework_id, docx=..., xlsx=..., csv=...)`` builds and writes in one call.
- Mapping: ``mapping_table.export_mapping`` (Table-2 layout, Word and CSV).
- Interpretation: ``driver_map.render_static`` (SVG/PNG) and ``render_plotly``; ``report.write_report`` (.docx).
- ``docx_common``: the shared Word helpers (landscape pages, tables with repeated headers, shading).

Submodules are imported on first use, so importing one writer does not load python-docx, openpyxl or matplotlib.
REFI-QDA (.qdc, .qdpx) is exchange, not export: ``toolkit.exchange``.
"""

from __future__ import annotations

import importlib

__all__ = ["chart", "export_csv", "export_docx", "export_mapping", "export_xlsx", "render_plotly", "render_static",
           "write_report"]

_LAZY = {"export_docx": "docx_matrix", "export_xlsx": "xlsx_matrix", "export_csv": "xlsx_matrix",
         "chart": "matrix_files", "export_mapping": "mapping_table", "render_static": "driver_map",
         "render_plotly": "driver_map", "write_report": "report"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
