"""Key elements, dimensions and categories (Framework Method step 4): key elements from summaries, key dimensions, categories.

The toolkit proposes; the researcher decides. ``propose_elements`` cuts short analytic noun phrases from each chart
summary (``phrases.noun_phrases``), chooses the ones closest to the summary and to the code's label and definition,
and links each to the summary and to the coded passages (quotes) behind it. ``propose_dimensions`` groups elements by
agglomerative clustering of their embeddings, cut at a cosine-distance threshold the researcher sets (smaller:
more, tighter dimensions). ``propose_categories`` groups dimensions into categories. Then ``accept``, ``rename``,
``move_element``, ``move_dimension``, ``merge_dimensions`` and ``merge_elements`` edit the result; every edit is one
logged transaction, recorded for undo in it (``toolkit.mapping.undo``: last edit first). The Table-2 layout is
``toolkit.mapping.table``; its writers are in ``toolkit.export.mapping_table``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from ..embed import Embedder
from ..errors import InputError
from ..store import Project
from ..store import core as db
from ..store import mapping as mdb
from ..store.events import Action
from ..vectors import encode_cached
from .phrases import backed_by_words, candidate_phrases, link_quotes, select_phrases
from .undo import edit

# Complete linkage cut at cosine distance 0.8: every two elements of a dimension are at least a little alike
# (MiniLM cosine >= 0.2). Average linkage chains into one giant group on a few hundred elements (sample study:
# 208 of 502 at 0.75), complete linkage keeps groups balanced (largest 57 of 502 at 0.8).
DEFAULT_THRESHOLD = 0.8
DEFAULT_LINKAGE = "complete"
LINKAGES = ("complete", "average", "single")
KINDS = ("element", "dimension", "category")
RENAME = {"element": Action.MAP_RENAME_ELEMENT, "dimension": Action.MAP_RENAME_DIMENSION,
          "category": Action.MAP_RENAME_CATEGORY}
REMOVE = {"element": Action.MAP_REMOVE_ELEMENT, "dimension": Action.MAP_REMOVE_DIMENSION,
          "category": Action.MAP_REMOVE_CATEGORY}
Progress = Callable[[int, int, str], None]
_WHO = re.compile(r"\b(?:[A-Z]{1,3}\d{1,4}|the participant|the informant|participants?|informants?)\b", re.IGNORECASE)


def for_embedding(label: str) -> str:
    """A phrase without participant ids and 'the participant': who said it must not make phrases look alike."""
    return re.sub(r"\s+", " ", _WHO.sub(" ", label)).strip() or label


@dataclass
class Proposal:
    """What a proposing step created: ids of new rows, and for dimensions/categories the members of each."""

    created: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)
    skipped: int = 0


def _framework(s, framework_id: str) -> None:
    db.get_framework(s, framework_id)  # raises NotFoundError naming the known frameworks


# --- key elements -------------------------------------------------------------------------------------------------


def propose_elements(project: Project, framework_id: str, *, embedder: Embedder | None = None, per_summary: int = 3,
                     replace: bool = True, actor: str | None = None, progress: Progress | None = None) -> Proposal:
    """Propose up to ``per_summary`` key elements for every non-empty summary of the framework.

    With ``replace`` the elements still marked proposed are dropped first (accepted ones are kept, and summaries
    that already have an accepted element get no new proposals). The embedder, when given, picks the most central,
    non-repetitive phrases and finds the closest quote when no quote shares the phrase's words. Phrases are encoded
    in one batch, quotes only when a phrase needs its nearest one, both through the project's vector cache.
    ``progress(done, total, what)`` is called while embedding phrases, choosing elements and embedding quotes.
    """
    if per_summary < 1:
        raise InputError(None, f"per_summary must be at least 1, got {per_summary}")
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        summaries = mdb.map_summaries_frame(s, framework_id)
        existing = mdb.key_elements_frame(s, framework_id)
        texts = mdb.coding_texts(s, {q for qs in summaries["quotes"] for q in qs})
    if summaries.empty:
        raise InputError(None, f"framework {framework_id!r} has no written summaries yet: chart first "
                               "(python -m toolkit chart ...), then propose key elements")
    keep = set(existing.loc[existing["status"] == "accepted", "summary_id"].dropna().astype(int))
    out = Proposal()
    todo = []
    for row in summaries.itertuples():
        phrases = candidate_phrases(row.text) if row.id not in keep else []
        if phrases:
            todo.append((row, phrases))
        else:
            out.skipped += 1
    vectors = None
    anchors: dict[str, np.ndarray] = {}
    if embedder is not None and todo:  # one batch for the whole study, through the project's vector cache
        vectors = encode_cached(project, embedder, [for_embedding(x) for _, phrases in todo for x in phrases],
                                (lambda d, n, _w: progress(d, n, "embedding phrases")) if progress else None)
        # the code's label and definition anchor each summary's choice: a key element says what it says about it
        code_text = {c.id: ". ".join(x for x in (c.label, c.definition) if x) for c in fw.codes}
        wanted = sorted({row.code_id for row, _ in todo if row.code_id in code_text})
        anchors = dict(zip(wanted, encode_cached(project, embedder, [code_text[c] for c in wanted]), strict=True))
    # choose phrases; a phrase no quote backs by its words is linked to its nearest quote (embedded below)
    chosen: list[tuple[int, str, np.ndarray | None, dict[int, str], list[int]]] = []
    at = 0
    for n, (row, phrases) in enumerate(todo, 1):
        vecs = None if vectors is None else vectors[at:at + len(phrases)]
        at += len(phrases)
        quotes = {q: texts[q] for q in row.quotes if q in texts}
        for i in select_phrases(phrases, vecs, per_summary, anchor=anchors.get(row.code_id)):
            chosen.append((int(row.id), phrases[i], None if vecs is None else vecs[i], quotes,
                           backed_by_words(phrases[i], quotes)))
        if progress and (n == len(todo) or n % 50 == 0):
            progress(n, len(todo), "choosing elements")
    qvec: dict[int, np.ndarray] = {}
    need = sorted({q for _, _, v, quotes, linked in chosen if v is not None and not linked for q in quotes})
    if need:
        qvec = dict(zip(need, encode_cached(project, embedder, [texts[q] for q in need],
                                            (lambda d, n, _w: progress(d, n, "embedding quotes")) if progress
                                            else None), strict=True))
    plan = [(sid, phrase, linked or link_quotes(phrase, quotes, phrase_vector=v, quote_vectors=qvec))
            for sid, phrase, v, quotes, linked in chosen]
    with edit(project, Action.MAP_PROPOSE_ELEMENTS, actor=actor,
              payload={"framework": framework_id, "per_summary": per_summary}) as s:
        if replace:
            mdb.clear_proposed(s, framework_id, elements=True)
        for sid, label, quotes in plan:
            out.created.append(mdb.add_key_element(s, framework_id, label, summary_id=sid, quotes=quotes))
    return out


def add_element(project: Project, framework_id: str, label: str, *, summary_id: int | None = None,
                quotes: list[int] | None = None, dimension_id: int | None = None, actor: str | None = None) -> int:
    """A key element written by the researcher (accepted from the start)."""
    with edit(project, Action.MAP_ADD_ELEMENT, actor=actor,
              payload={"framework": framework_id, "label": label}) as s:
        _framework(s, framework_id)
        if summary_id is not None and not quotes:
            quotes = mdb.summary_quotes(s, summary_id)
        return mdb.add_key_element(s, framework_id, label, summary_id=summary_id, quotes=quotes or [],
                                   dimension_id=dimension_id, status="accepted")


# --- dimensions ---------------------------------------------------------------------------------------------------


def cluster(vectors: np.ndarray, threshold: float = DEFAULT_THRESHOLD, linkage: str = DEFAULT_LINKAGE) -> np.ndarray:
    """Cluster labels for L2-normalised vectors: agglomerative, cosine distance, cut at ``threshold``."""
    if linkage not in LINKAGES:
        raise InputError(None, f"linkage must be one of {', '.join(LINKAGES)}, not {linkage!r}")
    if not 0 < threshold <= 2:
        raise InputError(None, f"the distance threshold must lie in (0, 2], got {threshold}")
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    model = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine", linkage=linkage)
    labels = model.fit_predict(np.asarray(vectors, dtype=np.float64))
    # number clusters by size (largest first), ties by first member, so results are stable
    order = sorted(set(labels), key=lambda c: (-int(np.sum(labels == c)), int(np.argmax(labels == c))))
    remap = {c: i for i, c in enumerate(order)}
    return np.array([remap[c] for c in labels], dtype=int)


def medoid(vectors: np.ndarray) -> int:
    """Index of the member closest to all others (the label a group is named after)."""
    sims = vectors @ vectors.T
    return int(np.argmax(sims.sum(axis=1)))


def propose_dimensions(project: Project, framework_id: str, embedder: Embedder, *,
                       threshold: float = DEFAULT_THRESHOLD, linkage: str = DEFAULT_LINKAGE,
                       actor: str | None = None) -> Proposal:
    """Group the key elements not yet in an accepted dimension into proposed dimensions.

    Earlier proposed dimensions are replaced. Each new dimension is named after its medoid element.
    """
    with project.read() as s:
        _framework(s, framework_id)
        elements = mdb.key_elements_frame(s, framework_id)
        dims = mdb.dimensions_frame(s, framework_id)
    accepted = set(dims.loc[dims["status"] == "accepted", "id"])
    free = elements[~elements["dimension_id"].isin(accepted)].reset_index(drop=True)
    if free.empty:
        raise InputError(None, f"no key elements to group in framework {framework_id!r} "
                               "(propose or add key elements first; elements in accepted dimensions stay)")
    vecs = encode_cached(project, embedder, [for_embedding(x) for x in free["label"]])  # a new threshold re-encodes nothing
    labels = cluster(vecs, threshold, linkage)
    out = Proposal()
    with edit(project, Action.MAP_PROPOSE_DIMENSIONS, actor=actor,
              payload={"framework": framework_id, "threshold": threshold, "linkage": linkage}) as s:
        mdb.clear_proposed(s, framework_id, dimensions=True)
        for c in range(int(labels.max()) + 1):
            idx = np.flatnonzero(labels == c)
            name = free.loc[idx[medoid(vecs[idx])], "label"]
            did = mdb.add_dimension(s, framework_id, name)
            members = [int(free.loc[i, "id"]) for i in idx]
            mdb.set_elements_dimension(s, members, did)
            out.created.append(did)
            out.members[did] = members
    return out


# --- categories ---------------------------------------------------------------------------------------------------


CATEGORY_METHODS = ("auto", "framework", "cluster")
MAX_CATEGORIES = 12


def choose_groups(vectors: np.ndarray, start: np.ndarray, *, max_k: int = MAX_CATEGORIES) -> np.ndarray:
    """Group L2-normalised vectors into a number of groups chosen from the data, starting from ``start`` (a first
    grouping, e.g. by framework category, of k0 groups): k-means for every k from k0 - 2 to k0 + 3 (at least 2, at
    most ``max_k`` and below the number of items), seeded with ``start``'s groups at k0; the best silhouette (cosine)
    wins, ``start`` itself included. Groups are numbered by size, largest first."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    if n < 3:
        return np.zeros(n, dtype=int)
    k0 = len(set(start.tolist()))
    best, best_score = start, silhouette_score(vectors, start, metric="cosine") if 1 < k0 < n else -1.0
    # around the framework's number (the starting point): from two fewer to three more
    for k in range(max(2, k0 - 2), min(max_k, k0 + 3, n - 1) + 1):
        if k == k0:
            init = np.vstack([vectors[start == g].mean(axis=0) for g in sorted(set(start.tolist()))])
            labels = KMeans(k, init=init, n_init=1, random_state=0).fit_predict(vectors)
        else:
            labels = KMeans(k, n_init=4, random_state=0).fit_predict(vectors)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(vectors, labels, metric="cosine")
        if score > best_score + 1e-9:
            best, best_score = labels, score
    order = sorted(set(best.tolist()), key=lambda c: (-int(np.sum(best == c)), int(np.argmax(best == c))))
    remap = {c: i for i, c in enumerate(order)}
    return np.array([remap[c] for c in best.tolist()], dtype=int)


def propose_categories(project: Project, framework_id: str, *, method: str = "auto",
                       embedder: Embedder | None = None, threshold: float = DEFAULT_THRESHOLD,
                       actor: str | None = None) -> Proposal:
    """Put every dimension without a category into one.

    ``auto`` (needs the embedder; without one it is ``framework``): start from the framework's categories, then let
    the data choose the number of categories (``choose_groups``: k-means on the dimensions' mean element
    embeddings, the best silhouette); a category keeps the framework category's label when most of its dimensions
    come from one, else it is named after its medoid dimension. ``framework``: the framework category most of the
    dimension's elements were charted under (the category is created with that label when missing). ``cluster``:
    agglomerative clustering cut at ``threshold``; each group named after its medoid dimension.
    """
    if method not in CATEGORY_METHODS:
        raise InputError(None, f"method must be one of {', '.join(CATEGORY_METHODS)}, not {method!r}")
    if method == "auto" and embedder is None:
        method = "framework"
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        elements = mdb.key_elements_frame(s, framework_id)
        dims = mdb.dimensions_frame(s, framework_id)
    open_dims = dims[dims["category_id"].isna()].reset_index(drop=True)
    if open_dims.empty:
        raise InputError(None, f"every key dimension of framework {framework_id!r} already has a category "
                               "(or there are no dimensions yet)")
    out = Proposal()
    cat_labels = {c.id: c.label for c in fw.categories}
    vecs: np.ndarray | None = None
    if method != "framework":
        if embedder is None:
            raise InputError(None, "clustering dimensions into categories needs an embedder")
        # embedded before the write transaction (the vector cache writes in its own)
        vecs = _dimension_vectors(project, embedder, open_dims, elements)
    with edit(project, Action.MAP_PROPOSE_CATEGORIES, actor=actor,
              payload={"framework": framework_id, "method": method}) as s:
        if method == "framework":
            for d in open_dims.itertuples():
                cats = Counter(elements.loc[elements["dimension_id"] == d.id, "category_id"].dropna())
                if not cats:
                    continue
                label = cat_labels[cats.most_common(1)[0][0]]
                cid = mdb.map_category_by_label(s, framework_id, label) or mdb.add_map_category(s, framework_id, label)
                mdb.update_dimension(s, int(d.id), category_id=cid)
                out.members.setdefault(cid, []).append(int(d.id))
        else:
            if vecs is None:  # embedded above for every method but "framework"
                raise InputError(None, "clustering dimensions into categories needs an embedder")
            if method == "auto":
                fw_of = [Counter(elements.loc[elements["dimension_id"] == d.id, "category_id"].dropna()).most_common(1)
                         for d in open_dims.itertuples()]
                start_ids = [c[0][0] if c else "" for c in fw_of]
                codes = {c: i for i, c in enumerate(dict.fromkeys(start_ids))}
                groups = choose_groups(vecs, np.array([codes[c] for c in start_ids]))
                used: set[str] = set()
                for g in range(int(groups.max()) + 1 if len(groups) else 0):
                    idx = np.flatnonzero(groups == g)
                    top = Counter(start_ids[i] for i in idx).most_common(1)[0]
                    label = cat_labels.get(top[0], "") if top[1] * 2 > len(idx) and top[0] else ""
                    if not label or label in used:
                        label = open_dims.loc[idx[medoid(vecs[idx])], "label"]
                    used.add(label)
                    cid = (mdb.map_category_by_label(s, framework_id, label)
                           or mdb.add_map_category(s, framework_id, label))
                    for i in idx:
                        mdb.update_dimension(s, int(open_dims.loc[i, "id"]), category_id=cid)
                    out.members.setdefault(cid, []).extend(int(open_dims.loc[i, "id"]) for i in idx)
            else:
                groups = cluster(vecs, threshold)
                for c in range(int(groups.max()) + 1):
                    idx = np.flatnonzero(groups == c)
                    cid = mdb.add_map_category(s, framework_id, open_dims.loc[idx[medoid(vecs[idx])], "label"])
                    for i in idx:
                        mdb.update_dimension(s, int(open_dims.loc[i, "id"]), category_id=cid)
                    out.members[cid] = [int(open_dims.loc[i, "id"]) for i in idx]
        out.created = sorted(out.members)
    return out


def _dimension_vectors(project: Project, embedder: Embedder, dims, elements) -> np.ndarray:
    """One L2-normalised vector per dimension: the mean of its label's and its elements' embeddings."""
    groups_of_labels = [[d.label] + list(elements.loc[elements["dimension_id"] == d.id, "label"])
                        for d in dims.itertuples()]
    allv = encode_cached(project, embedder, [for_embedding(x) for labels in groups_of_labels for x in labels])
    vecs, at = [], 0
    for labels in groups_of_labels:
        v = allv[at:at + len(labels)].mean(axis=0)
        at += len(labels)
        vecs.append(v / (np.linalg.norm(v) or 1.0))
    return np.vstack(vecs)


# --- researcher's edits -------------------------------------------------------------------------------------------


def accept(project: Project, framework_id: str, *, elements: list[int] = (), dimensions: list[int] = (),
           with_elements: bool = True, actor: str | None = None) -> None:
    """Mark elements and dimensions accepted (an accepted dimension's elements too, with ``with_elements``)."""
    with edit(project, Action.MAP_ACCEPT, actor=actor,
              payload={"framework": framework_id, "elements": list(elements),
                       "dimensions": list(dimensions)}) as s:
        for eid in elements:
            mdb.update_key_element(s, eid, framework_id=framework_id, status="accepted")
        for did in dimensions:
            mdb.update_dimension(s, did, framework_id=framework_id, status="accepted")
            if with_elements:
                els = mdb.key_elements_frame(s, framework_id)
                for eid in els.loc[els["dimension_id"] == did, "id"]:
                    mdb.update_key_element(s, int(eid), status="accepted")


def rename(project: Project, framework_id: str, kind: str, item_id: int, label: str, *,
           actor: str | None = None) -> None:
    """Rename an element, dimension or category (renaming a proposal also accepts it)."""
    if kind not in KINDS:
        raise InputError(None, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    with edit(project, RENAME[kind], actor=actor,
              payload={"framework": framework_id, "id": item_id, "label": label}) as s:
        if kind == "element":
            mdb.update_key_element(s, item_id, framework_id=framework_id, label=label, status="accepted")
        elif kind == "dimension":
            mdb.update_dimension(s, item_id, framework_id=framework_id, label=label, status="accepted")
        else:
            mdb.update_map_category(s, item_id, label=label, framework_id=framework_id)


def move_element(project: Project, framework_id: str, element_ids: list[int], *, dimension_id: int | None = None,
                 new_dimension: str | None = None, actor: str | None = None) -> int | None:
    """Move elements into a dimension (an existing one, a new one named ``new_dimension``, or none)."""
    with edit(project, Action.MAP_MOVE_ELEMENT, actor=actor,
              payload={"framework": framework_id, "elements": list(element_ids),
                       "dimension": dimension_id, "new": new_dimension}) as s:
        if new_dimension:
            dimension_id = mdb.add_dimension(s, framework_id, new_dimension, status="accepted")
        mdb.set_elements_dimension(s, element_ids, dimension_id, framework_id=framework_id)
        return dimension_id


def move_dimension(project: Project, framework_id: str, dimension_ids: list[int], *, category_id: int | None = None,
                   new_category: str | None = None, actor: str | None = None) -> int | None:
    """Put dimensions into a category (an existing one, a new one named ``new_category``, or none)."""
    with edit(project, Action.MAP_MOVE_DIMENSION, actor=actor,
              payload={"framework": framework_id, "dimensions": list(dimension_ids),
                       "category": category_id, "new": new_category}) as s:
        if new_category:
            category_id = (mdb.map_category_by_label(s, framework_id, new_category)
                           or mdb.add_map_category(s, framework_id, new_category))
        for did in dimension_ids:
            mdb.update_dimension(s, did, framework_id=framework_id, category_id=category_id)
        return category_id


def merge_dimensions(project: Project, framework_id: str, dimension_ids: list[int], *, label: str | None = None,
                     actor: str | None = None) -> int:
    """Merge dimensions into the first one: all elements move there, the others are deleted. Returns the survivor."""
    if len(set(dimension_ids)) < 2:
        raise InputError(None, "merging needs at least two different dimensions")
    keep, *rest = list(dict.fromkeys(dimension_ids))
    with edit(project, Action.MAP_MERGE_DIMENSIONS, actor=actor,
              payload={"framework": framework_id, "dimensions": list(dimension_ids),
                       "label": label}) as s:
        for did in dimension_ids:
            mdb.update_dimension(s, did, framework_id=framework_id)  # existence check
        mdb.move_dimension_elements(s, rest, keep)
        mdb.delete_dimensions(s, rest, framework_id)
        fields = {"status": "accepted"}
        if label:
            fields["label"] = label
        mdb.update_dimension(s, keep, **fields)
    return keep


def merge_elements(project: Project, framework_id: str, element_ids: list[int], *, label: str | None = None,
                   actor: str | None = None) -> int:
    """Merge elements of one summary into the first: quotes are united, the others deleted.

    Elements of different summaries are not merged (each element keeps its one summary); put them in the same
    dimension instead.
    """
    if len(set(element_ids)) < 2:
        raise InputError(None, "merging needs at least two different key elements")
    keep, *rest = list(dict.fromkeys(element_ids))
    with edit(project, Action.MAP_MERGE_ELEMENTS, actor=actor,
              payload={"framework": framework_id, "elements": list(element_ids), "label": label}) as s:
        rows = [mdb.element(s, eid, framework_id) for eid in [keep, *rest]]
        if len({r["summary_id"] for r in rows}) > 1:
            raise InputError(None, "these key elements come from different summaries; put them in one dimension "
                                   "instead of merging them")
        quotes = sorted({q for r in rows for q in r["quotes"]})
        mdb.delete_key_elements(s, rest, framework_id)
        fields = {"quotes": quotes, "status": "accepted"}
        if label:
            fields["label"] = label
        mdb.update_key_element(s, keep, **fields)
    return keep


def add_category(project: Project, framework_id: str, label: str, description: str | None = None, *,
                 actor: str | None = None) -> int:
    with edit(project, Action.MAP_ADD_CATEGORY, actor=actor,
              payload={"framework": framework_id, "label": label}) as s:
        _framework(s, framework_id)
        return mdb.add_map_category(s, framework_id, label, description)


def remove(project: Project, framework_id: str, kind: str, ids: list[int], *, actor: str | None = None) -> None:
    """Delete elements, dimensions (their elements stay, without dimension) or categories (dimensions stay)."""
    if kind not in KINDS:
        raise InputError(None, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    with edit(project, REMOVE[kind], actor=actor, payload={"framework": framework_id, "ids": ids}) as s:
        if kind == "element":
            mdb.delete_key_elements(s, ids, framework_id)
        elif kind == "dimension":
            mdb.delete_dimensions(s, ids, framework_id)
        else:
            for cid in ids:
                mdb.delete_map_category(s, cid, framework_id)


def state(project: Project, framework_id: str) -> dict:
    """Elements, dimensions and categories of a framework as frames (for listings and the app)."""
    with project.read() as s:
        _framework(s, framework_id)
        return {"elements": mdb.key_elements_frame(s, framework_id),
                "dimensions": mdb.dimensions_frame(s, framework_id),
                "categories": mdb.map_categories_frame(s, framework_id)}
