"""Step 2, Index: passage by passage, the suggested codes with their scores and reasons; accept, reject or add codes.

Keyboard: A accepts the top open suggestion, X rejects it, Right/Left move between passages, U jumps to the most
uncertain passage of the project.
"""


import streamlit as st

from app.common import Progress, coder, framework_picker, md, project, project_embedder, show_error, user, version
from toolkit import team
from toolkit.errors import ToolkitError
from toolkit.indexing import service as sv
from toolkit.store import core as db

st.title("2 · Index")
p = project()
who = coder()
me = user()  # on a team server: blind coding through toolkit.team (own decisions, own codings until revealed)
lead = me is None or me.can("assign")
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    fw_id = framework_picker()
with p.read() as s:
    names = [t["name"] for t in db.transcripts(s)]
    fw = db.get_framework(s, fw_id)
if me is not None:
    names = team.my_transcripts(p, me)
if not names:
    st.info("No transcripts yet: import them on the Project page.")
    st.stop()
if st.session_state.get("goto_transcript") in names:
    st.session_state["index_transcript"] = st.session_state.pop("goto_transcript")
with c2:
    tname = st.selectbox("Transcript", names, key="index_transcript")
codes = {c.id: c for c in fw.codes}
with c3:
    only = st.selectbox("Filter by code", ["(all)"] + list(codes), key="index_filter",
                        format_func=lambda c: c if c == "(all)" else f"{c} {codes[c].label}")


@st.cache_data(show_spinner=False, max_entries=32)
def _load(path: str, fw_id: str, tname: str, v: int, who: str | None):
    if me is not None:
        return team.review_view(project(), me, fw_id, tname)
    return sv.passages(project(), fw_id, tname)


pas, sug, cod = _load(str(p.path), fw_id, tname, version(), me and me.name)
if pas.empty or sug.empty:
    st.info("No suggestions for this framework yet. Compute them (the model reads every passage once; later runs "
            "reuse the cached vectors and learn from your decisions)." if lead else
            "No suggestions for this framework yet: your lead computes them. You can code passages by hand below.")
if lead and st.button("Update suggestions", key="suggest", type="primary" if sug.empty else "secondary"):
    bar = Progress("Embedding passages")
    try:
        r = sv.suggest(p, fw_id, project_embedder(), progress=bar)
        bar.done()
        st.success(f"{r['passages']} passages; {r['suggested']} codes suggested above their thresholds; "
                   f"{r['no_fit']} passages fit no code well; learned from {r['labelled_passages']} coded passages.")
        pas, sug, cod = _load(str(p.path), fw_id, tname, version(), me and me.name)
    except ToolkitError as e:
        bar.done()
        show_error(e)
if pas.empty:
    st.stop()

# passages shown: all, or those touching the filtered code
mine = cod[cod.coder == who]


def codes_on(row, frame):
    hit = frame[(frame.end > row.start) & (frame.start < row.end)]
    return hit


visible = list(range(len(pas)))
if only != "(all)":
    keep = set(sug.loc[sug.code_id == only, "passage_id"]) | {
        pid for pid, a, b in zip(pas.id, pas.start, pas.end, strict=True)
        if ((cod.code_id == only) & (cod.end > a) & (cod.start < b)).any()}
    visible = [i for i in visible if pas.id.iloc[i] in keep] or visible
key_pos = f"pos_{tname}"
if st.session_state.get("goto_passage") is not None:
    gp = st.session_state.pop("goto_passage")
    st.session_state[key_pos] = next((k for k, i in enumerate(visible) if int(pas.id.iloc[i]) == gp), 0)
pos = min(st.session_state.get(key_pos, 0), len(visible) - 1)
row = pas.iloc[visible[pos]]

nav = st.columns([1, 1, 2, 3])
if nav[0].button("Previous", key="prev", shortcut="Left", disabled=pos == 0):
    st.session_state[key_pos] = pos - 1
    st.rerun()
if nav[1].button("Next", key="next", shortcut="Right", disabled=pos >= len(visible) - 1):
    st.session_state[key_pos] = pos + 1
    st.rerun()
if lead and nav[2].button("Most uncertain passage", key="uncertain", shortcut="U"):
    q = sv.review_queue(p, fw_id, n=1)
    if q.empty:
        st.info("Nothing to review: every suggestion is decided, or none computed yet.")
    else:
        st.session_state["goto_transcript"] = q.transcript.iloc[0]
        st.session_state["goto_passage"] = int(q.passage_id.iloc[0])
        st.rerun()
nav[3].caption(f"Passage {pos + 1} of {len(visible)} · you are **{md(who)}**")

with st.container(border=True):
    if row.context:
        st.markdown(f"<span style='color:#666'><i>Asked: {md(row.context[:400])}</i></span>",
                    unsafe_allow_html=True)
    when = f" · {int(row.t_start) // 60:02d}:{int(row.t_start) % 60:02d}" if row.t_start == row.t_start and \
        row.t_start is not None else ""
    st.caption(f"{md(row.speaker or '')} · characters {row.start}-{row.end}{when}")
    st.markdown(f"<div style='font-size:1.08em;line-height:1.5'>{md(row.text)}</div>",
                unsafe_allow_html=True)
    here = codes_on(row, cod).drop_duplicates(["code_id", "coder"])
    if len(here):
        st.markdown("**Coded:**")
        for c in here.itertuples():
            a, b = st.columns([6, 1])
            a.markdown(f"**{md(c.code_id)}** {md(c.code_label)} · {md(c.coder)} · {c.origin}"
                       + (f" ({c.score:.2f})" if c.score == c.score and c.score is not None else ""))
            if c.coder == who and b.button("Remove", key=f"remove_{c.id}"):
                try:
                    if me is not None:
                        team.remove_code(p, me, int(c.id))
                    else:
                        sv.remove_code(p, int(c.id), coder=who)
                    st.rerun()
                except ToolkitError as e:
                    show_error(e)
    mine_here = sug[(sug.passage_id == row.id)]
    open_ = mine_here[mine_here.status == "open"]
    if len(mine_here):
        st.markdown("**Suggested:**")
    for sg in mine_here.itertuples():
        a, b, c = st.columns([6, 1, 1])
        badge = "✔ suggested" if sg.suggested else "candidate"
        a.markdown(f"**{md(sg.code_id)}** **{md(sg.code_label)}** · {sg.score:.2f} ({badge})"
                   + ("" if sg.status == "open" else f" · *{sg.status} by {md(sg.decided_by)}*"))
        reason = sg.reason or {}
        with a.expander("Why"):
            cl = reason.get("closest", {})
            st.markdown(f"Closest {cl.get('kind', 'text')} of the code ({cl.get('similarity', 0):.2f}): "
                        f"*{md(cl.get('text', ''))}*")
            for n in reason.get("nearest_coded", []):
                st.markdown(f"Coded passage like it ({n['similarity']:.2f}, {md(n['transcript'])}): "
                            f"*{md(n['text'])}*")
            st.caption(f"Threshold {reason.get('threshold', 0):.2f}; {reason.get('evidence', 0)} passages coded "
                       f"with this code so far. Definition: {md(codes[sg.code_id].definition)}")
        if sg.status == "open":
            first = sg.id == (open_.id.iloc[0] if len(open_) else None)
            if b.button("Accept", key=f"accept_{sg.id}", shortcut="A" if first else None, type="primary"):
                try:
                    if me is not None:
                        team.accept(p, me, int(sg.id))
                    else:
                        sv.accept(p, int(sg.id), coder=who)
                    st.rerun()
                except ToolkitError as e:
                    show_error(e)
            if c.button("Reject", key=f"reject_{sg.id}", shortcut="X" if first else None):
                try:
                    if me is not None:
                        team.reject(p, me, int(sg.id))
                    else:
                        sv.reject(p, int(sg.id), coder=who)
                    st.rerun()
                except ToolkitError as e:
                    show_error(e)
    a, b = st.columns([6, 1])
    add = a.selectbox("Add a code", [""] + list(codes), key=f"add_code_{row.id}",
                      format_func=lambda c: "choose a code..." if not c else f"{c} {codes[c].label}")
    if b.button("Add", key=f"add_{row.id}", disabled=not add):
        try:
            if me is not None:
                team.add_code(p, me, fw_id, tname, int(row.start), int(row.end), add)
            else:
                sv.add_code(p, fw_id, tname, int(row.start), int(row.end), add, coder=who)
            st.rerun()
        except ToolkitError as e:
            show_error(e)

if me is None:  # bulk decisions are for one person; on a team server each coder decides passage by passage
    with st.expander("Bulk accept one code (with undo)"):
        b1, b2 = st.columns(2)
        bcode = b1.selectbox("Code", list(codes), key="bulk_code", format_func=lambda c: f"{c} {codes[c].label}")
        thr = b2.slider("Minimum score", 0.0, 1.0, 0.6, 0.05, key="bulk_threshold")
        n_open = int(((sug.code_id == bcode) & (sug.status == "open") & (sug.score >= thr)).sum())
        st.caption(f"In this transcript, {n_open} open suggestion(s) of {md(bcode)} reach {thr:.2f}; the bulk accept applies "
                   "to every transcript.")
        if st.button("Accept all of them", key="bulk_accept"):
            r = sv.bulk_accept(p, fw_id, bcode, thr, coder=who)
            st.session_state["last_batch"] = r["batch"]
            st.success(f"Accepted {r['accepted']} suggestions (batch {r['batch']}).")
        if st.session_state.get("last_batch") and st.button("Undo the last bulk accept", key="undo_batch"):
            try:
                n = sv.undo_batch(p, st.session_state.pop("last_batch"), coder=who)
                st.success(f"Removed {n} codings; their suggestions are open again.")
            except ToolkitError as e:
                show_error(e)

with st.expander("The whole transcript, coded text highlighted"):
    for i in visible:
        r = pas.iloc[i]
        here = codes_on(r, cod)
        tag = " ".join(f"**{md(c)}**" for c in sorted(set(here.code_id)))
        text = md(r.text)
        body = f"<mark>{text}</mark>" if len(here) else text
        marker = "▶ " if i == visible[pos] else ""
        st.markdown(f"{marker}{body} {tag}", unsafe_allow_html=True)
