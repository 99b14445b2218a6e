"""Settings' sign-in section: where you are signed in (with Sign out per place and everywhere)
and changing your password, which signs out every other place."""

from __future__ import annotations

import time
from datetime import datetime

import streamlit as st

from storymaker import accounts, sessions
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.services import sessions as session_service
from app_ui import render, session

PASSWORD_KEYS = ("password_current", "password_new", "password_repeat")


def ago(seconds: float) -> str:
    """'just now', '5 minutes ago', '3 hours ago', '2 days ago'."""
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "just now"


def when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def places(engine: Engine, user: User) -> None:
    st.subheader("Where you're signed in", anchor=False)
    days = engine.settings.sign_in_days
    st.caption(f"A browser stays signed in for {days:g} days after you last used it. **Sign out** ends a "
               "sign-in at once, wherever it is.")
    here = session.session_id()
    now = time.time()
    for place in session_service.places(engine, user):
        with st.container(border=True):
            label, action = st.columns([4, 1], vertical_alignment="center")
            name = sessions.browser_label(place.browser)
            this = " · **this browser**" if place.id == here else ""
            kept = "" if place.remembered else " · this tab only (its browser did not keep the cookie)"
            label.markdown(render.md("{}", name) + this + "  \n"
                           f":small[:gray[Signed in {when(place.created_at)} · last seen "
                           f"{ago(now - place.last_seen)}{kept}]]")
            if action.button("Sign out", key=f"sign_out_{place.id}", icon=":material/logout:"):
                if place.id == here:
                    session.sign_out()
                else:
                    session_service.sign_out(engine, user, place.id)
                    render.flash("Signed out {}.", name)
                st.rerun()
    if st.button("Sign out everywhere", icon=":material/devices_off:",
                 help="Ends every sign-in of yours, this one too: every browser has to sign in again."):
        session_service.sign_out_everywhere(engine, user)
        session.sign_out()
        st.rerun()


def change_password(engine: Engine, user: User) -> None:
    st.subheader("Change your password", anchor=False)
    if user.username.startswith(accounts.IDENTITY_PREFIX):
        st.caption("You sign in through your organisation's account: change your password there.")
        return
    with st.form("change_password"):
        current = st.text_input("Current password", type="password", key=PASSWORD_KEYS[0],
                                autocomplete="current-password")
        new = st.text_input("New password", type="password", key=PASSWORD_KEYS[1], autocomplete="new-password",
                            help=f"At least {accounts.MIN_PASSWORD} characters; spaces are fine, "
                                 "the most common passwords are not.")
        repeat = st.text_input("New password again", type="password", key=PASSWORD_KEYS[2],
                               autocomplete="new-password")
        if not st.form_submit_button("Change password", type="primary"):
            return
    if new != repeat:
        st.error("The two new passwords are not the same.")
        return
    try:
        ended = session_service.change_password(engine, user, current, new, keep=session.session_id(),
                                                client=session.client_address())
    except accounts.AccountError as error:
        st.error(render.md_escape(error))
        return
    for key in PASSWORD_KEYS:
        st.session_state.pop(key, None)
    others = f" Signed out {ended} other place{'s' if ended != 1 else ''}." if ended else ""
    render.flash(f"Password changed.{others}")
    st.rerun()
