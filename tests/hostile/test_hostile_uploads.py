"""Uploads in the app: a browser-supplied file name is only ever a base name inside a private temporary folder that
is removed afterwards (never a path), checked through AppTest with hostile names."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from app_helpers import page  # noqa: E402

from toolkit import project as proj  # noqa: E402
from toolkit.safeio import upload_name  # noqa: E402
from toolkit.textsafe import md  # noqa: E402

FW = """\
kind: framework
id: {fid}
name: Uploaded
categories:
  - id: A
    label: Access
    codes:
      - {{id: A1, label: Distance, definition: Travel distance.}}
"""


def test_upload_name_keeps_only_the_base_name():
    assert upload_name("../../../../var/x.yaml") == "x.yaml"
    assert upload_name("/var/x.yaml") == "x.yaml"
    assert upload_name("C:\\Users\\x\\fw.yaml") == "fw.yaml"
    assert upload_name("..") == upload_name(".") == upload_name("") == upload_name(None) == "upload"
    assert upload_name("a\x00b\n.yaml") == "ab.yaml"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Temporary folders of this test go to tmp_path/a/b, so a name climbing out of one lands in tmp_path/a."""
    base = tmp_path / "a" / "b"
    base.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    return base


def _framework_uploader(at):
    return next(u for u in at.file_uploader if u.label.startswith("Add a framework"))


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_hostile_framework_upload_names_write_nothing_outside_a_private_folder(sample_project, private_tmp, kind):
    tag = uuid.uuid4().hex[:8]
    name = f"../../fa-{tag}.yaml" if kind == "relative" else f"/var/tmp/fa-{tag}.yaml"
    targets = [private_tmp.parent / f"fa-{tag}.yaml", Path(f"/var/tmp/fa-{tag}.yaml"), Path(f"/fa-{tag}.yaml")]
    at = page("project", sample_project.path)
    _framework_uploader(at).set_value((name, FW.format(fid=f"up{tag}").encode(), "application/x-yaml"))
    at.run()
    at.button(key="add_framework").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Added up{tag}" in s.value for s in at.success)
    assert not any(t.exists() for t in targets)
    assert list(private_tmp.iterdir()) == []  # the private folder is gone
    assert f"up{tag}" in {f["id"] for f in proj.status(sample_project)["frameworks"]}
    fw = proj.get_framework(sample_project, f"up{tag}")
    assert fw.source_file == f"fa-{tag}.yaml"


def test_a_refused_upload_leaves_nothing_behind_and_names_the_upload(sample_project, private_tmp):
    tag = uuid.uuid4().hex[:8]
    at = page("project", sample_project.path)
    bad = FW.format(fid="bad").replace("definition:", "defintion:").encode()
    _framework_uploader(at).set_value((f"../../bad-{tag}.yaml", bad, "application/x-yaml"))
    at.run()
    at.button(key="add_framework").click().run()
    assert not at.exception
    assert any(md(f"bad-{tag}.yaml") in e.value and "defintion" in e.value for e in at.error), [e.value for e in at.error]
    assert not (private_tmp.parent / f"bad-{tag}.yaml").exists()
    assert list(private_tmp.iterdir()) == []


def test_hostile_transcript_upload_names(sample_project, private_tmp):
    tag = uuid.uuid4().hex[:8]
    at = page("project", sample_project.path)
    up = next(u for u in at.file_uploader if u.label == "Transcripts")
    up.set_value([(f"../../P77_{tag}.txt", b"Interviewer: Hi?\nP77: Hello from far away.\n", "text/plain"),
                  (f"/var/tmp/P78_{tag}.txt", b"Interviewer: Hi?\nP78: Hello from the root.\n", "text/plain")])
    at.run()
    at.button(key="import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    names = {t["name"] for t in _transcripts(sample_project)}
    assert {f"P77_{tag}.txt", f"P78_{tag}.txt"} <= names
    assert not (private_tmp.parent / f"P77_{tag}.txt").exists() and not Path(f"/var/tmp/P78_{tag}.txt").exists()
    assert list(private_tmp.iterdir()) == []


def _transcripts(project):
    from toolkit.store import core as db

    with project.read() as s:
        return db.transcripts(s)
