"""The HTTP routes st.App serves beside the Streamlit app (app.py): what a script run cannot do,
such as setting a cookie."""
