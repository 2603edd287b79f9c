"""Exchange with other QDA tools through REFI-QDA (NVivo, ATLAS.ti, MAXQDA, QualCoder): codebooks (.qdc) and whole
projects (.qdpx), both ways.

    exchange.read_qdc("codebook.qdc") -> Framework;  exchange.write_qdc(framework, "out.qdc")
    exchange.import_qdpx("study.qdpx", project);     exchange.export_qdpx(project, "out.qdpx")

Modules: ``qdc`` (codebooks), ``qdpx_read`` (parse and check an archive into an import plan, writing nothing),
``qdpx_load`` (apply a plan to a project in one transaction), ``qdpx_write`` (export, schema check),
``refi_common`` / ``refi_text`` (shared XML helpers, source text decoding and position conventions).
"""

from __future__ import annotations

import importlib

__all__ = ["export_qdpx", "import_qdpx", "read_qdc", "read_qdpx", "schema_errors", "write_qdc"]

_LAZY = {"read_qdc": "qdc", "write_qdc": "qdc", "import_qdpx": "qdpx_load", "read_qdpx": "qdpx_read",
         "export_qdpx": "qdpx_write", "schema_errors": "qdpx_write"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
