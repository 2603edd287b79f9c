"""The mapping table's data, laid out like Table 2 of the reference study: Summary | Key elements | Key dimensions |
Categorization, one row per summary, and a long frame with one row per key element and its quotes. Writers for it
(Word, CSV) are in ``toolkit.export.mapping_table``.
"""

from __future__ import annotations

import pandas as pd

from ..store import Project
from ..store import core as db
from ..store import mapping as mdb

TABLE_COLUMNS = ["Summary", "Key elements", "Key dimensions", "Categorization"]
LONG_COLUMNS = ["summary_id", "participant", "code", "summary", "element_id", "key_element", "status", "dimension",
                "category", "quotes", "quote_texts"]


def _bullets(items) -> str:
    items = [i for i in dict.fromkeys(items) if i]
    return "\n".join(f"-{i}" for i in items)


def mapping_frames(project: Project, framework_id: str, *, accepted_only: bool = False) -> tuple[pd.DataFrame,
                                                                                                  pd.DataFrame]:
    """(table, long): the Table-2 layout (plus participant and code columns) and one row per key element."""
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        els = mdb.key_elements_frame(s, framework_id)
        dims = mdb.dimensions_frame(s, framework_id)
        cats = mdb.map_categories_frame(s, framework_id)
        texts = mdb.coding_texts(s, {q for qs in els["quotes"] for q in qs})
    if accepted_only:
        els = els[els["status"] == "accepted"]
    dim_label = dict(zip(dims["id"], dims["label"], strict=True))
    dim_cat = dict(zip(dims["id"], dims["category_id"], strict=True))
    cat_label = dict(zip(cats["id"], cats["label"], strict=True))
    cat_pos = dict(zip(cats["id"], cats["position"], strict=True))
    code_pos = {c.id: i for i, c in enumerate(fw.codes)}
    long_rows = []
    for e in els.itertuples():
        did = None if pd.isna(e.dimension_id) else int(e.dimension_id)
        cid = None if did is None or pd.isna(dim_cat.get(did)) else int(dim_cat[did])
        long_rows.append({"summary_id": None if pd.isna(e.summary_id) else int(e.summary_id),
                          "participant": e.participant_id, "code": e.code_id, "summary": e.summary or "",
                          "element_id": int(e.id), "key_element": e.label, "status": e.status,
                          "dimension": dim_label.get(did, ""), "category": cat_label.get(cid, ""),
                          "quotes": " ".join(str(q) for q in e.quotes),
                          "quote_texts": " | ".join(texts.get(q, "").strip() for q in e.quotes),
                          "_cat": cat_pos.get(cid, 10**6), "_code": code_pos.get(e.code_id, 10**6)})
    long = pd.DataFrame(long_rows, columns=LONG_COLUMNS + ["_cat", "_code"])
    long = long.sort_values(["_cat", "_code", "participant", "element_id"], na_position="last", kind="stable")
    rows = []
    key = long["summary_id"].fillna(-long["element_id"])  # elements without a summary get a row each
    for _k, g in long.groupby(key, sort=False):
        first = g.iloc[0]
        rows.append({"participant": first["participant"] or "", "code": first["code"] or "",
                     "Summary": first["summary"], "Key elements": _bullets(g["key_element"]),
                     "Key dimensions": _bullets(g["dimension"]), "Categorization": "\n".join(
                         c for c in dict.fromkeys(g["category"]) if c)})
    table = pd.DataFrame(rows, columns=["participant", "code"] + TABLE_COLUMNS)
    return table, long.drop(columns=["_cat", "_code"]).reset_index(drop=True)
