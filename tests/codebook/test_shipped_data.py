"""Where the toolkit finds its shipped frameworks and sample (``toolkit._data``): the installed package's copy first,
else the repository's folders beside ``toolkit/``. The wheel itself is checked in ``test_wheel.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

import toolkit._data as data
from toolkit import frameworks as fwio
from toolkit import sample

REPO = Path(__file__).resolve().parents[2]


def test_source_checkout_reads_the_repository_folders():
    assert data.folder("frameworks") == REPO / "frameworks" == fwio.SHIPPED_DIR
    assert data.folder("sample") == REPO / "transcripts_sample" == sample.SAMPLE_DIR
    assert {"lvi84", "lvi21"} <= set(fwio.load_folder().frameworks)


def test_installed_copy_comes_first(tmp_path, monkeypatch):
    installed = tmp_path / "toolkit" / "_data"
    (installed / "frameworks").mkdir(parents=True)
    monkeypatch.setattr(data.resources, "files", lambda name: installed if name == data.__name__ else None)
    assert data.folder("frameworks") == installed / "frameworks"
    assert data.folder("sample") == REPO / "transcripts_sample"  # not in this fake install: the repository's


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="known: frameworks, sample"):
        data.folder("models")
