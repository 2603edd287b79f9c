"""Teaching mode: a guided walk through the five steps on the sample study. Each step says what the researcher does
and why, in the study's own words where possible, then sets an exercise. In indexing, the student codes a transcript
and gets agreement feedback against the reference indexing; a teacher can reset a student's work."""

import pandas as pd
import streamlit as st

from app import teach_steps
from app.common import act, coder, flash, md, project, show_error, transcript_picker, user, version
from toolkit import project as proj
from toolkit import teaching, team
from toolkit.errors import ToolkitError

FRAMEWORK = teaching.DEFAULT_FRAMEWORK
WHERE = {"familiarize": "the exercise below (read in **1 Familiarize**)", "index": "the exercise below",
         "chart": "the exercise below", "map": "the exercise below", "interpret": "the exercise below"}

st.title("Teaching mode")
p = project()
flash(toast=True)


@st.cache_data(show_spinner=False, max_entries=8)
def _codes(path: str, v: int) -> pd.DataFrame:
    fw = proj.get_framework(project(), FRAMEWORK)
    return pd.DataFrame([{"code": c.id, "category": c.category_id, "label": c.label, "definition": c.definition}
                         for c in fw.codes])


@st.cache_data(show_spinner=False, max_entries=16)
def _passages(path: str, transcript: str, v: int) -> pd.DataFrame:
    return teaching.passages(project(), transcript)


@st.cache_data(show_spinner=False, max_entries=16)
def _feedback(path: str, student: str, transcript: str, v: int) -> dict:
    return teaching.feedback(project(), student, transcript, framework=FRAMEWORK)


def step_card(step: teaching.Step) -> None:
    st.header(step.title)
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
        st.info(f"**Exercise.** {step.exercise}\n\nWork in {WHERE.get(step.key, 'the app')}.", icon=":material/edit:")


def coding_exercise(student: str) -> None:
    codes = _codes(str(p.path), version())
    label = dict(zip(codes["code"], codes["label"], strict=True))
    if user() is not None and user().role == "student":  # a team server: the transcripts the lead marked only
        marked = team.teaching_transcripts(p)
        if not marked:
            st.info("Your lead has not marked any transcript for teaching yet.")
            return
        transcript = st.selectbox("Transcript", marked, key="teach_transcript")
    else:
        transcript = transcript_picker("Transcript", key="teach_transcript")
    units = _passages(str(p.path), transcript, version())
    mine = teaching.student_codes(p, student, transcript) if student else {}
    if units.empty:
        st.warning("This transcript has no participant speech to code.")
        return
    done = sum(1 for r in units.itertuples() if (r.start, r.end) in mine)
    st.progress(done / len(units), text=f"You have coded {done} of {len(units)} passages of {md(transcript)}")
    key = f"teach_passage_{transcript}"
    n = st.session_state.get(key, 0) % len(units)
    r = units.iloc[n]
    c1, c2, c3 = st.columns([1, 4, 1])
    if c1.button("← Previous", key="teach_prev", disabled=n == 0):
        st.session_state[key] = n - 1
        st.rerun()
    c2.markdown(f"**Passage {n + 1} of {len(units)}** · {md(r['speaker'])}"
                + (" · coded" if (r["start"], r["end"]) in mine else " · not coded yet"))
    if c3.button("Next →", key="teach_next", disabled=n == len(units) - 1):
        st.session_state[key] = n + 1
        st.rerun()
    if r["question"]:
        st.caption(f"Question asked: {md(r['question'])}")
    with st.container(border=True):
        st.markdown(md(r["text"]))
    with st.form(f"teach_form_{transcript}_{n}"):
        chosen = st.multiselect("Codes for this passage", list(codes["code"]), key=f"teach_codes_{transcript}_{n}",
                                default=mine.get((r["start"], r["end"]), []),
                                format_func=lambda c: f"{c} {label[c]}", placeholder="Type a code or a word…")
        if st.form_submit_button("Save and go to the next passage", type="primary", disabled=not student):
            saved = act(teaching.code_passage, p, student, transcript, int(r["start"]), int(r["end"]), chosen,
                        framework=FRAMEWORK, cli="teach code --student --framework", done=None, rerun=False)
            if saved is not None:
                st.session_state[key] = min(n + 1, len(units) - 1)
                st.rerun()
    with st.expander("The codes and their definitions"):
        st.dataframe(codes, hide_index=True, width="stretch", height=320)
    feedback(student, transcript, mine)


def feedback(student: str, transcript: str, mine: dict) -> None:
    st.subheader("Your feedback")
    if not mine:
        st.info("Code a few passages first; then compare your indexing with the reference indexing here.")
        return
    try:
        fb = _feedback(str(p.path), student, transcript, version())
    except ToolkitError as e:
        show_error(e)
        return
    o = fb["overall"]
    st.caption(f"Compared passage by passage over all {fb['units']} passages of {md(transcript)}: a passage you have not "
               "coded yet counts as 'no code', so code the whole transcript before you read the figures.")
    done = sum(1 for r in _passages(str(p.path), transcript, version()).itertuples() if (r.start, r.end) in mine)
    total = fb["units"]
    if done < total / 2:
        st.warning(f"You have coded {done} of {total} passages: too few for stable figures. Agreement counts the "
                   "passages you have not coded as 'no code', and kappa swings widely on few passages.")
    m1, m2, m3 = st.columns(3)
    m1.metric(f"Agreement on the codes used (n = {done} of {total} passages coded)", f"{o['pooled_agreement']:.0%}",
              help="Share of (passage, code) decisions where you and the reference agree, over the codes either used")
    kappa = o["mean_kappa"]
    m2.metric(f"Mean kappa per code (n = {done} passages)",
              "–" if pd.isna(kappa) else f"{0.0 if abs(kappa) < 0.005 else kappa:.2f}",
              help="Cohen's kappa: agreement corrected for chance; 1 perfect, 0 chance. Unstable on few passages.")
    m3.metric("Agreement on coding a passage at all", f"{o['coded_at_all_agreement']:.0%}",
              help="Share of passages that both of you coded, or both left uncoded")
    per = fb["per_code"]
    per = per[(per["units_a"] > 0) | (per["units_b"] > 0)].rename(
        columns={"units_a": "reference", "units_b": "you", "units_both": "both"})
    st.caption("Per code: passages the reference and you gave it, both, and agreement (percent, Cohen's kappa, "
               "Krippendorff's alpha).")
    st.dataframe(per, hide_index=True, width="stretch", height=260,
                 column_config={"agreement": st.column_config.NumberColumn(format="percent"),
                                "kappa": st.column_config.NumberColumn(format="%.2f"),
                                "alpha": st.column_config.NumberColumn(format="%.2f")})
    dis = fb["disagreements"]
    only_coded = st.toggle("Only the passages I have coded", value=True, key="teach_only_coded")
    if only_coded and not dis.empty:
        dis = dis[[(int(a), int(b)) in mine for a, b in zip(dis["start"], dis["end"], strict=True)]]
    st.caption(f"{len(dis)} passage(s) where your codes differ from the reference.")
    for d in dis.itertuples():
        with st.container(border=True):
            st.markdown(f"> {md(d.text)}")
            a, b = st.columns(2)
            a.markdown("**Only the reference:**\n\n" + _defs(d.only_a_definitions))
            b.markdown("**Only you:**\n\n" + _defs(d.only_b_definitions))
            if d.both:
                st.caption(f"Both: {md(', '.join(d.both))}")


def _defs(text: str) -> str:
    return "\n".join(f"- {md(line)}" for line in text.split("\n") if line) or "_nothing_"


def teacher() -> None:
    with st.expander("For teachers: reset a student's work"):
        names = teaching.students(p)
        if not names:
            st.caption("No student has coded yet.")
            return
        who = st.selectbox("Student", names, key="teach_reset_who")
        sure = st.checkbox(f"Remove every coding of {md(who)} (kept in the project's history)",
                           key="teach_reset_sure")
        if st.button("Reset", key="teach_reset", disabled=not sure):
            act(teaching.reset_student, p, who, teacher=coder(), cli="teach reset --student --teacher",
                done=lambda n: f"Removed {n} coding(s) and the exercise work of {who}.")


me = user()
if me is not None and me.role == "student":  # a team server: the login is the student, never a typed name
    name = me.name
    st.caption(f"Your work is stored as coder `{teaching.STUDENT_PREFIX}{md(name)}`.")
else:
    if "teach_student" not in st.session_state:
        st.session_state["teach_student"] = st.query_params.get("student", "")
    name = st.text_input("Your name (student)", key="teach_student",
                         help=f"Your work is stored as coder `{teaching.STUDENT_PREFIX}<name>`, apart from the "
                              "researchers' coding.").strip()
    if name and st.query_params.get("student") != name:
        st.query_params["student"] = name
titles = {s.key: s.title for s in teaching.STEPS}
key = st.segmented_control("Step", list(titles), format_func=titles.get, key="teach_step", default="familiarize")
step = next(s for s in teaching.STEPS if s.key == (key or "familiarize"))
step_card(step)
if step.key == "index":
    st.subheader("Exercise: index a transcript")
    if not name:
        st.warning("Type your name above to save your coding.")
    coding_exercise(name)
elif step.key in ("familiarize", "chart", "map", "interpret"):
    {"familiarize": teach_steps.familiarize, "chart": teach_steps.chart, "map": teach_steps.mapping,
     "interpret": teach_steps.interpret}[step.key](name)
if me is None or me.can("teaching_reset"):  # the teacher's tools: not a student's
    if st.toggle("Teacher's overview of every student", key="teach_show_overview"):
        teach_steps.overview()
    teacher()
