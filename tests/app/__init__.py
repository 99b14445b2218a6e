"""The app through Streamlit's AppTest."""
