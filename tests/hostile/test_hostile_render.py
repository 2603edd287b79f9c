"""The app renders project text as text: a hostile transcript, attribute, code label, summary or file name reaches
Markdown/HTML only escaped (no image, link, tag, code span or directive can form), checked through AppTest."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from app_helpers import page  # noqa: E402

from toolkit import charting as ch  # noqa: E402
from toolkit import codebook_csv
from toolkit import project as proj  # noqa: E402
from toolkit.errors import InputError  # noqa: E402
from toolkit.store import core as db
from toolkit.textsafe import md  # noqa: E402

IMG = "![b](http://127.0.0.1:9/x)"
TEXT = f"Look {IMG} <img src=http://127.0.0.1:9/y> `code` **bold** $x^2$ :red[red] [l](http://127.0.0.1:9/z)"
LABEL = "Distance ![i](http://127.0.0.1:9/label) <b>x</b>"
SUMMARY = "=1+1 then ![s](http://127.0.0.1:9/s)"
FW = f"""\
kind: framework
id: hostile
name: "Hostile <script>alert(1)</script>"
categories:
  - id: A
    label: "Access ![c](http://127.0.0.1:9/c)"
    codes:
      - id: A1
        label: "{LABEL}"
        definition: "Use it ![d](http://127.0.0.1:9/d)"
"""
MARKERS = ("](http", "<img", "<b>", "<script", "`code`", "**bold**", ":red[")


def _rendered(at) -> list[str]:
    """The text of every element that Streamlit renders as Markdown."""
    out = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title", "header", "subheader"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def _clean(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(_rendered(at))
    for m in MARKERS:
        assert m not in shown, (m, [x for x in _rendered(at) if m in x][:2])
    return shown


@pytest.fixture
def hostile(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "P01_x.txt").write_text(f"Interviewer: Anything else?\nP01: {TEXT}\n", encoding="utf-8")
    (d / "people.csv").write_text(f"id,group,setting\nP01,{IMG},rural\n", encoding="utf-8")
    (d / "fw.yaml").write_text(FW, encoding="utf-8")
    p = proj.create(tmp_path / "h.fa")
    proj.import_transcripts(p, d / "P01_x.txt", attributes=d / "people.csv")
    proj.add_framework(p, d / "fw.yaml")
    with p.transaction() as s:
        tr = db.transcript_by_name(s, "P01_x.txt")
        start = tr.text.index(TEXT)
        db.add_coding(s, transcript_id=tr.id, start=start, end=start + len(TEXT),
                      code_pk=db.code_pks(s, "hostile")["A1"], coder=db.coder_id(s, "ann ![c](http://127.0.0.1:9/c)"),
                      origin="manual")
    ch.set_summary(p, "hostile", "P01", "A1", SUMMARY, author="ann", status="reviewed")
    yield p
    p.close()


def test_familiarize_shows_a_hostile_transcript_and_attribute_as_text(hostile):
    at = page("familiarize", hostile.path)
    shown = _clean(at)
    assert md(TEXT) in shown  # shown, escaped, not dropped
    assert md(IMG) in shown  # the attribute, in the participant caption


def test_chart_shows_hostile_quotes_labels_and_coders_as_text(hostile):
    at = page("chart", hostile.path, framework="hostile", chart_participant="P01", chart_code="A1")
    shown = _clean(at)
    plain = "\n".join(str(e.value) for e in at.text)  # st.text: shown as typed, never read as Markdown
    assert (md(TEXT) in shown or TEXT in plain) and md(LABEL) in shown


def test_project_page_shows_hostile_names_and_errors_as_text(hostile, tmp_path):
    at = page("project", hostile.path)
    _clean(at)
    bad = tmp_path / "bad"
    bad.mkdir()
    name = "P02 ![b](evil) <img src=x>.srt"
    (bad / name).write_text("1\n00:00:05,000 --> 00:00:01,000\nP02: backwards\n", encoding="utf-8")
    next(t for t in at.text_input if t.label.startswith("...or a folder")).input(str(bad)).run()
    at.button(key="import").click().run()
    assert at.error and md(name) in at.error[0].value
    assert "![b](evil)" not in _clean(at)


def test_a_hostile_project_file_is_a_clean_error_in_the_app(tmp_path):
    path = tmp_path / "not.fa"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    at = page("familiarize", path)
    assert not at.exception
    assert at.error and "damaged" in at.error[0].value


def test_codebook_csv_ids_with_markup_are_refused(tmp_path):
    p = tmp_path / "cb.csv"
    p.write_text("code,label,definition,category\nA1`<img src=x>,L,D,C\n", encoding="utf-8")
    with pytest.raises(InputError, match="may only hold letters"):
        codebook_csv.read_codebook_csv(p)


def test_action_messages_and_their_errors_show_project_text_as_text():
    """Every page's action message ("Accepted A1.", "Nothing to review in P01.txt"...) and a callback's error pass
    through ``flash``: whatever names they carry from the project are shown, escaped."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st
        from toolkit.app.common import flash

        st.session_state["_flash"] = "Accepted A1 in P01 ![m](http://127.0.0.1:9/m) <img src=x>."
        st.session_state["_flash_error"] = "no transcript named `code` **bold** [l](http://127.0.0.1:9/z)"
        flash()

    at = AppTest.from_function(script).run()
    shown = _clean(at)
    assert md("P01 ![m](http://127.0.0.1:9/m) <img src=x>.") in shown and md("[l](http://127.0.0.1:9/z)") in shown
