"""Indexing: passages, code suggestions that learn from the researcher's decisions, review queues."""
