"""Every app page under ``streamlit.testing.v1.AppTest`` on a copy of the sample project; effects are checked through
the toolkit (what the page stored is read back from the project), never through the page's own output alone.
This file: the entry file, Project, Familiarize, Index, Agreement, Teaching mode, and rerun times; the Chart and Map
pages are in ``test_app_pages_chart_map.py``."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from app_helpers import APP, PAGES, ok, page, submit  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from toolkit import familiarize as fam  # noqa: E402
from toolkit import project as proj  # noqa: E402
from toolkit.store import core as db  # noqa: E402

# --- entry file -------------------------------------------------------------------------------------------------


def test_entry_opens_the_project_page_with_navigation(sample_project):
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120)
    at.session_state["project_path"] = str(sample_project.path)
    ok(at.run())
    assert at.title[0].value == "Project"
    assert at.sidebar.text_input(key="coder_input").value == "researcher"
    status = proj.status(sample_project)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Codings"] == str(status["codings"]) and shown["Transcripts"] == "12"
    # the coder typed in the sidebar is the one every page records
    at.sidebar.text_input(key="coder_input").input("anna").run()
    assert at.session_state["coder"] == "anna"
    at.switch_page(str(PAGES / "chart.py"))
    ok(at.run())
    assert at.title[0].value.startswith("3")


def test_entry_without_project_points_to_the_project_page(tmp_path):
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=60)
    at.session_state["project_path"] = str(tmp_path / "missing.fa")
    ok(at.run())
    assert any("No project is open" in i.value for i in at.info)


# --- project and familiarize -------------------------------------------------------------------------------------


def test_project_page_creates_a_project_and_imports_a_folder(tmp_path):
    target = tmp_path / "new.fa"
    at = page("project", tmp_path / "none.fa")
    assert any("No project is open" in i.value for i in at.info)
    at.text_input[0].input(str(target)).run()
    ok(at.button(key="create_project").click().run())
    assert target.is_file()
    folder = Path(proj.__file__).resolve().parent.parent / "transcripts_sample"
    box = next(t for t in at.text_input if t.label.startswith("...or a folder"))
    box.input(str(folder)).run()
    ok(at.button(key="import").click().run())
    from toolkit.store import open_project

    with open_project(target) as p:
        st_ = proj.status(p)
    assert st_["transcripts"] == 12 and st_["participants"] == 12
    assert {f["id"] for f in st_["frameworks"]} == {"lvi84", "lvi21"}
    assert any("Imported 12 transcript(s)" in s.value for s in at.success)


def test_project_page_shows_an_import_error_naming_the_file(sample_project, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "P99_bad.srt").write_text("1\n00:00:05,000 --> 00:00:01,000\nP99: backwards\n", encoding="utf-8")
    at = page("project", sample_project.path)
    before = proj.status(sample_project)["transcripts"]
    next(t for t in at.text_input if t.label.startswith("...or a folder")).input(str(bad)).run()
    at.button(key="import").click().run()
    assert not at.exception
    assert any("P99_bad.srt" in e.value for e in at.error)
    assert proj.status(sample_project)["transcripts"] == before


def test_familiarize_page_reads_searches_and_stores_a_memo(sample_project):
    at = ok(page("familiarize", sample_project.path))
    assert at.selectbox(key="transcript").value == "P01_gp_rural.txt"
    view = fam.transcript_view(sample_project, "P01_gp_rural.txt")
    shown = " ".join(m.value for m in at.markdown)
    assert all(html.escape(t) in shown for t in view.turns["text"])
    at.text_input(key="kwic_query").input("expect").run()
    ok(at)
    hits = fam.kwic(sample_project, "expect")
    assert f"{len(hits)} hit(s)" in " ".join(c.value for c in at.caption)
    at.text_area[0].input("Distance shapes referral.")
    ok(submit(at, "memo_form"))
    memos = fam.memos(sample_project, "P01_gp_rural.txt")
    assert list(memos["text"]) == ["Distance shapes referral."] and list(memos["author"]) == ["researcher"]


# --- index and agreement ---------------------------------------------------------------------------------------

SMALL = ("P01_gp_rural.txt", "P03_radiologist_urban.vtt")


@pytest.fixture(scope="session")
def suggested_file(tmp_path_factory):
    """Two sample interviews with their reference indexing and stored suggestions (fake model; built once)."""
    import csv

    from toolkit.embed import FakeEmbedder
    from toolkit.indexing import service as sv
    from toolkit.sample import SAMPLE_DIR

    folder = tmp_path_factory.mktemp("suggested")
    path = folder / "small.fa"
    p = proj.create(path, name="Two sample interviews")
    proj.import_transcripts(p, [SAMPLE_DIR / n for n in SMALL], attributes=SAMPLE_DIR / "participants.csv")
    with (SAMPLE_DIR / "reference_indexing.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcript"] in SMALL]
    ref = folder / "reference.csv"
    with ref.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    proj.import_codings(p, ref, framework="lvi84", coder="reference")
    sv.suggest(p, "lvi84", FakeEmbedder())
    p.close()
    return path


@pytest.fixture
def suggested(suggested_file, tmp_path):
    import shutil

    from toolkit.store import open_project

    dst = tmp_path / "small.fa"
    shutil.copy2(suggested_file, dst)
    with open_project(dst) as p:
        yield p


def _suggestions(project, transcript=SMALL[0]):
    from toolkit.indexing import service as sv

    return sv.passages(project, "lvi84", transcript)


def _mine(project, coder="researcher"):
    with project.read() as s:
        return db.codings_frame(s, framework_id="lvi84", coders=[coder], with_text=False)


def test_index_page_accept_reject_add_and_remove(suggested):
    at = ok(page("index", suggested.path))
    pas, sug, _cod = _suggestions(suggested)
    first = pas.iloc[0]
    here = sug[(sug.passage_id == first.id) & (sug.status == "open")]
    assert len(here) >= 2
    assert html.escape(first.text)[:80] in " ".join(m.value for m in at.markdown)
    top, second = int(here.id.iloc[0]), int(here.id.iloc[1])
    ok(at.button(key=f"accept_{top}").click().run())
    mine = _mine(suggested)
    assert len(mine) == 1 and mine.origin.iloc[0] == "suggestion"
    assert (int(mine.start.iloc[0]), int(mine.end.iloc[0])) == (int(first.start), int(first.end))
    assert mine.code_id.iloc[0] == here.code_id.iloc[0]
    _pas, sug, _cod = _suggestions(suggested)
    assert sug.set_index("id").loc[top, "status"] == "accepted"
    assert f"accept_{top}" not in [b.key for b in at.button]  # the page shows the decision, not a stale button
    ok(at.button(key=f"reject_{second}").click().run())
    assert _suggestions(suggested)[1].set_index("id").loc[second, "status"] == "rejected"
    at.selectbox(key=f"add_code_{first.id}").select("CUL01").run()
    ok(at.button(key=f"add_{first.id}").click().run())
    mine = _mine(suggested)
    added = mine[mine.code_id == "CUL01"]
    assert len(added) == 1 and added.origin.iloc[0] == "manual"
    ok(at.button(key=f"remove_{int(added.id.iloc[0])}").click().run())
    assert "CUL01" not in set(_mine(suggested).code_id)


def test_index_page_bulk_accept_with_undo(suggested):
    at = ok(page("index", suggested.path))
    _pas, sug, _cod = _suggestions(suggested)
    code = sug[sug.status == "open"].code_id.value_counts().index[0]
    at.selectbox(key="bulk_code").select(code).run()
    at.slider(key="bulk_threshold").set_value(0.0).run()
    ok(at.button(key="bulk_accept").click().run())
    from toolkit.store import indexing as idb

    with suggested.read() as s:
        expected = len(idb.suggestions_frame(s, "lvi84", code_id=code, status="accepted"))
    mine = _mine(suggested)
    assert len(mine) == expected > 0 and set(mine.code_id) == {code} and mine.batch.nunique() == 1
    ok(at.button(key="undo_batch").click().run())
    assert _mine(suggested).empty
    with suggested.read() as s:
        assert idb.suggestions_frame(s, "lvi84", code_id=code, status="accepted").empty


def test_index_page_jumps_to_the_most_uncertain_passage(suggested):
    from toolkit.indexing import service as sv

    at = ok(page("index", suggested.path))
    q = sv.review_queue(suggested, "lvi84", n=1)
    ok(at.button(key="uncertain").click().run())
    assert at.selectbox(key="index_transcript").value == q.transcript.iloc[0]
    assert html.escape(q.text.iloc[0])[:60] in " ".join(m.value for m in at.markdown)


def test_agreement_page_compares_two_coders_and_records_the_consensus(sample_project):
    from toolkit.indexing.agreement import compare_coders

    at = ok(page("agreement", sample_project.path))
    assert (at.selectbox(key="coder_a").value, at.selectbox(key="coder_b").value) == ("reference", "second")
    r = compare_coders(sample_project, "reference", "second", framework="lvi84")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Units"] == str(r["overall"]["units"])
    assert shown["Pooled kappa"] == f"{r['overall']['pooled_kappa']:.2f}"
    assert shown["Units that differ"] == str(len(r["disagreements"]))
    ok(at.button(key="record_consensus").click().run())
    with sample_project.read() as s:
        consensus = db.codings_frame(s, coders=["consensus"], with_text=False)
    assert len(consensus) > 0 and set(consensus.origin) == {"consensus"}
    assert any(f"Recorded {len(consensus)} consensus codings" in m.value for m in at.success)


# --- teaching mode -----------------------------------------------------------------------------------------------


def test_teach_page_walks_the_five_steps(sample_project):
    from toolkit import teaching

    at = ok(page("teach", sample_project.path))
    for step in teaching.STEPS:
        at.session_state["teach_step"] = step.key
        ok(at.run())
        assert at.header[0].value == step.title
        text = " ".join(m.value for m in at.markdown)
        assert step.action in text and step.why in text and all(w in text for w in step.what)
        assert any(step.exercise in i.value for i in at.info)
        assert any(teaching.SOURCE in c.value for c in at.caption)


def _code(at: AppTest, transcript: str, n: int, codes: list[str]) -> AppTest:
    at.session_state[f"teach_passage_{transcript}"] = n
    at.run()
    at.multiselect(key=f"teach_codes_{transcript}_{n}").set_value(codes)
    return ok(submit(at, f"teach_form_{transcript}_{n}"))


def test_teach_page_student_codes_a_transcript_and_gets_feedback(sample_project):
    from toolkit import teaching

    tr = "P01_gp_rural.txt"
    units = teaching.passages(sample_project, tr)
    at = ok(page("teach", sample_project.path, teach_step="index"))
    assert any("Type your name" in w.value for w in at.warning)
    at.text_input(key="teach_student").input("ola").run()
    # passage 3 is about distance to the scanner: the reference gives it ORG01 and ORG02
    _code(at, tr, 3, ["ORG01", "CON05"])
    _code(at, tr, 4, ["EXP01"])
    assert at.session_state[f"teach_passage_{tr}"] == 5  # saving moves on to the next passage
    mine = teaching.student_codes(sample_project, "ola", tr)
    assert mine == {(int(units.loc[3, "start"]), int(units.loc[3, "end"])): ["ORG01", "CON05"],
                    (int(units.loc[4, "start"]), int(units.loc[4, "end"])): ["EXP01"]}
    with sample_project.read() as s:
        stored = db.codings_frame(s, coders=["student:ola"], with_text=False)
    assert set(stored["origin"]) == {"manual"} and len(stored) == 3
    fb = teaching.feedback(sample_project, "ola", tr)
    shown = {m.label.split(" (n =")[0]: m.value for m in at.metric}
    assert shown["Agreement on the codes used"] == f"{fb['overall']['pooled_agreement']:.0%}"
    assert any(f"(n = {len(mine)} of {len(units)} passages coded)" in m.label for m in at.metric)  # with its n
    assert any("too few for stable figures" in w.value for w in at.warning)
    dis = fb["disagreements"]
    coded = dis[[(int(a), int(b)) in mine for a, b in zip(dis["start"], dis["end"], strict=True)]]
    first = coded[coded["start"] == units.loc[3, "start"]].iloc[0]
    assert (first["only_a"], first["only_b"], first["both"]) == (["ORG02"], ["CON05"], ["ORG01"])
    assert f"{len(coded)} passage(s) where your codes differ" in " ".join(c.value for c in at.caption)
    text = " ".join(m.value for m in at.markdown)
    for d in coded.itertuples():
        assert d.text[:80] in text
        for line in (d.only_a_definitions + "\n" + d.only_b_definitions).split("\n"):
            assert not line or line in text
    # changing a passage's codes replaces them
    _code(at, tr, 4, [])
    assert len(teaching.student_codes(sample_project, "ola", tr)) == 1


def test_teach_page_teacher_resets_a_students_work(sample_project):
    from toolkit import teaching

    tr = "P01_gp_rural.txt"
    with sample_project.read() as s:
        reference = len(db.codings_frame(s, coders=["reference"], with_text=False))
    at = ok(page("teach", sample_project.path, teach_step="index", teach_student="kari"))
    _code(at, tr, 0, ["ORG01"])
    _code(at, tr, 1, ["ORG02", "ORG03"])
    assert sum(map(len, teaching.student_codes(sample_project, "kari", tr).values())) == 3
    at.selectbox(key="teach_reset_who").select("student:kari").run()
    assert at.button(key="teach_reset").disabled
    at.checkbox(key="teach_reset_sure").check().run()
    ok(at.button(key="teach_reset").click().run())
    assert teaching.student_codes(sample_project, "kari", tr) == {}
    assert any("Removed 3 coding(s) and the exercise work of student:kari" in t.value for t in at.toast)
    with sample_project.read() as s:
        assert len(db.codings_frame(s, coders=["reference"], with_text=False)) == reference


def test_teaching_code_passage_refuses_bad_input_and_changes_nothing(sample_project):
    from toolkit import teaching
    from toolkit.errors import InputError

    tr = "P01_gp_rural.txt"
    with pytest.raises(InputError, match="NOPE"):
        teaching.code_passage(sample_project, "ola", tr, 1584, 1649, ["ORG01", "NOPE"])
    with pytest.raises(InputError, match="outside the transcript"):
        teaching.code_passage(sample_project, "ola", tr, 10, 10**7, ["ORG01"])
    with pytest.raises(InputError, match="student's name"):
        teaching.code_passage(sample_project, "  ", tr, 1584, 1649, ["ORG01"])
    assert teaching.students(sample_project) == []


# --- speed -------------------------------------------------------------------------------------------------------


def _rerun_ms(at: AppTest, n: int = 5) -> list[float]:
    import time

    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        at.run()
        times.append(round((time.perf_counter() - t0) * 1000))
    ok(at)
    return times


@pytest.mark.slow
@pytest.mark.parametrize("name,state", [
    ("project", {}), ("familiarize", {}), ("agreement", {}), ("chart", {}), ("chart", {"chart_tab": "Coverage"}),
    ("map", {"map_tab": "Key elements"}), ("interpret", {"interpret_tab": "Linkages"}),
    ("interpret", {"interpret_tab": "Findings"}), ("interpret", {"interpret_tab": "Driver map, measures and report"}), ("teach", {"teach_step": "index", "teach_student": "ola"}),
])
def test_page_rerun_takes_under_300_ms(sample_project, name, state):
    """A rerun (what every click costs) once the page's reads are cached: the median of five, under 300 ms."""
    import statistics

    times = _rerun_ms(ok(page(name, sample_project.path, **state)))
    assert statistics.median(times) < 300, f"{name} {state}: reruns took {times} ms"


@pytest.mark.slow
def test_index_page_rerun_takes_under_300_ms(suggested):
    import statistics

    times = _rerun_ms(ok(page("index", suggested.path)))
    assert statistics.median(times) < 300, f"index: reruns took {times} ms"
