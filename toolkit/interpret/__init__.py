"""Step 5, interpretation: linkages between codes and categories, findings checked against the passages, driver
analysis linked to contract measures, illustrative quotes.

    interpret.linkage(project, "lvi21")               # co-occurrence (Jaccard, lift) by unit and group
    interpret.rank_passages(project, "lvi21", "Patients ask for an MR", theme_id="HSC")  # passages to read
    interpret.judge(project, "lvi21", "HSC", "Patients ask for an MR", "P05", "counter", actor="ann")
    interpret.check_findings(project, "lvi21")          # the researcher's marks per theme, the rest ranked
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
from .findings import Finding, check_findings, findings_frame, findings_overview
from .judging import Judgement, RankedPassage, judge, judgements, parse_marks, rank_passages
from .links import Linkage, compute, linkage, linkage_table, participant_groups, resolve_codings, write_graphml
from .quotes import centrality, pick_quotes

__all__ = ["Driver", "DriverAnalysis", "Finding", "Judgement", "Linkage", "MeasureInfo", "RankedPassage",
           "add_measure", "analyse_drivers", "centrality", "check_findings", "compute", "findings_frame",
           "findings_overview", "format_quantity", "judge", "judgements", "link_measure", "linkage", "linkage_table",
           "load_catalogue", "parse_marks", "participant_groups", "rank_passages",
           "pick_quotes", "quantities_text", "resolve_codings", "unlink_measure", "write_graphml"]
