"""Teaching mode: the five steps in the study's words, and a class: the teacher sets exercises and follows each
student's work; a student joins a class, does its open exercises and reads the feedback beside the reference."""

import streamlit as st
from toolkit.app import teach_class, teach_steps
from toolkit.app.common import act, flash, md, project, team_mode, user, version

from toolkit import teaching
from toolkit.errors import InputError
from toolkit.teaching import classes as cl

st.title("Teaching mode")
p = project()
flash(toast=True)


def step_card(step: teaching.Step) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**What the researcher does** (the study's Table 1)")
        st.markdown("\n".join(f"- {w}" for w in step.what))
        st.markdown("**What the study's team did**")
        st.markdown(f"> {step.action}")
        st.caption(f"Source: {teaching.SOURCE}")
    with right:
        st.markdown("**Why**")
        st.markdown(step.why)


@st.cache_data(show_spinner=False, max_entries=8)
def _classes(path: str, v: int) -> list[cl.ClassInfo]:
    return cl.list_classes(project())


def student_name(info: cl.ClassInfo) -> str | None:
    """The student working: the login on a team server; else a name picked from the class list (a new name is a
    confirmed action: it joins the class)."""
    if team_mode():
        name = user().name
        if name not in info.students:
            if st.button(f"Join {info.name} as {name}", key="teach_join_login", type="primary"):
                act(cl.join_class, p, info.name, name, cli="class join", done=f"You joined {info.name}.")
            return None
        return name
    new = "— a new name —"
    if "teach_me_next" in st.session_state:  # just joined: pick the new name (before the box exists)
        st.session_state["teach_me"] = st.session_state.pop("teach_me_next")
    pick = st.selectbox("Your name", [*info.students, new], key="teach_me", index=None,
                        placeholder="Pick your name from the class list")
    if pick != new:
        return pick
    with st.form("teach_join_form"):
        name = st.text_input("Your name (as your teacher knows you)", key="teach_join_name")
        sure = st.checkbox("Yes, add me to the class list under this name", key="teach_join_sure")
        if st.form_submit_button("Join the class", type="primary"):
            if not sure:
                st.warning("Tick the box to confirm the new name: it is added to the class list.")
            else:
                act(cl.join_class, p, info.name, name, cli="class join", done=f"{name} joined {info.name}.",
                    before_rerun=lambda: st.session_state.update(teach_me_next=" ".join(name.split())))
    return None


def student_view() -> None:
    classes = _classes(str(p.path), version())
    if not classes:
        st.info("No class yet: your teacher creates one (Teaching mode, 'I am the teacher').")
        return
    names = [c.name for c in classes]
    info = classes[names.index(st.selectbox("Class", names, key="teach_student_class"))]
    me = student_name(info)
    if not me:
        return
    shown = [e for e in info.exercises if e.is_open()]
    if not shown:
        st.info("No exercise of this class is open now.")
        return
    by_id = {e.id: e for e in shown}
    ex = by_id[st.selectbox("Exercise", list(by_id), format_func=lambda i: by_id[i].title, key="teach_exercise")]
    st.info(f"**{md(ex.title)}** ({md(ex.when())}). {md(ex.instructions)}", icon=":material/edit:")
    teach_steps.work(ex, me)
    notes = teach_steps.comments(ex, me)
    if notes:
        st.subheader("Your teacher's comments")
        for c in notes:
            st.markdown(f"**{md(c.author)}** ({c.created_at:%Y-%m-%d %H:%M}): {md(c.text)}")


with st.expander("The five steps in the study's words", expanded=False):
    titles = {s.key: s.title for s in teaching.STEPS}
    key = st.segmented_control("Step", list(titles), format_func=titles.get, key="teach_step", default="familiarize")
    step_card(next(s for s in teaching.STEPS if s.key == (key or "familiarize")))

@st.cache_data(show_spinner=False, max_entries=8)
def _ready(path: str, v: int) -> str | None:
    """What Teaching mode needs and this project lacks (None: nothing)."""
    try:
        cl.default_framework(p)
        cl.default_reference(p)
    except InputError as e:
        return str(e)
    return None


missing = _ready(str(p.path), version())
if missing:  # a project without a framework or a reference indexing: say what it needs
    st.warning(f"Teaching mode needs a project with transcripts, a framework and a reference indexing: {md(missing)}")
    st.stop()

if team_mode():
    role = "teacher" if user().role == "lead" else "student"
else:
    if st.query_params.get("work") and "teach_role" not in st.session_state:  # a link to a student's work
        st.session_state["teach_role"] = "teacher"
    role = st.segmented_control("I am", ["student", "teacher"], key="teach_role", default="student",
                                format_func=lambda r: f"the {r}") or "student"
if role == "teacher":
    teach_class.teacher_view()
else:
    student_view()
