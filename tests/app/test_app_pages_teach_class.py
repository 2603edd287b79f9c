"""Teaching mode on the page (AppTest): a teacher creates a class and two exercises, two students join and do them,
and the teacher opens each student's work and comments on it; the student reads the comment. A project without a
framework gets a sentence saying what Teaching mode needs, not a traceback."""

from __future__ import annotations

import pytest
from app_helpers import PAGES, download, ok, page, record_downloads, submit
from streamlit.testing.v1 import AppTest

from toolkit.teaching import classes as cl
from toolkit.teaching import codes_work as cw

pytestmark = pytest.mark.slow
TR = "P01_gp_rural.txt"
CLASS = "MSc 2026"


def _teacher(path):
    return ok(page("teach", path, teach_role="teacher"))


def _student(path, name: str, *, new: bool):
    at = ok(page("teach", path))
    assert at.selectbox(key="teach_student_class").value == CLASS
    if new:
        at.selectbox(key="teach_me").select("— a new name —").run()
        at.text_input(key="teach_join_name").input(name)
        ok(submit(at, "teach_join_form"))
        assert any("Tick the box" in w.value for w in at.warning)  # a new name is a confirmed action
        at.checkbox(key="teach_join_sure").check()
        ok(submit(at, "teach_join_form"))
    else:
        at.selectbox(key="teach_me").select(name).run()
    assert at.selectbox(key="teach_me").value == name
    return ok(at)


def test_a_teacher_sets_two_exercises_two_students_do_them_the_teacher_comments(sample_project, monkeypatch):
    p, path = sample_project, sample_project.path
    record_downloads(monkeypatch)
    at = _teacher(path)
    at.text_input(key="teach_new_class_name").input(CLASS)
    ok(submit(at, "teach_new_class"))
    assert at.selectbox(key="teach_class").value == CLASS
    # exercise 1: index P01 with three codes; exercise 2: summarise the cell P01 x CUL10
    at.selectbox(key="teach_ex_step").select("index").run()
    at.multiselect(key="teach_ex_tr").set_value([TR])
    at.multiselect(key="teach_ex_codes").set_value(["ORG01", "ORG02", "CUL10"])
    at.text_area(key="teach_ex_text").input("Index P01 with three codes.")
    ok(submit(at, "teach_ex_form"))
    at.selectbox(key="teach_ex_step").select("chart").run()
    at.multiselect(key="teach_ex_codes").set_value(["CUL10"])
    at.text_input(key="teach_ex_pid").input("P01")
    ok(submit(at, "teach_ex_form"))
    e1, e2 = cl.get_class(p, CLASS).exercises
    assert (e1.step, e1.codes, e1.instructions) == ("index", ("ORG01", "ORG02", "CUL10"), "Index P01 with three codes.")
    assert (e2.step, e2.item, e2.codes) == ("chart", "P01", ("CUL10",))

    # kari: a new name, confirmed; codes a passage, says "no code here" on the next, then summarises the cell
    at = _student(path, "kari", new=True)
    assert at.selectbox(key="teach_exercise").value == e1.id
    assert set(at.multiselect(key=f"teach_codes_{e1.id}_0").options) == {"ORG01 " + _label(p, "ORG01"),
                                                                         "ORG02 " + _label(p, "ORG02"),
                                                                         "CUL10 " + _label(p, "CUL10")}
    at.multiselect(key=f"teach_codes_{e1.id}_0").set_value(["ORG01"])
    ok(submit(at, f"teach_form_{e1.id}_0"))
    assert at.session_state[f"teach_passage_{e1.id}"] == 1
    ok(submit(at, f"teach_form_{e1.id}_1"))  # nothing chosen: "no code here", a decision too
    assert {m.label: m.value for m in at.metric}["Passages decided"].startswith("2 of")
    assert any("20" in w.value for w in at.warning)  # too few passages: said
    at.selectbox(key="teach_exercise").select(e2.id).run()
    at.checkbox(key=f"teach_cite_{e2.id}_1").check()
    at.text_area(key=f"teach_chart_text_{e2.id}").input("Locums refer more: no experience, no knowledge of patients.")
    ok(submit(at, f"teach_chart_form_{e2.id}"))
    assert any("no reference summary" in i.value for i in at.info)  # said, not compared with a raw passage

    # ola: joins, does one passage of exercise 1
    at = _student(path, "ola", new=True)
    at.multiselect(key=f"teach_codes_{e1.id}_0").set_value(["CUL10"])
    ok(submit(at, f"teach_form_{e1.id}_0"))
    assert cw.student_decisions(p, e1, "ola") == {(TR, *_first(p, e1)): ["CUL10"]}

    # the teacher follows the class: statuses and figures, kari's actual work, a comment back
    at = _teacher(path)
    grid = next(d.value for d in at.dataframe if "status" in d.value.columns).set_index("student")
    assert list(grid.index) == ["kari", "ola"] and grid.loc["kari", "status"] == "in progress"
    assert grid.loc["kari", "figures"].startswith("2 of") and "1 'no code here'" in grid.loc["kari", "figures"]
    at.selectbox(key="teach_follow_student").select("kari").run()
    assert {m.label: m.value for m in at.metric}["Passages decided"].startswith("2 of")  # her work, not a number
    at.text_area(key=f"teach_comment_{e1.id}_kari").input("Passage 1: read ORG01's definition again.")
    ok(submit(at, f"teach_comment_form_{e1.id}_kari"))
    at.selectbox(key="teach_follow_ex").select(2).run()
    at.selectbox(key="teach_follow_student").select("kari").run()
    assert any("Locums refer more" in m.value for m in at.markdown)  # her summary
    csv = download(at, "teach_csv").decode()
    assert csv.splitlines()[0] == "class,exercise,step,student,status,figures,comments" and len(csv.splitlines()) == 5
    assert download(at, "teach_docx")[:2] == b"PK"
    assert [c.text for c in cl.comments(p, [e1], "kari")] == ["Passage 1: read ORG01's definition again."]

    # the overview's link opens a student's work (a new tab: a new session)
    assert grid.loc["ola", "work"] == "teach?class=MSc+2026&exercise=1&work=ola"
    at = AppTest.from_file(str(PAGES / "teach.py"), default_timeout=180)
    at.session_state["project_path"] = str(path)
    at.query_params.update({"class": CLASS, "exercise": "1", "work": "ola"})
    ok(at.run())
    assert at.selectbox(key="teach_follow_student").value == "ola"
    assert {m.label: m.value for m in at.metric}["Passages decided"].startswith("1 of")

    # kari reads the comment beside her work
    at = _student(path, "kari", new=False)
    assert any(s.value == "Your teacher's comments" for s in at.subheader)
    assert any("read ORG01" in m.value for m in at.markdown)


def test_a_closed_exercise_is_not_shown_to_students(sample_project):
    cl.create_class(sample_project, CLASS, teacher="tove")
    cl.add_exercise(sample_project, CLASS, "index", [TR], teacher="tove", closes="2020-01-01")
    cl.join_class(sample_project, CLASS, "kari")
    at = _student(sample_project.path, "kari", new=False)
    assert any("No exercise of this class is open now" in i.value for i in at.info)


def test_a_project_without_a_framework_is_told_what_teaching_needs(tmp_path):
    from toolkit import project as proj

    proj.create(tmp_path / "bare.fa", shipped=False).close()
    at = ok(page("teach", tmp_path / "bare.fa"))
    assert any("needs a project with transcripts, a framework and a reference indexing" in w.value for w in at.warning)


def _label(p, code):
    from toolkit import project as proj

    return next(c.label for c in proj.get_framework(p, "lvi84").codes if c.id == code)


def _first(p, ex):
    r = cw.exercise_passages(p, ex).iloc[0]
    return int(r["start"]), int(r["end"])


def test_on_a_team_server_students_are_logins(sample_project, monkeypatch):
    from toolkit import team
    from toolkit.errors import InputError

    p, pw = sample_project, "a long enough password"
    team.add_user(p, "tove", pw, role="lead")
    team.add_user(p, "stu", pw, role="student")
    team.add_user(p, "ann", pw, role="coder")
    cl.create_class(p, CLASS, teacher="tove")
    ex = cl.add_exercise(p, CLASS, "index", [TR], teacher="tove")
    with pytest.raises(InputError, match="coder of the team, not a student"):
        cl.join_class(p, CLASS, "ann")
    monkeypatch.setenv("FA_TEAM", "1")
    monkeypatch.setenv("FA_PROJECT", str(p.path))
    at = AppTest.from_file(str(PAGES / "teach.py"), default_timeout=180)
    at.session_state["user"] = team.User("stu", "student")
    ok(at.run())
    assert "teach_role" not in [w.key for w in at.get("button_group")] and "teach_me" not in [s.key for s in
                                                                                                at.selectbox]
    ok(at.button(key="teach_join_login").click().run())  # the login is the student: no name to pick
    assert cl.get_class(p, CLASS).students == ("stu",)
    assert at.selectbox(key="teach_exercise").value == ex.id
    at = AppTest.from_file(str(PAGES / "teach.py"), default_timeout=180)
    at.session_state["user"] = team.User("tove", "lead")
    ok(at.run())
    assert at.selectbox(key="teach_class").value == CLASS  # the lead is the teacher
