"""Streamlit helpers shared by router.py and the pages: the session and small renderers.

Everything here may import streamlit; the core package `storymaker` never does.
"""
