"""Shared helpers of the app's page tests (``test_app_pages*.py``): run a page under AppTest on a project, check it
raised nothing, submit forms, build the file behind a download button, select dataframe rows, serve a given model."""

from __future__ import annotations

import csv
from pathlib import Path

import toolkit.app.common
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app"
PAGES = APP / "app_pages"
SMALL = ("P01_gp_rural.txt", "P03_radiologist_urban.vtt")


def build_small_suggested(path: Path) -> Path:
    """Two sample interviews (``SMALL``) with their reference indexing and fake-model suggestions at ``path`` (the
    Index page's decisions are under test or timed, not the suggestions' quality). Used by the page tests and
    ``bench/bench_app_pages.py``."""
    from toolkit import project as proj
    from toolkit.embed import FakeEmbedder
    from toolkit.indexing import service as sv
    from toolkit.sample import SAMPLE_DIR

    p = proj.create(path, name="Two sample interviews")
    try:
        proj.import_transcripts(p, [SAMPLE_DIR / n for n in SMALL], attributes=SAMPLE_DIR / "participants.csv")
        with (SAMPLE_DIR / "reference_indexing.csv").open(encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r["transcript"] in SMALL]
        ref = path.with_name(path.stem + "-reference.csv")
        with ref.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        proj.import_codings(p, ref, framework="lvi84", coder="reference")
        sv.suggest(p, "lvi84", FakeEmbedder())
    finally:
        p.close()
    return path


def page(name: str, project_path, **state) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=180)
    at.session_state["project_path"] = str(project_path)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def submit(at: AppTest, prefix: str) -> AppTest:
    """Click the submit button of the (only) form whose key starts with ``prefix``."""
    keys = [b.key for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{prefix}")]
    assert len(keys) == 1, keys
    return at.button(key=keys[0]).click().run()


DEFERRED: dict[str, object] = {}  # file id -> the callable a download button registered (the file is built on click)


def record_downloads(monkeypatch) -> None:
    """AppTest's runtime lives only during a run: keep the download buttons' callables (``DEFERRED``) so a test can
    build their files afterwards with ``download``."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    real = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = real(self, data_callable, *args, **kwargs)
        DEFERRED[file_id] = data_callable
        return file_id

    DEFERRED.clear()
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)


def download(at: AppTest, key: str) -> bytes:
    """Build the file of download button ``key`` as the browser's click would, and return its bytes."""
    btn = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))
    data = DEFERRED[btn.proto.deferred_file_id]()
    return data.encode() if isinstance(data, str) else data


def select_rows(at: AppTest, key: str, rows: list[int]) -> AppTest:
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def use_model(monkeypatch, model) -> None:
    """Serve ``model`` as the app's embedding model (``toolkit.app.common.embedder``, an ``st.cache_resource``)."""
    monkeypatch.setattr(toolkit.app.common, "embedder", lambda model_path=None: model)
