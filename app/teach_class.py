"""Teaching mode, the teacher's side: create a class, set exercises, follow the class (each student's status,
figures and actual work), comment, set a key, accept a match, export the results (CSV and Word)."""

from __future__ import annotations

import streamlit as st
from toolkit.app import teach_steps
from toolkit.app.common import act, coder, file_bytes, md, project, team_mode, user, version

from toolkit import overview, teaching, team
from toolkit.safeio import csv_bytes
from toolkit.teaching import cells_work as cw5
from toolkit.teaching import classes as cl
from toolkit.teaching import codes_work as cw
from toolkit.teaching import results as rs

STEP_TITLES = {s.key: s.title for s in teaching.STEPS}


def me(info: cl.ClassInfo) -> str:
    """Who acts as the teacher: the login on a team server, else the class's teacher."""
    return user().name if team_mode() else info.teacher


@st.cache_data(show_spinner="Reading every student's work…", max_entries=4)
def _overview(path: str, klass: str, v: int):
    return rs.class_overview(project(), klass)


def new_class() -> None:
    with st.form("teach_new_class", clear_on_submit=True):
        name = st.text_input("Name of the new class", key="teach_new_class_name")
        teacher = user().name if team_mode() else st.text_input("Your name (the teacher)", value=coder(),
                                                                 key="teach_new_class_teacher")
        if st.form_submit_button("Create the class", type="primary"):
            act(cl.create_class, project(), name, teacher=teacher, cli="class create --teacher",
                done=lambda n: f"Class {n} created.")


@st.cache_data(show_spinner=False, max_entries=8)
def _choices(path: str, v: int) -> tuple[list[str], list[str]]:
    """Frameworks and transcripts an exercise may use: on a team server only the transcripts the lead marked for
    teaching (``python -m toolkit teaching URL T --lead``), so students never see the research transcripts."""
    names = (team.teaching_transcripts(project()) if team_mode()
             else [t["name"] for t in overview.transcripts(project())])
    return [f["id"] for f in overview.frameworks(project())], names


def new_exercise(info: cl.ClassInfo) -> None:
    p = project()
    fws, names = _choices(str(p.path), version())
    step = st.selectbox("Step", list(STEP_TITLES), format_func=STEP_TITLES.get, key="teach_ex_step")
    fw = st.selectbox("Framework", fws, key="teach_ex_fw",
                      index=fws.index(teaching.DEFAULT_FRAMEWORK) if teaching.DEFAULT_FRAMEWORK in fws else 0)
    codes = list(teach_steps.codes_table(fw, ())["code"])
    with st.form("teach_ex_form", clear_on_submit=True):
        trs = st.multiselect("Transcript(s)", names, key="teach_ex_tr", default=names[:1] if step in (
            "familiarize", "index", "interpret") else [])
        picked = st.multiselect("Codes (none: the whole framework; chart and map: one)", codes, key="teach_ex_codes")
        item = None
        if step == "chart":
            item = st.text_input("Participant of the cell (e.g. P01)", key="teach_ex_pid")
        elif step == "interpret":
            item = st.text_input("The finding the students check", key="teach_ex_finding")
        text = st.text_area("Instructions (empty: the step's own)", key="teach_ex_text",
                            placeholder=cl.DEFAULT_INSTRUCTIONS[step])
        a, b, c = st.columns(3)
        opens = a.date_input("Opens", value=None, key="teach_ex_opens")
        closes = b.date_input("Closes", value=None, key="teach_ex_closes")
        sugg = c.checkbox("Show code suggestions", key="teach_ex_sugg", disabled=step != "index")
        if st.form_submit_button("Add the exercise", type="primary"):
            act(cl.add_exercise, p, info.name, step, trs, teacher=me(info), framework=fw, codes=picked,
                instructions=text, opens=opens, closes=closes, suggestions=sugg, item=item,
                cli="class exercise add --step --transcript --framework --codes --instructions --opens --closes",
                done=lambda e: f"{e.title} added.")


def follow(info: cl.ClassInfo) -> None:
    """The overview per exercise, a student's actual work, comments, the key, exports."""
    table = _overview(str(project().path), info.name, version())
    st.subheader("Follow the class")
    if not info.exercises:
        st.caption("No exercise yet.")
        return
    exs = {e.position: e for e in info.exercises}
    _from_link("teach_follow_ex", "exercise", lambda v: int(v) if v.isdigit() and int(v) in exs else None)
    _from_link("teach_follow_student", "work", lambda v: v if v in info.students else None)
    pos = st.selectbox("Exercise", list(exs), format_func=lambda n: exs[n].title, key="teach_follow_ex")
    ex = exs[pos]
    st.caption(f"{md(ex.instructions)} ({md(ex.when())})")
    from urllib.parse import urlencode

    rows = table[table["exercise"] == pos].drop(columns=["class", "exercise", "step"])
    rows["work"] = [f"teach?{urlencode({'class': info.name, 'exercise': pos, 'work': w})}" for w in rows["student"]]
    st.dataframe(rows, hide_index=True, width="stretch", key="teach_follow_grid",
                 column_config={"work": st.column_config.LinkColumn("work", display_text="open the work")})
    if ex.step == "interpret":
        with st.expander("Your key: mark the passages as the reference (the students' marks are compared with it)"):
            with st.form(f"teach_key_form_{ex.id}"):
                marks = teach_steps.marking(ex, ex.key.get("marks", {}), prefix="teach_key")
                if st.form_submit_button("Save the key", type="primary"):
                    act(cw5.key_marks, project(), ex, marks, teacher=me(info), cli="class exercise key --mark",
                        done="The key is saved.")
    if not info.students:
        st.caption("No student has joined yet.")
        return
    who = st.selectbox("Open a student's work", info.students, key="teach_follow_student")
    with st.container(border=True):
        st.markdown(f"**{md(who)}** · {md(ex.title)}")
        teach_steps.feedback(ex, who)
        if ex.step == "familiarize":
            _accept(ex, who, me(info))
        for c in teach_steps.comments(ex, who):
            st.caption(f"{md(c.author)}, {c.created_at:%Y-%m-%d %H:%M}: {md(c.text)}")
        with st.form(f"teach_comment_form_{ex.id}_{who}", clear_on_submit=True):
            text = st.text_area(f"Your comment to {who}", key=f"teach_comment_{ex.id}_{who}")
            if st.form_submit_button("Send the comment", type="primary"):
                act(cl.comment, project(), info.name, pos, who, text, teacher=me(info), cli="class comment --teacher",
                    done=f"Comment sent to {who}.")
    a, b, p = *st.columns(2), project()  # the files are built on click, outside the page's run: keep the project
    a.download_button("Class results (CSV)", key="teach_csv", file_name=f"{info.name}.csv", mime="text/csv",
                      data=lambda: csv_bytes(rs.class_overview(p, info.name)))
    b.download_button("Class summary (Word)", key="teach_docx", file_name=f"{info.name}.docx",
                      data=lambda: file_bytes(lambda path: rs.export_docx(p, info.name, path), ".docx"))


def _accept(ex: cl.Exercise, who: str, teacher: str) -> None:
    fb = teach_steps.read("codes", ex, who)
    pairs = [(f.label, n.code) for f in fb for n in f.near if n.code not in f.matched]
    if not pairs:
        return
    with st.form(f"teach_accept_form_{ex.id}_{who}"):
        pick = st.selectbox("Accept a match the passages do not show", pairs, key=f"teach_accept_{ex.id}_{who}",
                            format_func=lambda lc: f"{lc[0]} = {lc[1]}")
        if st.form_submit_button("Accept the match"):
            act(cw.accept_match, project(), ex, who, pick[0], pick[1], teacher=teacher, cli="class accept --teacher",
                done="Match accepted.")


def _from_link(key: str, param: str, check) -> None:
    """A link from the overview (``?class=C&exercise=N&work=STUDENT``) opens that work: the widget starts there."""
    value = st.query_params.get(param)
    if value is not None and key not in st.session_state and check(value) is not None:
        st.session_state[key] = check(value)


@st.cache_data(show_spinner=False, max_entries=8)
def _classes(path: str, v: int) -> list[cl.ClassInfo]:
    return cl.list_classes(project())


def teacher_view() -> None:
    classes = _classes(str(project().path), version())
    names = [c.name for c in classes]
    with st.expander("Create a class", expanded=not names):
        new_class()
    if not names:
        return
    _from_link("teach_class", "class", lambda v: v if v in names else None)
    name = st.selectbox("Class", names, key="teach_class")
    info = next(c for c in classes if c.name == name)
    st.caption(f"Students: {md(', '.join(info.students)) or 'none yet'}. Exercises: "
               + (md("; ".join(f"{e.title} ({e.when()})" for e in info.exercises)) or "none yet") + ".")
    with st.expander("Set an exercise", expanded=not info.exercises):
        new_exercise(info)
    follow(info)
