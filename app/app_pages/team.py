"""Team (lead only, on a team server): accounts, who codes which transcript (blind double coding), and reveals.

Each action is one ``toolkit.team`` call with the same command on the command line."""

import pandas as pd
import streamlit as st
from toolkit.app.common import act, flash, project, user

from toolkit import team

st.title("Team")
st.caption("Assign each transcript to two coders: each sees only their own codings of it until you reveal it; then "
           "everyone sees everyone's, and Agreement and consensus compare them.")
flash()
p = project()
me = user()
if me is None or not me.can("assign"):
    st.info("This page is for the lead of a team server.")
    st.stop()

accounts = team.users(p)
coders = [u["name"] for u in accounts if u["role"] in ("coder", "lead") and u["active"]]
rows = team.assignments(p, me)
st.subheader("Assignments")
if rows:
    st.dataframe(pd.DataFrame(rows)[["transcript", "coder", "assigned_by", "assigned_at", "revealed"]],
                 hide_index=True, width="stretch")
else:
    st.info("No transcript is assigned yet.")

with st.form("team_assign"):
    c1, c2 = st.columns([2, 3])
    transcript = c1.selectbox("Transcript", team.my_transcripts(p, me), key="team_transcript")
    chosen = c2.multiselect("Coders (two for blind double coding)", coders, key="team_coders")
    if st.form_submit_button("Assign", type="primary"):
        act(team.assign, p, me, transcript, chosen, cli="assign --lead",
            done=lambda new: f"Assigned {transcript} to {', '.join(new) or 'nobody new'}.")

hidden = sorted({r["transcript"] for r in rows if not r["revealed"]})
if hidden:
    c1, c2 = st.columns([3, 1])
    which = c1.selectbox("Reveal a transcript's codings to its coders", hidden, key="team_reveal_transcript")
    if c2.button("Reveal", key="team_reveal"):
        act(team.reveal, p, me, which, cli="reveal --lead", done=f"Revealed {which}: everyone sees every coding.")

st.subheader("Accounts")
st.dataframe(pd.DataFrame(accounts)[["name", "role", "active", "failed_logins", "last_login_at"]], hide_index=True,
             width="stretch")
with st.form("team_user_add", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("Name", key="team_new_name")
    role = c2.selectbox("Role", team.ROLES, index=1, key="team_new_role")
    password = c3.text_input("First password (tell it to them)", type="password", key="team_new_password",
                             autocomplete="new-password")
    if st.form_submit_button("Add account"):
        act(team.add_user, p, name, password, role=role, actor=me.name, cli="user add --role --password-stdin",
            done=lambda u: f"Added {u.role} {u.name}.")
