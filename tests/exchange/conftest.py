"""REFI-QDA codebooks and projects.

Fixtures shared by every test live in ``tests/conftest.py``; the helpers (``app_helpers``, ``browser_kit``,
``pg_cluster``, ...) are importable because that conftest puts ``tests/`` on the path."""
