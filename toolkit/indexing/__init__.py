"""Indexing: passages, code suggestions that learn from the researcher's decisions, review queues.

``learn(project, framework_id, embedder, progress=...)`` ("Learn from my coding") is
``toolkit.indexing.learning.learn``."""

from .learning import learn

__all__ = ["learn"]
