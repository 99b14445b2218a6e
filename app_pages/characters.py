"""Characters: the user's cast as cards; create, edit, delete, upload or draw an avatar."""

import streamlit as st

from storymaker import avatars, characters, safety
from storymaker.services import characters as cast_service
from storymaker.errors import StorymakerError
from storymaker.models.errors import ModelError
from app_ui import render, session

user = session.require_user()
engine = session.engine()
EDITING, DELETING, NEW_FORM = "editing_character", "deleting_character", "new_character_form"

st.title("Characters")
st.write("The cast of your books. Each book keeps its own copy, so changing a character never changes a book already made.")
render.models_notice(engine)
render.show_flash()


def field_error(form_key: str, name: str) -> None:
    """The safety check's message for this field of this form, under the field (kept until it is saved)."""
    message = st.session_state.get(f"{form_key}_errors", {}).get(name)
    if message:
        st.error(message, icon=":material/error:")


def character_form(form_key: str, character: characters.Character | None = None) -> None:
    """Create (no character) or edit. Nothing is saved unless everything is right; typed text stays."""
    with st.form(form_key, border=character is None):
        name = st.text_input("Name", value=character.name if character else "", max_chars=characters.MAX_NAME)
        field_error(form_key, "name")
        look = st.text_area("Look", value=character.look if character else "", max_chars=characters.MAX_LOOK,
                            placeholder="a tiny grey cat with a white-tipped tail", height=80,
                            help="How they look: every picture follows this.")
        field_error(form_key, "look")
        personality = st.text_area("Personality", value=character.personality if character else "",
                                   max_chars=characters.MAX_PERSONALITY, placeholder="shy at first, loyal to the end",
                                   height=80)
        field_error(form_key, "personality")
        choices: list[str] = list(characters.PRONOUNS)
        pronoun = st.selectbox("Pronoun", choices, format_func=lambda key: characters.PRONOUNS[key],
                               index=choices.index(character.pronoun) if character and character.pronoun in choices else 0,
                               help="How the story refers back to them.")
        upload = st.file_uploader(
            "Avatar picture (optional)" if character is None else "Replace the avatar picture (optional)",
            type=["png", "jpg", "jpeg", "webp"],
            help=f"PNG, JPEG or WebP, at most {avatars.MAX_BYTES // 1_048_576} MB. It is cleaned and scaled down.",
        )
        save, cancel = st.columns(2)
        saved = save.form_submit_button("Save" if character else "Create character", type="primary")
        canceled = character is not None and cancel.form_submit_button("Cancel")
    if canceled:
        st.session_state.pop(EDITING, None)
        st.rerun()
    if saved:
        try:
            result = cast_service.save(engine, user.id, character.id if character else None,
                                       name, look, personality, upload.getvalue() if upload else None,
                                       pronoun or "")
        except safety.InputRefused as refused:  # each message under its field; what was typed stays
            st.session_state[f"{form_key}_errors"] = refused.fields
            st.rerun()
        except StorymakerError as error:
            st.session_state.pop(f"{form_key}_errors", None)
            st.error(render.md("Not saved: {}", error))
        else:
            st.session_state.pop(f"{form_key}_errors", None)
            st.session_state.pop(EDITING, None)
            if character is None:  # a fresh, empty form for the next one
                st.session_state[NEW_FORM] = st.session_state.get(NEW_FORM, 0) + 1
            render.flash("Saved {}.", result.name)
            st.rerun()


@st.dialog("Delete this character?", on_dismiss=lambda: st.session_state.pop(DELETING, None))
def confirm_delete(character: characters.Character) -> None:
    st.markdown(f"**{render.md_escape(character.name)}** will be deleted.")
    using = cast_service.books_using(engine, user.id, character.id)
    if using:
        st.write("These books use this character. They keep their own copy, so they do not change:")
        st.markdown("\n".join(f"- {render.md_escape(title)}" for _, title in using))
    else:
        st.caption("No book uses this character.")
    render.delete_or_keep("character", DELETING, lambda: cast_service.delete(engine, user.id, character.id),
                          render.md("Deleted {}.", character.name))


cast = cast_service.list_for(engine, user.id)
# A tracked expander: it stays as the person left it across reruns, so a refusal shown inside stays visible.
with st.expander("New character", icon=":material/person_add:", expanded=not cast, key="new_character_open",
                 on_change="rerun"):
    character_form(f"new_character_{st.session_state.get(NEW_FORM, 0)}")

if not cast:
    st.info("No characters yet. Create one above, or make a sample book in My Books: it brings two along.")

grid = st.grid("auto", min_column_width=280, border=True, gap="medium")
for character in cast:
    with grid.cell():
        if st.session_state.get(EDITING) == character.id:
            character_form(f"edit_character_{character.id}", character)
            continue
        picture = characters.avatar_file(engine.store, character)  # the user's own character only
        if picture:
            render.picture(picture, width=160, as_stored=True)
        else:
            render.initial_badge(character.name)
        st.subheader(render.md_escape(character.name), anchor=False)
        if character.look:
            st.markdown(render.md_escape(character.look))
        if character.personality:
            st.caption(render.md_escape(character.personality))
        with st.container(horizontal=True):
            if st.button("Edit", key=f"edit_{character.id}", icon=":material/edit:"):
                st.session_state[EDITING] = character.id
                st.rerun()
            draw = st.button("Draw an avatar", key=f"draw_{character.id}", icon=":material/brush:",
                             help="Paint a portrait with the current image model.")
            if st.button("Delete", key=f"delete_{character.id}", icon=":material/delete:"):
                st.session_state[DELETING] = character.id
        if draw:
            try:
                with st.spinner(render.md("Painting {}…", character.name)):
                    cast_service.draw_avatar(engine, user.id, character.id)
            except (ModelError, StorymakerError) as error:
                st.error(render.md("No avatar was drawn: {}", error))
            else:
                render.flash("Drew a new avatar for {}.", character.name)
                st.rerun()

if (deleting := st.session_state.get(DELETING)) is not None:
    target = cast_service.get(engine, user.id, deleting)  # session state is not trusted either
    if target is None:
        st.session_state.pop(DELETING, None)
    else:
        confirm_delete(target)
