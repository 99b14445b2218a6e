"""Settings: the models in use, an OpenAI key for this session only, each book's usage, where you are
signed in, and your password."""

import streamlit as st

from storymaker import session_keys
from storymaker.safety import policy
from storymaker.services import safety, usage
from app_ui import render, session, sign_ins, studio_takes

user = session.require_user()
engine = session.engine()

st.title("Settings")
render.show_flash()

st.subheader("Models", anchor=False)
render.models_notice(engine)
st.markdown(
    f"- Story writer: `{engine.text_model.model_id}`{' (offline)' if engine.text_model.is_offline else ''}\n"
    f"- Painter: `{engine.image_model.model_id}`{' (offline)' if engine.image_model.is_offline else ''}"
)
if not engine.settings.is_offline and engine.settings.server:
    st.caption(render.md("Server: {}", engine.settings.server))  # the host only: the URL may hold a password

st.subheader("Safety checks", anchor=False)
st.markdown("\n".join(f"- {render.md_escape(line)}" for line in safety.active_checks(engine)))
refused = safety.refusals(engine, user.id)
with st.expander(f"What the safety checks refused ({len(refused)}{'+' if len(refused) == 50 else ''})",
                 icon=":material/shield:"):
    if not refused:
        st.caption("Nothing so far.")
    else:
        st.dataframe(
            [{"When": row.created_at[:16].replace("T", " "), "Book": row.book_title or "(a new book)",
              "What": row.subject if row.stage != "input" else f"{row.subject} (typed)",
              "Why": policy.in_words(row.categories), "Categories": ", ".join(row.categories),
              "Scores": ", ".join(f"{name} {score:.2f}" for name, score in
                                  sorted(row.scores.items(), key=lambda item: -item[1])[:4]),
              "Outcome": row.outcome, "Checked by": row.checker, "Words": row.excerpt}
             for row in refused],
            hide_index=True, width="stretch",
        )
        st.caption("A page that was refused once is rewritten; refused again, the book stops. A false alarm? "
                   "See \"Safety checks\" in the README for how to report it.")

st.subheader("Your OpenAI key for this session", anchor=False)
if session.has_session_key():
    # Never shown again, not even in part: only that one is set.
    st.success("A key is set for this session. Your new books and drawn avatars use OpenAI with it.",
               icon=":material/key:")
    if st.button("Forget the key", icon=":material/key_off:"):
        session.forget_session_key()
        st.rerun()
else:
    st.write("Paste an OpenAI API key to make your books with OpenAI's models. It is kept only in this "
             "server's memory while you use the app: never written to disk, logs or pages, and forgotten "
             "when you sign out or after an idle hour.")
    # clear_on_submit: the key does not linger in the form, even when it is refused.
    with st.form("session_key", clear_on_submit=True):
        key = st.text_input("OpenAI API key", type="password", autocomplete="off", placeholder="sk-…")
        if st.form_submit_button("Use this key", type="primary"):
            try:
                session.set_session_key(key)
            except session_keys.BadKey as error:
                st.error(render.md_escape(error))
            else:
                st.rerun()

st.subheader("Usage per book", anchor=False)
rows = usage.for_user(engine, user.id)
if not rows:
    st.caption("No books yet.")
else:
    st.dataframe(
        [{"Book": row.title, "Text tokens in": row.usage.input_tokens, "Text tokens out": row.usage.output_tokens,
          "Pictures": row.usage.images, "Characters narrated": row.usage.characters, "Model calls": row.usage.calls}
         for row in rows],
        hide_index=True,
        width="stretch",
    )

st.subheader("Pictures kept per book", anchor=False)
st.caption("Every picture drawn for a page is kept as a take (Studio → Open a page). Deleting takes frees this space.")
studio_takes.space_table(engine, user)

sign_ins.places(engine, user)
sign_ins.change_password(engine, user)
