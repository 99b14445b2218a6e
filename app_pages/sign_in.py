"""Sign in or create an account: the only page anyone sees before signing in."""

import streamlit as st

from storymaker import accounts
from storymaker.services import accounts as account_service
from app_ui import render, session

engine, _ = session.shared()

st.title("📖 Storymaker")
st.write("A title and a few characters in, an illustrated picture book out.")
render.models_notice(engine)

sign_in_tab, sign_up_tab = st.tabs(["Sign in", "Create an account"])

with sign_in_tab:
    # A form keeps what was typed when the answer is "no".
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                user = account_service.sign_in(engine, username, password, client=session.client_address())
            except accounts.AccountError as error:
                st.error(render.md_escape(error))
            else:
                session.sign_in(user)
                st.rerun()

with sign_up_tab:
    with st.form("sign_up"):
        new_username = st.text_input("Choose a username", key="sign_up_username", autocomplete="username",
                                     help="2 to 40 letters, digits or . _ - @")
        new_password = st.text_input("Choose a password", type="password", key="sign_up_password",
                                     autocomplete="new-password",
                                     help=f"At least {accounts.MIN_PASSWORD} characters; spaces are fine, "
                                          "the most common passwords are not.")
        if st.form_submit_button("Create my account", type="primary"):
            try:
                user = account_service.sign_up(engine, new_username, new_password)
            except accounts.AccountError as error:
                st.error(render.md_escape(error))
            else:
                session.sign_in(user)
                st.rerun()

if session.oidc_configured():
    st.divider()
    # Shown only when [auth] is set up in .streamlit/secrets.toml (see the example file).
    st.button("Sign in with your organisation's account", icon=":material/key:", on_click=st.login)
