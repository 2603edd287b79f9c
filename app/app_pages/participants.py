"""Participants: every participant's attributes as a sheet to edit (cases and attributes), typed attributes, and
CSV/XLSX import and export. Charts, maps, findings and every export can then be filtered by these values."""

import streamlit as st
from toolkit.app.common import act, coder, file_bytes, flash, md, project, version

from toolkit import participants as pt

st.title("Participants")
flash()
p = project()


@st.cache_data(show_spinner=False, max_entries=8)
def _sheet(path: str, v: int):
    return pt.participants_table(project()), pt.attribute_types(project())


table, types = _sheet(str(p.path), version())
if table.empty:
    st.info("No participants yet: import transcripts (and a participants file) on the Project page.")
    st.stop()
st.caption(f"{len(table)} participants · attributes: "
           + (", ".join(f"**{md(k)}** ({v})" for k, v in types.items()) or "none yet")
           + " · edit cells, then save: every value is checked against its attribute's type first")
config = {"id": st.column_config.TextColumn("Participant", disabled=True, pinned=True),
          "pseudonym": st.column_config.TextColumn("Pseudonym")}
for name, kind in types.items():
    config[name] = st.column_config.TextColumn(
        f"{name} ({kind})", help={"number": "a number, e.g. 14 or 2.5", "date": "a date: YYYY-MM-DD"}.get(
            kind, "any text: a category such as GP or rural"))
edited = st.data_editor(table, key="participants_sheet", hide_index=True, num_rows="fixed",
                        column_config=config, width="stretch", height=min(60 + 35 * len(table), 640))
s1, s2, s3 = st.columns([1, 1, 1])
if s1.button("Save changes", key="participants_save", type="primary"):
    act(pt.save_table, p, edited, actor=coder(), cli="participants set",
        done=lambda n: f"Saved the attributes of {n} participant(s)." if n else "Nothing changed.")
s2.download_button("Export CSV", data=lambda: file_bytes(lambda f: pt.export_participants(p, f), ".csv"),
                   file_name="participants.csv", key="participants_csv", mime="text/csv", icon=":material/csv:")
s3.download_button("Export Excel", data=lambda: file_bytes(lambda f: pt.export_participants(p, f), ".xlsx"),
                   file_name="participants.xlsx", key="participants_xlsx", icon=":material/table:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

left, right = st.columns(2)
with left, st.form("participants_add_attribute", clear_on_submit=True):
    st.markdown("**Add an attribute** (or change an attribute's type)")
    name = st.text_input("Name", key="participants_attr_name", placeholder="e.g. years_experience")
    kind = st.selectbox("Type", pt.ATTRIBUTE_TYPES, key="participants_attr_type")
    if st.form_submit_button("Add attribute"):
        act(pt.add_attribute, p, name, kind, actor=coder(), cli="participants add-attribute --type",
            done=lambda n: f"Attribute {n} ({kind}) added: fill it in the sheet.")
with right:
    st.markdown("**Import attributes** from CSV or Excel (a column `id` or `participant`, one column per attribute)")
    up = st.file_uploader("Participants file", type=["csv", "xlsx"], key="participants_upload")
    if st.button("Import", key="participants_import", disabled=up is None):
        act(pt.import_participants_upload, p, up.name, up.getvalue(), actor=coder(), cli="participants import",
            done=lambda r: f"Updated {len(r.participants)} participant(s)."
            + (f" {len(r.warnings)} warning(s): {r.warnings[0]}" if r.warnings else ""))
