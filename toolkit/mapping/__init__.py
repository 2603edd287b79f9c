"""Step 4, mapping: summaries -> key elements -> key dimensions -> categories (Table 2 of the reference study).

    mapping.propose_elements(project, "lvi84", embedder=emb)   # short phrases from each summary, with their quotes
    mapping.propose_dimensions(project, "lvi84", emb)           # clusters of elements
    mapping.propose_categories(project, "lvi84")                # groups of dimensions
    mapping.accept / rename / move_element / merge_dimensions / remove ...   # the researcher decides
    mapping.last_edit(project, "lvi84"); mapping.undo(project, "lvi84")       # undo the last edit, then the one before
    mapping.state(project, "lvi84"); mapping.mapping_frames(project, "lvi84")  # what there is, Table-2 layout

Writers (Word, CSV) are in ``toolkit.export.mapping_table``.
"""

from .elements import (
    CATEGORY_METHODS,
    DEFAULT_LINKAGE,
    DEFAULT_THRESHOLD,
    KINDS,
    LINKAGES,
    Proposal,
    accept,
    add_category,
    add_element,
    cluster,
    for_embedding,
    medoid,
    merge_dimensions,
    merge_elements,
    move_dimension,
    move_element,
    propose_categories,
    propose_dimensions,
    propose_elements,
    remove,
    rename,
    state,
)
from .table import LONG_COLUMNS, TABLE_COLUMNS, mapping_frames
from .undo import MapChange, Undone, last_edit, undo

__all__ = ["CATEGORY_METHODS", "DEFAULT_LINKAGE", "DEFAULT_THRESHOLD", "KINDS", "LINKAGES", "LONG_COLUMNS", "TABLE_COLUMNS", "Proposal",
           "MapChange", "Undone",
           "accept", "add_category", "add_element", "cluster", "for_embedding", "last_edit", "mapping_frames", "medoid",
           "merge_dimensions", "merge_elements", "move_dimension", "move_element", "propose_categories",
           "propose_dimensions", "propose_elements", "remove", "rename", "state", "undo"]
