"""Team server login: name and password, checked by ``toolkit.team.authenticate`` (argon2 hashes; failed logins
slowed down per account). The coder identity of everything done afterwards comes from this login."""

import streamlit as st
from toolkit.app.common import flash, project

from toolkit import team

st.title("Log in")
st.caption("This project is served to a team. Your lead gives you an account.")
with st.form("login", clear_on_submit=False):
    name = st.text_input("Name", key="login_name", autocomplete="username")
    password = st.text_input("Password", type="password", key="login_password", autocomplete="current-password")
    submitted = st.form_submit_button("Log in", type="primary")
flash()  # e.g. "your account was changed or disabled: log in again"
if submitted:
    try:  # the slow-down is kept per name and client address: a guesser elsewhere cannot lock anyone out here
        ip = st.context.ip_address
        st.session_state["user"] = team.authenticate(project(), name, password,
                                                     client=ip if isinstance(ip, str) and ip else "-")
        st.session_state.pop("login_password", None)
        st.rerun()
    except team.LoginThrottled as e:
        st.error(f"Too many failed logins: wait {int(e.wait + 0.999)} s and try again.")
    except team.LoginError:
        st.error("Wrong name or password.")
