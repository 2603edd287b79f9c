"""What "Learn from my coding" chose for a framework, kept inside the project (works on SQLite and PostgreSQL, travels
with ``backup`` and ``copy``): read by every later ``suggest``, written by ``learning.learn``."""

from __future__ import annotations

import hashlib
import json

from .. import settings
from ..store import Project
from ..store.events import Action

__all__ = ["learned_selection", "keep_selection"]


def learned_selection(project: Project, framework_id: str, model: str) -> tuple[dict | None, str | None]:
    """(selection, sha256) stored by ``learn`` for this framework and embedding model; (None, None) when there is
    none, it does not match its recorded hash, or it was chosen with another model."""
    with project.read() as s:
        rec = settings.read(s, settings.LEARNED, framework=framework_id)
    if not rec or not isinstance(rec.get("selection"), dict):
        return None, None
    sel = rec["selection"]
    if _digest(sel) != rec.get("sha256") or sel.get("embedding_model") != model:
        return None, None
    return sel, rec["sha256"]


def _digest(selection: dict) -> str:
    return hashlib.sha256(json.dumps(selection, sort_keys=True).encode("utf-8")).hexdigest()


def keep_selection(project: Project, framework_id: str, selection: dict) -> str:
    """Store ``selection`` as the learned choice of ``framework_id`` (one action, logged); returns its SHA-256."""
    sel = json.loads(json.dumps(selection))  # plain JSON values, exactly as they will be read back
    digest = _digest(sel)
    with project.transaction(Action.SUGGESTER_LEARN, payload={"framework": framework_id, "sha256": digest,
                                                          "cv_top1": sel.get("cv_top1")}) as s:
        settings.write(s, settings.LEARNED, {"selection": sel, "sha256": digest}, framework=framework_id)
    return digest
