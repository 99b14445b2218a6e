"""Welcome: what Storymaker is and which models it uses."""

import streamlit as st

from storymaker import styles
from storymaker.config import ConfigError, load_settings

st.title("📖 Storymaker")
st.write("A title and a few characters in, an illustrated picture book out.")

try:
    settings = load_settings()
except ConfigError as error:
    st.error(f"Storymaker's settings need attention: {error}")
    st.stop()

if settings.is_offline:
    st.info("Using the **offline models**: stories and pictures are made on this computer, no API key needed.")
else:
    st.success(f"Using {settings.describe()}.")

st.subheader("Make a book from the command line")
st.code(
    'python -m storymaker make-book --title "The Lighthouse Cat" \\\n'
    '    --character "Mia: a curious girl with red boots" --character "Pip: a tiny grey cat"',
    language="bash",
)
st.caption(
    f"Books have {styles.MIN_SCENES} to {styles.MAX_SCENES} pages, for ages "
    f"{', '.join(styles.AGE_BANDS)}, in {len(styles.ART_STYLES)} art styles: "
    + ", ".join(s.label.lower() for s in styles.ART_STYLES.values()) + "."
)
