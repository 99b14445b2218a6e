"""Storymaker's router (the script app.py serves): page config, the sign-in gate and navigation over app_pages/.

Signed out, the only page that exists is the sign-in page, so no URL reaches
anything else. Signed in, every page reads the user from st.session_state and
passes their id to the core, which checks ownership in SQL.

The screens live in app_pages/, not pages/: Streamlit treats a folder named
pages/ as an old-style multipage app until st.navigation first runs, so on a
fresh server the first request for /my_books would run that file directly,
around this gate (each page also refuses to run signed out, as a second lock).
"""

import streamlit as st

from app_ui import remember, render, session
from storymaker.config import ConfigError

st.set_page_config(page_title="Storymaker", page_icon="📖", layout="wide")

try:
    session.shared()
except ConfigError as error:
    st.title("📖 Storymaker")
    st.error(render.md("Storymaker's settings need attention: {}", error))
    st.stop()

session.adopt_oidc_identity()

NOT_REMEMBERED = "This browser does not keep Storymaker's cookie, so this sign-in lasts only while this tab is open."
SCREENS = ("my_books", "studio", "characters", "reader", "settings")
if session.current_user() is None:
    # A bookmark or reader link opened signed out shows the sign-in form at that address
    # (hidden stand-ins), instead of Streamlit's "page not found".
    pages = [st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:", default=True)] + [
        st.Page("app_pages/sign_in.py", title="Sign in", url_path=name, visibility="hidden") for name in SCREENS
    ]
else:
    # My Books is served at "/"; a remembered browser that opens a /my_books bookmark (the signed-out
    # stand-in's address) gets it there too, from a hidden alias, not Streamlit's "page not found".
    # The default page needs a url_path of its own for that: page ids come from url paths.
    pages = [
        st.Page("app_pages/my_books.py", title="My Books", icon=":material/auto_stories:", default=True,
                url_path="shelf"),
        st.Page("app_pages/my_books.py", title="My Books", url_path="my_books", visibility="hidden"),
        st.Page("app_pages/studio.py", title="Studio", icon=":material/palette:"),
        st.Page("app_pages/characters.py", title="Characters", icon=":material/face:"),
        st.Page("app_pages/reader.py", title="Reader", icon=":material/menu_book:"),
        st.Page("app_pages/settings.py", title="Settings", icon=":material/settings:"),
    ]
    with st.sidebar:
        st.caption(f"Signed in as **{render.md_escape(session.display_name())}**")
        if session.not_remembered():
            st.caption(f":material/cookie_off: {NOT_REMEMBERED}")
        if st.button("Sign out", icon=":material/logout:"):
            session.sign_out()
            st.rerun()
    if session.not_remembered_news():
        st.toast(NOT_REMEMBERED, icon=":material/cookie_off:")
remember.run_scheduled()  # hands the browser its cookie (or takes it back) when a sign-in starts or ends

navigation = st.navigation(pages)
if session.signed_out_just_now() and (navigation.url_path or st.query_params):
    # The next person in this tab starts from a clean address, not the last one's ?book= link.
    st.switch_page(pages[0])
if session.current_user() is None:
    st.session_state[session.SIGNED_OUT_AT] = navigation.url_path  # which screen a link asked for
# A reader or Studio link (?book=ID...) opened while signed out: go there once signed in.
elif wanted := st.session_state.pop(session.AFTER_SIGN_IN, None):
    screen = "app_pages/studio.py" if wanted.pop("screen", None) == "studio" else "app_pages/reader.py"
    st.switch_page(screen, query_params=wanted)
with session.plain_errors():  # any StorymakerError a screen does not catch (a busy library, say) reads as a message
    navigation.run()
