"""The five exercise kinds of a class (Teaching mode): the student's task and the feedback beside the reference.
``work(ex, student)`` is the student's page; ``feedback(ex, student)`` is also the teacher's view of their work.
Every share is written with ``teaching.pct``; every text from the project goes through ``md``."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from toolkit.app.common import act, md, project, project_embedder, version

from toolkit import teaching
from toolkit.teaching import cells_work as cw5
from toolkit.teaching import codes_work as cw
from toolkit.teaching.classes import Exercise

MARK_WORDS = {"": "–", "support": "supports", "counter": "counter-evidence", "mentions": "mentions only",
              "silent": "silent on it"}


@st.cache_data(show_spinner=False, max_entries=16)
def _passages(path: str, ex_id: int, v: int, _ex: Exercise) -> pd.DataFrame:
    return cw.exercise_passages(project(), _ex)


@st.cache_data(show_spinner=False, max_entries=8)
def _codes(path: str, framework: str, codes: tuple[str, ...], v: int) -> pd.DataFrame:
    from toolkit import project as proj

    fw = proj.get_framework(project(), framework)
    return pd.DataFrame([{"code": c.id, "label": c.label, "definition": c.definition} for c in fw.codes
                         if not codes or c.id in codes])


@st.cache_data(show_spinner=False, max_entries=16)
def _cells(path: str, ex_id: int, v: int, _ex: Exercise) -> list:
    return cw5.cell_passages(project(), _ex)


@st.cache_data(show_spinner=False, max_entries=16)
def _items(path: str, ex_id: int, v: int, _ex: Exercise) -> list:
    return cw5.map_items(project(), _ex)


@st.cache_data(show_spinner="Ordering the passages by closeness to the finding…", max_entries=8)
def _candidates(path: str, ex_id: int, finding: str, _ex: Exercise) -> list:
    return cw5.candidates(project(), _ex, project_embedder(lazy=True))


@st.cache_data(show_spinner=False, max_entries=64)
def _read(path: str, fn_name: str, ex_id: int, student: str, v: int, _ex: Exercise):
    """A cached read of one student's work or feedback (keyed by the project's version: any change refreshes it)."""
    fn = {"decisions": cw.student_decisions, "codes": cw.codes_feedback, "index": cw.index_feedback,
          "chart": cw5.summary_feedback, "map": cw5.mapping_feedback, "interpret": cw5.marks_feedback,
          "work": cw.load_work}[fn_name]
    return fn(project(), _ex, student)


@st.cache_data(show_spinner=False, max_entries=64)
def _comments(path: str, ex_id: int, student: str, v: int, _ex: Exercise) -> list:
    from toolkit.teaching.classes import comments as read_comments

    return read_comments(project(), [_ex], student)


def comments(ex: Exercise, student: str) -> list:
    return _comments(str(project().path), ex.id, student, version(), ex)


def read(fn_name: str, ex: Exercise, student: str):
    return _read(str(project().path), fn_name, ex.id, student, version(), ex)


def codes_table(framework: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """The codes of a framework (or of an exercise's subset): code, label, definition."""
    return _codes(str(project().path), framework, codes, version())


def _short(text: str, n: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def work(ex: Exercise, student: str) -> None:
    """The student's task for one exercise, then their feedback."""
    {"familiarize": _familiarize, "index": _index, "chart": _chart, "map": _map,
     "interpret": _interpret}[ex.step](ex, student)
    st.subheader("Your feedback")
    feedback(ex, student)


# --- the tasks ----------------------------------------------------------------------------------------------------


def _familiarize(ex: Exercise, student: str) -> None:
    units = _passages(str(project().path), ex.id, version(), ex)
    with st.expander(f"Read the transcript: {len(units)} passages", expanded=False):
        for i, r in enumerate(units.itertuples(), start=1):
            st.markdown(f"**{i}.** {md(r.text)}")
    saved = read("work", ex, student).get("codes", [])
    where = {(r.transcript, int(r.start), int(r.end)): j for j, r in enumerate(units.itertuples())}
    n = st.number_input("How many codes", 1, 20, max(3, len(saved)), key=f"teach_fam_n_{ex.id}")
    opts = list(range(len(units)))
    with st.form(f"teach_fam_form_{ex.id}"):
        rows = []
        for i in range(int(n)):
            old = saved[i] if i < len(saved) else {"label": "", "passages": []}
            a, b = st.columns([1, 2])
            label = a.text_input(f"Code {i + 1}", key=f"teach_fam_label_{ex.id}_{i}", value=old["label"])
            ticked = b.multiselect(f"Passages code {i + 1} applies to", opts, key=f"teach_fam_spans_{ex.id}_{i}",
                                   default=[where[tuple(s)] for s in old["passages"] if tuple(s) in where],
                                   format_func=lambda j: f"{j + 1}. {_short(units.iloc[j]['text'])}")
            rows.append(cw.StudentCode(label, tuple((units.iloc[j]["transcript"], int(units.iloc[j]["start"]),
                                                     int(units.iloc[j]["end"])) for j in ticked)))
        go = st.form_submit_button("Save my codes and compare", type="primary")
    if go:
        act(cw.save_codes, project(), ex, student, rows, project_embedder(), cli="class codes --code",
            done="Your codes are saved.")


def _index(ex: Exercise, student: str) -> None:
    units = _passages(str(project().path), ex.id, version(), ex)
    if units.empty:
        st.warning("This exercise's transcripts have no participant speech to code.")
        return
    mine = read("decisions", ex, student)
    codes = _codes(str(project().path), ex.framework, ex.codes, version())
    label = dict(zip(codes["code"], codes["label"], strict=True))
    done = sum(1 for r in units.itertuples() if (r.transcript, r.start, r.end) in mine)
    st.progress(done / len(units), text=f"You have decided {done} of {len(units)} passages")
    key = f"teach_passage_{ex.id}"
    n = st.session_state.get(key, 0) % len(units)
    r = units.iloc[n]
    span = (r["transcript"], int(r["start"]), int(r["end"]))
    c1, c2, c3 = st.columns([1, 4, 1])
    if c1.button("← Previous", key="teach_prev", disabled=n == 0):
        st.session_state[key] = n - 1
        st.rerun()
    state = ("no code here" if mine.get(span) == [] else "coded") if span in mine else "not decided yet"
    c2.markdown(f"**Passage {n + 1} of {len(units)}** · {md(r['transcript'])} · {md(r['speaker'])} · {state}")
    if c3.button("Next →", key="teach_next", disabled=n == len(units) - 1):
        st.session_state[key] = n + 1
        st.rerun()
    if r["question"]:
        st.caption(f"Question asked: {md(r['question'])}")
    with st.container(border=True):
        st.markdown(md(r["text"]))
    if ex.suggestions:
        hint = cw.suggested_codes(project(), ex).get(span, [])
        st.caption("Suggested: " + (md(", ".join(f"{c} {label.get(c, '')}" for c in hint)) if hint else
                                    "nothing for this passage"))
    with st.form(f"teach_form_{ex.id}_{n}"):
        chosen = st.multiselect("Codes for this passage (none: 'no code here')", list(codes["code"]),
                                key=f"teach_codes_{ex.id}_{n}", default=mine.get(span, []),
                                format_func=lambda c: f"{c} {label[c]}", placeholder="Type a code or a word…")
        if st.form_submit_button("Save and go to the next passage", type="primary"):
            saved = act(cw.index_passage, project(), ex, student, *span, chosen, cli="class index", done=None,
                        rerun=False)
            if saved is not None:
                st.session_state[key] = min(n + 1, len(units) - 1)
                st.rerun()
    with st.expander("The codes and their definitions"):
        st.dataframe(codes, hide_index=True, width="stretch", height=280)


def _chart(ex: Exercise, student: str) -> None:
    cells = _cells(str(project().path), ex.id, version(), ex)
    mine = read("work", ex, student)
    with st.form(f"teach_chart_form_{ex.id}"):
        ticks = {}
        for i, q in enumerate(cells, start=1):
            st.markdown(f"**{i}.** {md(q.text.strip())}")
            ticks[q.coding_id] = st.checkbox(f"My summary rests on passage {i}", key=f"teach_cite_{ex.id}_{i}",
                                             value=q.coding_id in mine.get("cited", []))
        text = st.text_area("Your summary (in your words)", key=f"teach_chart_text_{ex.id}",
                            value=mine.get("summary", ""))
        go = st.form_submit_button("Save my summary and compare", type="primary")
    if go:
        act(cw5.save_summary, project(), ex, student, text, [i for i, t in ticks.items() if t],
            cli="class summary --text --cite", done="Your summary is saved.")


def _map(ex: Exercise, student: str) -> None:
    items = _items(str(project().path), ex.id, version(), ex)
    mine = {r[0]: r for r in read("work", ex, student).get("rows", [])}
    st.caption("Table 2 of the study: summary → key elements → key dimensions → categories. Write one key element "
               "for each summary, then the key dimension it belongs to, then the category of that dimension.")
    with st.form(f"teach_map_form_{ex.id}"):
        rows = []
        for it in items:
            st.markdown(f"**{md(it.participant)}** " + ("(summary)" if it.is_summary else
                                                       "(no summary written: the passages)"))
            st.caption(md(it.text))
            old = mine.get(it.participant, ["", "", "", ""])
            a, b, c = st.columns(3)
            rows.append(cw5.MapRow(it.participant,
                                   a.text_input("Key element", value=old[1], key=f"teach_ke_{ex.id}_{it.participant}"),
                                   b.text_input("Key dimension", value=old[2],
                                                key=f"teach_dim_{ex.id}_{it.participant}"),
                                   c.text_input("Category", value=old[3], key=f"teach_cat_{ex.id}_{it.participant}")))
        go = st.form_submit_button("Save my mapping and compare", type="primary")
    if go:
        act(cw5.save_mapping, project(), ex, student, [r for r in rows if r.key_element.strip()],
            cli="class map --row", done="Your mapping is saved.")


def marking(ex: Exercise, marks: dict[str, str], *, prefix: str) -> dict[str, str]:
    """Step 5's marking widgets (the student's marks, or the teacher's key): passage key -> mark."""
    st.markdown(f"**The finding:** {md(ex.item)}")
    st.caption("The passages closest in meaning to the finding come first to read: an order, not a verdict. Decide "
               "for each what it says about the finding.")
    out = {}
    for i, c in enumerate(_candidates(str(project().path), ex.id, ex.item, _ex=ex), start=1):
        with st.container(border=True):
            st.markdown(f"**{i}.** {md(c.text)}")
            out[c.key] = st.radio("Mark", list(MARK_WORDS), key=f"{prefix}_{ex.id}_{i}", horizontal=True,
                                  index=list(MARK_WORDS).index(marks.get(c.key, "")), format_func=MARK_WORDS.get,
                                  label_visibility="collapsed")
    return out


def _interpret(ex: Exercise, student: str) -> None:
    with st.form(f"teach_int_form_{ex.id}"):
        marks = marking(ex, read("work", ex, student).get("marks", {}), prefix="teach_mark")
        go = st.form_submit_button("Save my marks and compare", type="primary")
    if go:
        act(cw5.save_marks, project(), ex, student, marks, cli="class mark --mark", done="Your marks are saved.")


# --- the feedback (the student's, and the teacher's view of a student's work) --------------------------------------


def feedback(ex: Exercise, student: str) -> None:
    {"familiarize": _fb_familiarize, "index": _fb_index, "chart": _fb_chart, "map": _fb_map,
     "interpret": _fb_interpret}[ex.step](ex, student)


def _fb_familiarize(ex: Exercise, student: str) -> None:
    fb = read("codes", ex, student)
    if not fb:
        st.info("Nothing saved yet.")
        return
    for f in fb:
        with st.container(border=True):
            st.markdown(f"**{md(f.label)}**: {md(f.reading)}")
            if f.passages:
                st.caption("Applied to: " + md(" · ".join(_short(t, 90) for t in f.passages)))
            for n in f.near:
                tag = ("**same passages**" if n.shared else "accepted by the teacher" if n.accepted else
                       "not on your passages")
                near = "" if n.similarity != n.similarity else f", closeness {n.similarity:.2f}"
                st.markdown(f"- **{md(n.code)} {md(n.label)}** ({tag}{near}): {md(n.definition)}")
            for n in f.near:
                if n.passages:
                    with st.expander(f"The reference passages of {n.code} ({len(n.passages)})"):
                        for t in n.passages:
                            st.markdown(f"> {md(t)}")


def _fb_index(ex: Exercise, student: str) -> None:
    fb = read("index", ex, student)
    if not fb.decided:
        st.info("Decide a few passages first; then compare your indexing with the reference here.")
        return
    if fb.warning:
        st.warning(fb.warning)
    m1, m2, m3 = st.columns(3)
    m1.metric("Passages decided", f"{fb.decided} of {fb.total}", help=f"{fb.no_code} of them 'no code here'")
    m2.metric("Positive agreement", teaching.pct(fb.positive_agreement),
              help="Of the codes either of you gave these passages, the share you both gave")
    m3.metric("Cohen's kappa", "–" if fb.kappa is None else f"{fb.kappa:.2f}",
              help="Agreement on every (passage, code) decision, corrected for chance (Landis & Koch's words)")
    m3.caption(fb.reading)
    st.caption(f"{len(fb.differences)} passage(s) where your codes differ from the reference.")
    for d in fb.differences:
        with st.container(border=True):
            st.markdown(f"> {md(d.text)}")
            a, b = st.columns(2)
            a.markdown("**Only the reference:**\n\n" + ("\n".join(f"- {md(x)}" for x in d.reference) or "_nothing_"))
            b.markdown("**Only you:**\n\n" + ("\n".join(f"- {md(x)}" for x in d.yours) or "_no code here_"))
            if d.both:
                st.caption(f"Both: {md(', '.join(d.both))}")


def _fb_chart(ex: Exercise, student: str) -> None:
    fb = read("chart", ex, student)
    if fb is None:
        st.info("Nothing saved yet.")
        return
    a, b = st.columns(2)
    a.markdown("**Your summary**")
    a.markdown(md(fb.summary))
    b.markdown(f"**The reference** ({md(fb.reference_source if fb.reference else 'none')})")
    if fb.reference:
        b.markdown(md(fb.reference))
    else:
        b.info(fb.reference_source)
    st.dataframe(pd.DataFrame([{"passage": _short(p.text, 120), "you cite it": mine, "the reference cites it": ref}
                               for p, mine, ref in fb.passages]), hide_index=True, width="stretch")
    st.caption(f"Passages cited by both: {fb.shared} of {len(fb.passages)}.")


def _fb_map(ex: Exercise, student: str) -> None:
    fb = read("map", ex, student)
    if fb is None:
        st.info("Nothing saved yet.")
        return
    st.caption(f"The reference: {md(fb.reference_source)}.")

    def chain(rows) -> str:
        return "\n".join(f"{r.key_element} → {r.dimension} → {r.category}" for r in rows) or "–"

    st.dataframe(pd.DataFrame([{"participant": pid, "yours: key element → dimension → category": chain(mine),
                                "reference": chain(ref)} for pid, mine, ref in fb.rows]),
                 hide_index=True, width="stretch")


def _fb_interpret(ex: Exercise, student: str) -> None:
    rows = read("interpret", ex, student)
    if not any(r.yours for r in rows):
        st.info("Nothing marked yet.")
        return
    keyed = [r for r in rows if r.yours and r.key]
    if not ex.key.get("marks"):
        st.info("Your teacher has not set the key yet: your marks are saved and will be compared then.")
    else:
        same = sum(1 for r in keyed if r.yours == r.key)
        st.metric("Marked as in the key", f"{same} of {len(keyed)}",
                  help=f"{teaching.pct(same / len(keyed)) if keyed else '–'} of the passages both marked")
    st.dataframe(pd.DataFrame([{"passage": _short(r.text, 120), "your mark": MARK_WORDS[r.yours or ""],
                                "the key": MARK_WORDS[r.key or ""], "same": r.yours == r.key if r.yours and r.key
                                else None} for r in rows]), hide_index=True, width="stretch")
