"""Step 5, interpretation: linkages between codes and categories, findings checked against the passages, driver
analysis linked to contract measures, illustrative quotes.

    interpret.linkage(project, "lvi21")               # co-occurrence (Jaccard, lift) by unit and group
    interpret.check_findings(project, "lvi21")          # support, counter-evidence and silence per category
    interpret.analyse_drivers(project, catalogue=...)   # drivers x measures, gaps
    interpret.pick_quotes(rows, groups)                 # the most typical quotes, spread over voices

Figures and the report (.docx) are writers: ``toolkit.export.driver_map`` and ``toolkit.export.report``.
"""

from .drivers import (
    Driver,
    DriverAnalysis,
    MeasureInfo,
    add_measure,
    analyse_drivers,
    format_quantity,
    link_measure,
    load_catalogue,
    quantities_text,
    unlink_measure,
)
from .findings import Finding, check_findings, findings_frame, findings_overview, mark_counter
from .links import Linkage, compute, linkage, linkage_table, participant_groups, resolve_codings, write_graphml
from .quotes import centrality, pick_quotes

__all__ = ["Driver", "DriverAnalysis", "Finding", "Linkage", "MeasureInfo", "add_measure", "analyse_drivers",
           "centrality", "check_findings", "compute", "findings_frame", "findings_overview", "format_quantity",
           "link_measure", "linkage", "linkage_table", "load_catalogue", "mark_counter", "participant_groups",
           "pick_quotes", "quantities_text", "resolve_codings", "unlink_measure", "write_graphml"]
