"""The framework editor: build and change a coding framework in a project, keeping every coding and its provenance.

``edit`` (new framework, categories and codes added, renamed, edited, moved, reordered, deleted; a new code from a
passage), ``merge`` (merge and split codes: the codings follow, recording the code they came from; crosswalks follow),
``versions`` (named snapshots, a readable diff, export to YAML, codebook CSV and REFI-QDA .qdc), ``outline`` (the
framework as the editor shows it).
"""

from .edit import (
    CodeFields,
    add_category,
    add_code,
    code_from_passage,
    delete_code,
    edit_category,
    edit_code,
    move_code,
    new_framework,
    rename_code,
    reorder_code,
)
from .merge import MergeReport, NewCode, SplitReport, SplitRow, merge_codes, split_code, split_ranking
from .outline import Outline, OutlineRow, outline
from .versions import CURRENT, FrameworkDiff, diff, export_framework, framework_at, lineage, save_version, versions

__all__ = ["CURRENT", "CodeFields", "FrameworkDiff", "MergeReport", "NewCode", "Outline", "OutlineRow", "SplitReport", "SplitRow",
           "add_category", "add_code", "code_from_passage", "delete_code", "diff", "edit_category", "edit_code",
           "export_framework", "framework_at", "lineage", "merge_codes", "move_code", "new_framework", "outline", "rename_code",
           "reorder_code", "save_version", "split_code", "split_ranking", "versions"]
