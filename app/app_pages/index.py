"""Step 2, Index: passage by passage, your codes, the suggestions above their threshold (the rest folded as candidates)
with a one-line reason, and every decision undoable. Code any span by hand, even before any suggestion exists.

Blind coding: with two or more coders you see only your own codings here; they meet on the Agreement page. The
suggestions are then learned from the other transcripts only, so they never carry another coder's choices.
Keyboard: Right/Left move between passages, A accepts the top open suggestion, X rejects it, N marks "no code here".
"""


import streamlit as st
from toolkit.app.common import (
    Progress,
    act,
    coder,
    flash,
    framework_picker,
    md,
    on_click,
    project,
    project_embedder,
    structure_version,
    user,
    version,
)
from toolkit.app.components.select_code import on_action, quote_start, select_code
from toolkit.app.new_code import new_code_form

from toolkit import overview, team
from toolkit import project as proj
from toolkit.indexing import decisions as dec
from toolkit.indexing import learning, review, selection, workspace
from toolkit.indexing import service as sv

st.title("2 · Index")
p = project()
who = coder()
flash()
me = user()  # on a team server: the transcripts the lead assigned, and only the lead updates suggestions
lead = me is None or me.can("assign")
names = [t["name"] for t in overview.transcripts(p)] if me is None else team.my_transcripts(p, me)
if not names:
    st.info("No transcripts yet: import them on the Project page.")
    st.stop()
c1, c2, c3 = st.columns([2, 2, 2])
with c1:
    fw_id = framework_picker()
if "index_transcript" not in st.session_state or st.session_state.get("_index_restored") != (who, fw_id):
    st.session_state["_index_restored"] = (who, fw_id)
    saved = workspace.get_position(p, who, fw_id)
    if saved and saved.get("transcript") in names:  # a reload, another page or another day: back where you were
        st.session_state["index_transcript"] = saved["transcript"]
        st.session_state["index_goto"] = saved.get("passage")
if st.session_state.get("index_transcript") not in names:
    st.session_state["index_transcript"] = names[0]
with c2:
    tname = st.selectbox("Transcript", names, key="index_transcript")
scheme = workspace.unit_of_analysis(p, fw_id)
with c3:
    others = st.toggle("Compare: show other coders' codings", key="index_compare", value=False, disabled=not lead,
                       help="Off while you index: with two or more coders each indexes blind. The Agreement page is "
                            "where codings meet.")


@st.cache_data(show_spinner=False, max_entries=32)  # what no coding decision changes: kept over the clicks
def _base(path: str, fw: str, tname: str, who: str, sv: int) -> dict:
    return review.transcript_base(project(), fw, tname, who, details=False)  # the page shows the reason lines


@st.cache_data(show_spinner=False, max_entries=32)  # a copy per session: nothing shared between sessions is mutable
def _view(path: str, fw: str, tname: str, who: str, others: bool, v: int, sv: int) -> dict:
    return review.transcript_view(project(), fw, tname, who, show_others=others, base=_base(path, fw, tname, who, sv))


@st.cache_data(show_spinner=False, max_entries=8)  # no coding decision changes a framework
def _framework(path: str, fw: str, sv: int):
    return proj.get_framework(project(), fw)


@st.cache_data(show_spinner=False, max_entries=16)
def _choices(path: str, fw: str, who: str, v: int, sv: int) -> list[dict]:
    return review.code_choices(project(), fw, who, fw=_framework(path, fw, sv))


_cut = f"passages_cut:{p.label}:{scheme}:{tname}"
if not st.session_state.get(_cut):  # once per session and transcript (import cuts them; older projects may lack them)
    workspace.ensure_passages(p, scheme, transcripts=[tname])  # in its own action: the view below only reads
    st.session_state[_cut] = True
v0, sv0 = version(), structure_version()  # read once per run: every cached read below is keyed by them
view0 = _view(str(p.path), fw_id, tname, who, others, v0, sv0)
st.caption(f"Unit of analysis: **{scheme}** ({workspace.unit_label(scheme)}) · you are **{md(who)}**"
           + (" · blind: only your own codings are shown" if view0["blind"] else ""))
u1, u3, u2 = st.columns([2, 2, 4])
if lead and u3.button("Learn from my coding", key="learn",
                      help="Cross-validates on the project's codings which evidence predicts your codes best (nearest "
                           "coded passages, classifiers on the passage, its question and the passages around it, the "
                           "code definitions), keeps the choice "
                           "with the project, and updates the suggestions; every suggestion then names it."):
    bar = Progress("Learning from the codings")
    act(learning.learn, p, fw_id, project_embedder(lazy=True), progress=bar, before_rerun=bar.done, coder=who,
        cli="learn --framework --coder", done=lambda r: (
            st.session_state.__setitem__("_learn_details", r["technical"]), r["message"])[1])
if st.session_state.get("_learn_details"):
    with st.expander("Technical details of the last learning"):
        st.text(st.session_state["_learn_details"])
if lead and u1.button("Update suggestions", key="suggest"):
    bar = Progress("Embedding passages")
    out = act(sv.suggest, p, fw_id, project_embedder(lazy=True), progress=bar, before_rerun=bar.done, coder=who,
              cli="suggest --framework --coder", rerun=False, done=sv.describe_update)
    if out is None or out.get("unchanged"):
        flash()  # nothing changed (or an error): say so without another run
    else:
        st.rerun()
if view0["blind"] and view0["has_suggestions"]:
    u2.caption("Suggestions here are learned from other transcripts only, so they never carry another coder's "
               "choices." if view0["blind_suggestions"] else
               "These suggestions were computed before blind coding began and may carry another coder's choices: "
               "update the suggestions.")
if not view0["has_suggestions"]:
    u2.caption("No suggestions for this transcript yet: code by hand below, or compute them (the model reads each "
               "passage once; later runs reuse the cached vectors and learn from your decisions).")
choices_all = _choices(str(p.path), fw_id, who, v0, sv0)
labels = {c["id"]: c for c in choices_all}


def _fmt(cid: str) -> str:
    if not cid:
        return "choose a code..."
    c = labels[cid]
    return f"{'★ ' if c['recent'] else ''}{c['category']} › {cid} {c['label']}"


def _go(key: str, pos: int) -> None:
    st.session_state[key] = pos


def _uncertain() -> None:
    q = sv.review_queue(p, fw_id, n=1, transcript=tname, scheme=scheme, coder=who)  # your own open suggestions
    if q.empty:
        st.session_state["_flash"] = f"Nothing to review in {tname}: every suggestion here is decided, or none computed."
    else:
        st.session_state["index_goto"] = int(q.passage_id.iloc[0])


def _row(item: dict, first: bool) -> None:
    a, b, c = st.columns([7, 1, 1])
    a.markdown(f"<code>{md(item['code_id'])}</code> **{md(item['label'])}**"
               + {"coded": " · ✓ coded by you", "rejected": " · rejected by you", "open": ""}[item["state"]]
               + f"<br><small style='color:#555'>{md(item['reason'])}</small>", unsafe_allow_html=True)
    sid = item["id"]
    if item["state"] == "open":
        b.button("Accept", key=f"accept_{sid}", shortcut="A" if first else None,
                 **on_click(dec.accept, p, sid, coder=who, cli="index accept --coder", done=f"Accepted {item['code_id']}."))
        c.button("Reject", key=f"reject_{sid}", shortcut="X" if first else None,
                 **on_click(dec.reject, p, sid, coder=who, cli="index reject --coder", done=f"Rejected {item['code_id']}."))
    elif item["state"] == "coded":
        b.button("Remove", key=f"unaccept_{sid}", **on_click(
            dec.remove_code, p, item["ref"][0], coder=who, cli="index uncode --coder", done=f"Removed {item['code_id']}."))
    else:
        b.button("Undo", key=f"unreject_{sid}", help="Take the rejection back", **on_click(
            dec.undo, p, item["ref"], coder=who, cli="index undo --coder", done="Rejection undone."))


@st.fragment
def panel() -> None:
    v, sv = version(), structure_version()  # a fragment rerun reads them again: the page's may be older
    view = _view(str(p.path), fw_id, tname, who, others, v, sv)
    pas = view["passages"]
    if not pas:
        st.info("This transcript has no participant speech to code.")
        return
    only = st.session_state.get("index_filter") or ""
    visible = review.passages_with_code(view, only) if only else list(range(len(pas)))
    if only and not visible:
        st.warning(f"No passage of this transcript is coded or suggested with {md(only)}: showing all.")
        visible = list(range(len(pas)))
    key = f"index_pos_{fw_id}_{tname}"
    goto = st.session_state.pop("index_goto", None)
    if goto is not None:
        st.session_state[key] = next((k for k, i in enumerate(visible) if pas[i]["id"] == goto), 0)
    pos = max(0, min(st.session_state.get(key, 0), len(visible) - 1))
    row = pas[visible[pos]]
    if st.session_state.get("_index_saved") != (who, fw_id, tname, row["id"]):
        st.session_state["_index_saved"] = (who, fw_id, tname, row["id"])
        workspace.set_position(p, who, fw_id, tname, row["id"])
    flash()
    nav = st.columns([1, 1, 1.3, 1.6, 1.6, 2])
    nav[0].button("Previous", key="prev", shortcut="Left", disabled=pos == 0, on_click=_go, args=(key, pos - 1))
    nav[1].button("Next", key="next", shortcut="Right", disabled=pos >= len(visible) - 1, on_click=_go,
                  args=(key, pos + 1))
    if row["nocode"] is None and not row["coded"]:
        nav[2].button("No code here", key=f"nocode_{row['id']}", shortcut="N", **on_click(
            dec.nocode, p, fw_id, row["id"], coder=who, cli="index nocode --framework --coder",
            done="Marked: no code here."))
    nav[3].button("Undo my last decision", key="undo_last", **on_click(
        dec.undo_last, p, fw_id, coder=who, cli="index undo --last --framework --coder",
        done=lambda r: f"Undid your last decision ({r['kind']})."))
    nav[4].button("Most uncertain here", key="uncertain", shortcut="U", on_click=_uncertain,
                  help="The passage of this transcript whose best open suggestion is closest to its threshold")
    nav[5].caption(f"Passage {pos + 1} of {len(visible)}" + (f" with {md(only)}" if only else ""))
    with st.container(border=True):
        when = f" · {int(row['t_start']) // 60:02d}:{int(row['t_start']) % 60:02d}" if row["t_start"] else ""
        asked = (f"<div style='color:#555'><i>Asked: {md(row['context'][:400])}</i></div>"
                 if row["context"] else "")
        st.markdown(f"{asked}<div style='color:#777;font-size:0.85em'>{md(row['speaker'])}{when}</div>"
                    f"<div style='font-size:1.08em;line-height:1.5'>{md(row['text'])}</div>",
                    unsafe_allow_html=True)  # one element for the passage: less to draw per click
        if row["nocode"] is not None:
            st.info("You marked this passage: no code here.")
        if row["codings"]:
            st.markdown("**Coded here:**")
        for c in row["codings"]:
            a, b = st.columns([7, 1])
            span = _part_words(row, c)
            a.markdown(f"`{c['code_id']}` {md(c['label'])} · {md(c['coder'])} · {c['origin']}"
                       + (f" ({c['score']:.2f})" if c["score"] is not None else "") + span)
            if c["mine"]:
                b.button("Remove", key=f"remove_{c['id']}", **on_click(
                    dec.remove_code, p, c["id"], coder=who, cli="index uncode --coder", done=f"Removed {c['code_id']}."))
        show_cand = bool(row["candidates"]) and st.toggle(
            f"Show {len(row['candidates'])} candidate(s) below their threshold", key="index_candidates",
            help="Codes ranked for this passage whose score stays under the code's calibrated threshold")
        shown = row["suggestions"] + (row["candidates"] if show_cand else [])
        first_open = next((s["id"] for s in shown if s["state"] == "open"), None)
        if row["suggestions"]:
            st.markdown("**Suggested** (above the code's calibrated threshold):")
        elif not show_cand:
            st.caption("No code reaches its threshold here.")
        for s in shown:
            _row(s, s["id"] == first_open)
        _add_codes(row, view["sentences"])
        new_code_form(p, fw_id, tname, row["start"], row["end"], key=f"index_{row['id']}", sv=sv)
        if row["history"]:
            with st.expander(f"History of this passage ({len(row['history'])})"):
                st.markdown("<br>".join(f"{md(h['at'])} · {md(h['coder'])} · {md(h['what'])} {md(h['code'])}"
                                        + (" · <i>undone</i>" if h["undone"] else "") for h in row["history"]),
                            unsafe_allow_html=True)
                undoable = [h for h in row["history"] if not h["undone"] and h["coder"] == who][-5:]
                for h in reversed(undoable):
                    st.button(f"Undo: {md(h['what'])} {md(h['code'])} ({md(h['at'][11:])})", key=f"undo_{h['id']}",
                              **on_click(dec.undo, p, h["id"], coder=who, cli="index undo --coder", done="Undone."))
    _select_to_code(v, sv)


@st.cache_data(show_spinner=False, max_entries=16)
def _turns(path: str, tname: str, sv: int) -> tuple:
    return selection.transcript_turns(project(), tname)


@st.cache_data(show_spinner=False, max_entries=16)
def _selection(path: str, fw: str, tname: str, who: str, others: bool, v: int, sv: int) -> dict:
    return selection.selection_view(project(), fw, tname, who, show_others=others, turns=_turns(path, tname, sv),
                                    codes=_choices(path, fw, who, v, sv)).component_args()


def _select_to_code(v: int, sv: int) -> None:
    st.markdown("**The whole transcript: select any text to code it**")
    key = f"select_{fw_id}_{tname}"
    select_code(_selection(str(p.path), fw_id, tname, who, others, v, sv), key=key,
                sig=f"{fw_id}|{tname}|{who}|{others}|{v}", on_change=on_action, args=(key, p, fw_id, tname, who))


def _part_words(row: dict, c: dict) -> str:
    """How a coding lies on the passage, in words (its character offsets mean nothing to a reader)."""
    a, b = max(c["start"], row["start"]), min(c["end"], row["end"])
    if (c["start"], c["end"]) == (row["start"], row["end"]) or b <= a:
        return ""
    beyond = c["start"] < row["start"] or c["end"] > row["end"]
    if len(row["text"]) != row["end"] - row["start"]:  # a passage text that is not the plain slice: say it in words
        return " · reaches beyond this passage" if beyond else " · part of this passage"
    words = quote_start(row["text"][a - row["start"]:b - row["start"]])
    return (" · from beyond this passage, here: " if beyond else " · part of this passage: ") + f"\u201c{md(words)}\u201d"


def _add_codes(row: dict, sents: list[dict]) -> None:
    st.markdown("**Add codes** (grouped by category, your recent codes first ★)")
    q = st.text_input("Search codes by label or definition", key="code_search", placeholder="e.g. pressure, waiting")
    found = review.search_codes(choices_all, q)
    picked = st.multiselect("Codes", [c["id"] for c in found], key=f"add_codes_{row['id']}", format_func=_fmt,
                            placeholder="choose codes...")
    n = len(picked) or ""
    st.button(f"Add {n} code(s) to this passage", key=f"add_{row['id']}", disabled=not picked, **on_click(
        dec.add_span, p, fw_id, tname, row["start"], row["end"], list(picked), coder=who, passage_id=row["id"],
        cli="index code --framework --coder", done=lambda _: _added(row["id"], "this passage", picked)))
    with st.expander("Code part of this passage without the mouse"):
        st.caption("To code part of a passage with the mouse, select its words in the whole transcript below. "
                   "Here: choose the codes above, then the first and the last sentence.")
        near = [k for k, x in enumerate(sents) if x["end"] > row["start"] - 600 and x["start"] < row["end"] + 600]
        if not near:
            return
        first = next((k for k in near if sents[k]["end"] > row["start"]), near[0])
        last = max((k for k in near if sents[k]["start"] < row["end"]), default=first)
        label = lambda k: f"{sents[k]['speaker']}: {sents[k]['text'][:70]}"  # noqa: E731
        x, y = st.columns(2)
        k0 = x.selectbox("From sentence", near, index=near.index(first), key=f"span_from_{row['id']}", format_func=label)
        k1 = y.selectbox("To sentence (may be in a later turn)", near, index=near.index(last),
                         key=f"span_to_{row['id']}", format_func=label)
        start, end = sents[min(k0, k1)]["start"], sents[max(k0, k1)]["end"]
        count = max(k0, k1) - min(k0, k1) + 1
        what = "the chosen sentence" if count == 1 else f"the {count} chosen sentences"
        st.button(f"Add {n} code(s) to {what}", key=f"add_part_{row['id']}", disabled=not picked, **on_click(
            dec.add_span, p, fw_id, tname, start, end, list(picked), coder=who, passage_id=row["id"],
            cli="index code --framework --coder", done=lambda _: _added(row["id"], what, picked)))


def _added(pid: int, what: str, codes: list[str]) -> str:
    st.session_state[f"add_codes_{pid}"] = []  # the picker empties once its codes are added
    return f"Coded {what} with {', '.join(codes)}."


st.selectbox("Show only passages with code (coded, or suggested above its threshold)", [""] + list(labels),
             key="index_filter", format_func=lambda c: "(all passages)" if not c else _fmt(c))
panel()

with st.expander("Bulk accept one code (one decision, undoable)"):
    b1, b2 = st.columns(2)
    bcode = b1.selectbox("Code", list(labels), key="bulk_code", format_func=_fmt)
    thr = b2.slider("Minimum score", 0.0, 1.0, 0.6, 0.05, key="bulk_threshold")
    n_open = sum(1 for x in view0["passages"] for s in x["suggestions"] + x["candidates"]
                 if s["code_id"] == bcode and s["state"] == "open" and s["score"] >= thr)
    st.caption(f"In this transcript, {n_open} suggestion(s) of {bcode} open for you reach {thr:.2f}; the bulk accept "
               "applies to every transcript you may code, and to your own open suggestions only.")
    if st.button("Accept all of them", key="bulk_accept"):
        out = act(dec.bulk_accept, p, fw_id, bcode, thr, coder=who, cli="index bulk-accept --framework --code "
                  "--threshold --coder", rerun=False)
        if out is not None:
            st.session_state["last_batch"] = out["batch"]
            st.session_state["_flash"] = f"Accepted {out['accepted']} suggestions (batch {out['batch']})."
            st.rerun()
    if st.session_state.get("last_batch"):
        st.button("Undo the last bulk accept", key="undo_batch", **on_click(
            dec.undo_batch, p, st.session_state["last_batch"], coder=who, cli="index undo --batch --coder",
            done=lambda n: (st.session_state.pop("last_batch", None),
                            f"Removed {n} codings; their suggestions are open again.")[1]))
