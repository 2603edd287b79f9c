"""Step 2b, Agreement: where two coders' blind indexings meet. Agreement per code and overall, then the consensus one
passage at a time (both coders' codes with their labels and the passage text, a choice, the passage marked resolved,
undo), or in bulk for the codes both gave after a preview of how many codings it writes."""


import streamlit as st
from toolkit.app.common import coder, flash, framework_picker, md, md_join, on_click, project, show_error, version

from toolkit import overview
from toolkit.errors import ToolkitError
from toolkit.indexing import decisions as dec
from toolkit.indexing import workspace
from toolkit.indexing.agreement import compare_coders
from toolkit.indexing.consensus import preview_agreed, record_agreed, resolve_unit

st.title("2b · Agreement between two coders")
st.caption("Two researchers index the same transcripts separately (blind: each sees only their own codings on the "
           "Index page), compare here, and meet to agree (in the reference study, interviews 1-6).")
flash()
p = project()
who = coder()
coders = [c["name"] for c in overview.coders(p) if c["kind"] == "human"]
if len(coders) < 2:
    st.info("Agreement needs two coders who indexed the same transcripts.")
    st.stop()
fw = framework_picker()
scheme = workspace.unit_of_analysis(p, fw)
c1, c2 = st.columns(2)
a = c1.selectbox("Coder A", coders, index=coders.index("reference") if "reference" in coders else 0, key="coder_a")
rest = [c for c in coders if c != a]
b = c2.selectbox("Coder B", rest, index=rest.index("second") if "second" in rest else 0, key="coder_b")
st.caption(f"Unit of analysis: **{scheme}** ({workspace.unit_label(scheme)}), the same as on the Index page, in "
           "Teaching mode, the CLI and the exports. A unit carries a code for a coder when their coding covers at "
           "least half of it (or 40 characters).")


@st.cache_data(show_spinner="Comparing...", max_entries=16)
def _compare(path: str, a: str, b: str, fw: str, v: int) -> dict:
    return compare_coders(project(), a, b, framework=fw)


@st.cache_data(show_spinner=False, max_entries=16)
def _preview(path: str, a: str, b: str, fw: str, v: int) -> dict:
    return preview_agreed(project(), _compare(path, a, b, fw, v))


try:
    r = _compare(str(p.path), a, b, fw, version())
except ToolkitError as e:
    show_error(e)
    st.stop()
o = r["overall"]
d_all = r["disagreements"]
st.caption(f"{len(r['transcripts'])} transcript(s): {md_join(r['transcripts'])}")
m = st.columns(6)
m[0].metric("Units", o["units"])
m[1].metric("Percent agreement", f"{o['pooled_agreement']:.0%}")
m[2].metric("Positive agreement", f"{o['pooled_positive']:.0%}")
m[3].metric("Pooled kappa", f"{o['pooled_kappa']:.2f}")
m[4].metric("Krippendorff's alpha", f"{o['pooled_alpha']:.2f}")
m[5].metric("Unresolved units", o["unresolved"], help=f"Units where the coders differ and no consensus is recorded yet ({len(d_all)} differ in all)")
st.info(f"**Reading these figures.** Percent agreement counts every unit-code pair, so a code that *neither* coder "
        f"gave a unit counts as agreement: with {o['codes_used']} codes in use and few codes per unit, most pairs "
        "are agreed absences and the figure is high even when the coders rarely chose the same codes. **Positive "
        "agreement** counts only the codes given (2 × given by both ÷ (given by A + given by B)). **Kappa** and "
        "**alpha** correct percent agreement for the agreement expected by chance.")
per = r["per_code"]
shown = per[(per.units_a > 0) | (per.units_b > 0)]
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={"agreement": st.column_config.NumberColumn("percent agreement", format="%.2f"),
                            "positive": st.column_config.NumberColumn("positive agreement", format="%.2f"),
                            "kappa": st.column_config.NumberColumn(format="%.2f"),
                            "alpha": st.column_config.NumberColumn(format="%.2f")})

st.subheader("Consensus, one passage at a time")
codes_used = list(shown["code"])
only = st.selectbox("Only passages involving code", ["(all)"] + codes_used, key="dis_code")
d = d_all[d_all.resolved.isna()]
if only != "(all)":
    d = d[d.apply(lambda x: only in x.only_a or only in x.only_b, axis=1)]
if d.empty:
    st.success("Every unit where the coders differ is resolved." if len(d_all) else "The coders agree everywhere.")
else:
    k = max(0, min(st.session_state.get("dis_pos", 0), len(d) - 1))
    row = d.iloc[k]
    n1, n2, n3 = st.columns([1, 1, 4])
    n1.button("Previous", key="dis_prev", disabled=k == 0,
              on_click=lambda: st.session_state.update(dis_pos=k - 1))
    n2.button("Next", key="dis_next", disabled=k >= len(d) - 1,
              on_click=lambda: st.session_state.update(dis_pos=k + 1))
    n3.caption(f"Unresolved passage {k + 1} of {len(d)}")
    lab = row.labels

    def _codes(ids) -> str:
        return "<br>".join(f"<code>{md(c)}</code> {md(lab.get(c, c))}" for c in ids) or "-"

    with st.container(border=True):
        st.markdown(f"**{md(row.transcript)}** · {md(str(row.participant_id))}")
        st.markdown(f"<div style='font-size:1.05em;line-height:1.5'>{md(row.text)}</div>",
                    unsafe_allow_html=True)
        x, y, z = st.columns(3)
        x.markdown(f"**Only {md(a)}**<br>{_codes(row.only_a)}", unsafe_allow_html=True)
        y.markdown(f"**Only {md(b)}**<br>{_codes(row.only_b)}", unsafe_allow_html=True)
        z.markdown(f"**Both**<br>{_codes(row.both)}", unsafe_allow_html=True)
        options = sorted(set(row.only_a) | set(row.only_b) | set(row.both))
        key = f"res_{row.transcript}_{row.start}_{row.end}"
        chosen = st.multiselect("Consensus codes for this passage", options, default=list(row.both), key=key,
                                format_func=lambda c: f"{c} {lab.get(c, c)}")
        st.button(f"Record consensus for this passage ({len(chosen)} code(s)); mark it resolved",
                  key="resolve_unit", type="secondary", **on_click(
                      resolve_unit, p, r, row.transcript, int(row.start), int(row.end), list(chosen), actor=who,
                      cli="consensus --passage --codes --coders --framework",
                      done=f"Resolved {row.transcript} {row.start}-{row.end} with {len(chosen)} code(s)."))

resolved = d_all[d_all.resolved.notna()]
if len(resolved):
    with st.expander(f"Resolved passages ({len(resolved)}), newest first: undo"):
        for x in resolved.sort_values("resolved", ascending=False).head(30).itertuples():
            q, w = st.columns([7, 1])
            q.caption(f"{md(x.transcript)} {x.start}-{x.end}: {md(x.text[:120])}")
            w.button("Undo", key=f"unresolve_{int(x.resolved)}", **on_click(
                dec.undo, p, int(x.resolved), coder=who, cli="index undo --coder",
                done="Consensus undone: the passage is unresolved again."))

st.subheader("Consensus in bulk: the codes both coders gave")
pv = _preview(str(p.path), a, b, fw, version())
if pv["codings"] == 0:
    st.caption("Nothing to write: every code both coders gave is already in the consensus.")
else:
    st.warning(f"This will write **{pv['codings']} codings** (coder 'consensus') on {pv['units']} units: the codes "
               f"both {md(a)} and {md(b)} gave. Disagreements are left to the passage-by-passage "
               "consensus above. It can be undone here, or with `python -m toolkit index undo DECISION`.")
    sure = st.checkbox(f"Yes, write {pv['codings']} codings", key="bulk_consensus_sure")
    st.button(f"Write {pv['codings']} consensus codings", key="record_consensus", disabled=not sure, **on_click(
        record_agreed, p, r, expect=pv["codings"], actor=who, cli="consensus --agreed --expect --coders --framework",
        done=lambda out: _wrote(out)))


def _wrote(out: dict) -> str:
    st.session_state["last_bulk_consensus"] = out["decision"]
    return f"Wrote {out['codings']} consensus codings on {out['units']} units (decision {out['decision']})."


if st.session_state.get("last_bulk_consensus"):
    st.button("Undo the bulk consensus just written", key="undo_bulk_consensus", **on_click(
        dec.undo, p, st.session_state["last_bulk_consensus"], coder=who, cli="index undo --coder",
        done=lambda r: (st.session_state.pop("last_bulk_consensus", None),
                        f"Undone: {r['codings']} consensus codings removed.")[1]))
