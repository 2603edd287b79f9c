"""Coder identity: the human coders apart from model and student identities; a new coder is an explicit action whose
name is checked (not empty, no control characters, no clash ignoring case: "Researcher" when "researcher" exists is
refused naming it); the sidebar picks from the project's coders and adds one only after a confirmation."""

from __future__ import annotations

import pytest
from app_helpers import APP, ok
from streamlit.testing.v1 import AppTest

from toolkit import coders
from toolkit.cli import main as cli
from toolkit.errors import InputError
from toolkit.store import core as db


def test_rules_of_a_new_name():
    existing = ["researcher", "model:minilm", "student:ola"]
    assert coders.check_new_name("  ann ", existing) == "ann"
    for bad, why in (("", "empty"), ("   ", "empty"), ("a\tb", "control"), ("a\nb", "control"),
                     ("Researcher", "'researcher'"), ("RESEARCHER", "'researcher'"), ("researcher", "already exists"),
                     ("student:kari", "Teaching"), ("x" * 81, "at most")):
        with pytest.raises(InputError, match=why):
            coders.check_new_name(bad, existing)


def test_humans_apart_from_models_and_students(sample_project):
    p = sample_project
    with p.transaction("coder.add", actor="t") as s:
        db.coder_id(s, "model:all-MiniLM", kind="model")
        db.coder_id(s, "student:ola")
    roles = {c.name: c.role for c in coders.coders(p)}
    assert roles == {"reference": "human", "second": "human", "model:all-MiniLM": "model", "student:ola": "student"}
    assert coders.human_coders(p) == ["reference", "second"]
    assert coders.add_coder(p, " ann ") == "ann" and "ann" in coders.human_coders(p)
    with pytest.raises(InputError, match="clashes with the existing coder 'reference'"):
        coders.add_coder(p, "Reference")
    assert coders.human_coders(p) == ["ann", "reference", "second"]  # nothing added by the refusal


def test_cli_coder_list_and_add(sample_project, capsys):
    path = str(sample_project.path)
    sample_project.close()
    assert cli(["coder", "add", path, "ann"]) == 0
    assert cli(["coder", "add", path, "ANN"]) == 2
    assert "clashes with the existing coder 'ann'" in capsys.readouterr().err
    assert cli(["coder", "list", path]) == 0
    out = capsys.readouterr().out
    assert "ann" in out and "human" in out and "ANN" not in out


def test_sidebar_picks_a_coder_and_adds_one_after_confirming(sample_project):
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120)
    at.session_state["project_path"] = str(sample_project.path)
    at.query_params["coder"] = "Reference"  # differs only in case: that coder, never a second identity
    ok(at.run())
    assert at.session_state["coder"] == "reference"
    box = at.sidebar.selectbox(key="coder_select")
    assert box.options == ["reference", "second"]
    ok(box.select("second").run())
    assert at.session_state["coder"] == "second" and at.query_params.get("coder") == "second"
    # a clash is refused with the existing name, nothing added
    at.sidebar.text_input(key="coder_new").input("SECOND").run()
    assert any("clashes with the existing coder" in e.value for e in at.error)
    assert coders.human_coders(sample_project) == ["reference", "second"]
    # a new name asks first; only the confirmation adds it and makes it the coder
    ok(at.sidebar.text_input(key="coder_new").input("ann").run())
    assert any("Add **ann** as a new coder" in w.value for w in at.sidebar.warning)
    assert "ann" not in coders.human_coders(sample_project)
    ok(at.sidebar.button(key="coder_new_confirm").click().run())
    assert coders.human_coders(sample_project) == ["ann", "reference", "second"]
    assert at.session_state["coder"] == "ann" and at.sidebar.selectbox(key="coder_select").value == "ann"
