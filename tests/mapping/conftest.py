"""Mapping and interpretation: key elements, findings, linkages, the driver map.

Fixtures shared by every test live in ``tests/conftest.py``; the helpers (``app_helpers``, ``browser_kit``,
``pg_cluster``, ...) are importable because that conftest puts ``tests/`` on the path."""
