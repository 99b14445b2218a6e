"""Storymaker's router: page config and navigation over the screens in pages/."""

import streamlit as st

st.set_page_config(page_title="Storymaker", page_icon="📖", layout="wide")

navigation = st.navigation([st.Page("pages/home.py", title="Welcome", icon="📖", default=True)])
navigation.run()
