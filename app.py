"""Storymaker's server: the Streamlit app (router.py) with its own HTTP routes beside it.

`streamlit run app.py` finds `app` here and serves both. Streamlit's script runs cannot
set cookies; the routes in app_web/ can, which is how a sign-in is remembered;
a share link's public reading page (app_web/share.py) is served there too, without a session, and
pictures at signed addresses for the <img> tags a screen writes itself (app_web/pictures.py).
"""

import streamlit as st

from app_web import pictures, share, sign_in

app = st.App("router.py", routes=sign_in.routes + share.routes + pictures.routes)
