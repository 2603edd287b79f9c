"""Step 2b, Agreement: two coders' indexing side by side, agreement per code, and the consensus."""

import streamlit as st

from app.common import coder, framework_picker, md, md_join, project, show_error, version
from toolkit.errors import ToolkitError
from toolkit.indexing.agreement import compare_coders, record_consensus
from toolkit.store import core as db

st.title("2b · Agreement between two coders")
st.caption("Two researchers index the same transcripts separately, compare, and meet to agree (in the reference "
           "study, interviews 1-6). Units are sentences of participant speech; text neither coder coded counts as "
           "agreement on absence.")
p = project()
with p.read() as s:
    coders = [c["name"] for c in db.list_coders(s)]
if len(coders) < 2:
    st.info("Agreement needs two coders who indexed the same transcripts.")
    st.stop()
fw = framework_picker()
c1, c2, c3 = st.columns(3)
a = c1.selectbox("Coder A", coders, index=coders.index("reference") if "reference" in coders else 0, key="coder_a")
rest = [c for c in coders if c != a]
b = c2.selectbox("Coder B", rest, index=rest.index("second") if "second" in rest else 0, key="coder_b")
unit = c3.selectbox("Unit", ["sentence", "turn"], key="unit")


@st.cache_data(show_spinner="Comparing...", max_entries=16)
def _compare(path: str, a: str, b: str, fw: str, unit: str, v: int):
    return compare_coders(project(), a, b, framework=fw, unit=unit)


try:
    r = _compare(str(p.path), a, b, fw, unit, version())
except ToolkitError as e:
    show_error(e)
    st.stop()
o = r["overall"]
st.caption(f"{len(r['transcripts'])} transcript(s): {md_join(r['transcripts'])}")
m = st.columns(4)
m[0].metric("Units", o["units"])
m[1].metric("Pooled kappa", f"{o['pooled_kappa']:.2f}")
m[2].metric("Krippendorff's alpha", f"{o['pooled_alpha']:.2f}")
m[3].metric("Units that differ", len(r["disagreements"]))
per = r["per_code"]
shown = per[(per.units_a > 0) | (per.units_b > 0)]
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={"agreement": st.column_config.NumberColumn(format="%.2f"),
                            "kappa": st.column_config.NumberColumn(format="%.2f"),
                            "alpha": st.column_config.NumberColumn(format="%.2f")})

st.subheader("Disagreements, passage by passage")
d = r["disagreements"]
code = st.selectbox("Only passages involving code", ["(all)"] + list(shown["code"]), key="dis_code")
if code != "(all)":
    d = d[d.apply(lambda x: code in x.only_a or code in x.only_b, axis=1)]
resolutions = {}
for row in d.head(20).itertuples():
    with st.container(border=True):
        st.markdown(f"**{md(row.transcript)}** · {md(row.participant_id)} · characters {row.start}-{row.end}")
        st.markdown(f"> {md(row.text)}")
        x, y = st.columns(2)
        x.markdown(f"**{md(a)}** only: {md_join(row.only_a) or '-'}")
        y.markdown(f"**{md(b)}** only: {md_join(row.only_b) or '-'}")
        options = sorted(set(row.only_a) | set(row.only_b) | set(row.both))
        resolutions[(row.transcript, int(row.start), int(row.end))] = st.multiselect(
            "Consensus codes", options, default=list(row.both), key=f"res_{row.transcript}_{row.start}")
if len(d) > 20:
    st.caption(f"Showing 20 of {len(d)}; filter by code to see the rest. Unresolved passages keep the shared codes.")
if st.button("Record consensus", key="record_consensus", type="primary"):
    try:
        full = compare_coders(p, a, b, framework=fw, unit=unit)
        n = record_consensus(p, full, resolutions, actor=coder())
        st.success(f"Recorded {n} consensus codings as coder 'consensus'.")
    except ToolkitError as e:
        show_error(e)
