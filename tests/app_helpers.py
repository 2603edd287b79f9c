"""Shared helpers of the app's page tests (``test_app_pages*.py``): run a page under AppTest on a project, check it
raised nothing, submit forms, build the file behind a download button, select dataframe rows, serve a given model."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import app.common

APP = Path(__file__).resolve().parent.parent / "app"
PAGES = APP / "app_pages"


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
    """Serve ``model`` as the app's embedding model (``app.common.embedder``, an ``st.cache_resource``)."""
    monkeypatch.setattr(app.common, "embedder", lambda model_path=None: model)
