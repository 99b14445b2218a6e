"""Small renderers the pages share: the models notice, status badges, dates, reading type."""

from __future__ import annotations

import html
import io
from datetime import datetime
from typing import Callable

import streamlit as st
from PIL import Image

from storymaker import books
from storymaker.engine import Engine
from storymaker.files import StoredFile
from app_web import pictures

STATUS_BADGES: dict[str, tuple[str, str, str]] = {
    books.DRAFT: ("Draft", "gray", ":material/edit_note:"),
    books.GENERATING: ("Generating", "blue", ":material/autorenew:"),
    books.READY: ("Ready", "green", ":material/check_circle:"),
    books.NEEDS_ATTENTION: ("Needs attention", "red", ":material/error:"),
    books.CANCELED: ("Canceled", "orange", ":material/cancel:"),
}


def models_notice(engine: Engine) -> None:
    """Say plainly which models make things here (on every page that generates)."""
    if engine.uses_offline_models:
        st.info(
            "Using the **offline models**: stories and pictures are made on this computer, "
            "no API key needed.",
            icon=":material/computer:",
        )
    else:
        st.caption(f"Using {engine.settings.describe()}.")


def status_badge(status: str) -> None:
    label, color, icon = STATUS_BADGES.get(status, (status.capitalize(), "gray", None))
    st.badge(label, color=color, icon=icon)  # type: ignore[arg-type]


def friendly_date(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%-d %b %Y, %H:%M")
    except ValueError:
        return iso[:16]


def reading_text(text: str) -> None:
    """A page's words at a size for reading aloud. The text came from a model: escaped, never HTML."""
    st.html(
        "<div style=\"font-size:1.45rem; line-height:1.7; max-width:42rem; margin:0.5rem auto;\">"
        + html.escape(text).replace("\n", "<br>")
        + "</div>"
    )


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:")


def md_escape(text: object) -> str:
    """User or model text shown inside Markdown, as plain text (no links, icons or colour directives)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def md(template: str, *values: object) -> str:
    """Our Markdown `template` with each `{}` filled by a value shown as plain text.

    Every message that quotes something a person or a model wrote (a name, a title, a file
    name, an error that repeats them) is built here, so `[x](https://...)` never becomes a link."""
    return template.format(*(md_escape(value) for value in values))


FLASH = "flash_message"


def flash(message: str, *values: object) -> None:
    """Keep a confirmation to show after the next rerun (`values` fill its `{}` as plain text)."""
    st.session_state[FLASH] = md(message, *values) if values else message


def show_flash(toast: bool = False) -> None:
    """The kept confirmation; as a toast where a message in the page would push what is under it."""
    message = st.session_state.pop(FLASH, None)
    if message:
        (st.toast if toast else st.success)(message, icon=":material/check:")


def initial_badge(name: str) -> None:
    """A round badge with the first letter, for a character without a picture."""
    letter = html.escape((name.strip()[:1] or "?").upper())
    st.html(
        "<div style=\"width:96px;height:96px;border-radius:50%;background:#fbe9cf;color:#d9653b;"
        "display:flex;align-items:center;justify-content:center;font-size:3rem;font-weight:700;\">"
        f"{letter}</div>"
    )


class _Gone(Exception):
    """The file was deleted between the core's look and the display (not cached)."""


@st.cache_data(max_entries=2000, show_spinner=False)
def _browser_jpeg(store: str, key: str, version: int, _file: StoredFile) -> bytes:
    # Keyed by store, key and version, so a redrawn page is converted again. The keys come
    # from core calls that checked ownership; nobody else's page ever asks for them.
    data = _file.read()
    if data is None:
        raise _Gone(key)
    with Image.open(io.BytesIO(data)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


# A presigned address is valid this long; it is handed out again for half of it, so the
# browser keeps one address (and its cached picture) across reruns, and one shown at the
# last moment still has half its life to load.
URL_LIFETIME_S = 3600


@st.cache_data(ttl=URL_LIFETIME_S / 2, max_entries=5000, show_spinner=False)
def _browser_url(store: str, key: str, version: int, _file: StoredFile) -> str | None:
    # Keyed like `_browser_jpeg`: a redrawn page gets a new address. The address names the key,
    # not the version, and two signed within one second would be the same (the browser would
    # keep the old picture), so the version also sets a few extra seconds of life. Only screens
    # that checked ownership ask for a key, so an address reaches nobody else.
    return _file.url(URL_LIFETIME_S + version % 600)


def picture(file: StoredFile, as_stored: bool = False, **image_args) -> None:
    """A stored page, cover or thumbnail. From a bucket, the browser fetches it itself through
    a short-lived presigned address (no bytes pass through the app). From the folder:
    Streamlit re-encodes PNG and WebP files on every run (3 ms a thumbnail, 20 ms a page);
    the JPEG it would make is made once and kept. `as_stored`: show the file as it is (an
    avatar keeps its transparency)."""
    url = _browser_url(file.store.name, file.key, file.version, file)
    if url is not None:
        st.image(url, **image_args)
        return
    if as_stored:
        data = file.read()
        if data is not None:
            st.image(data, **image_args)
        return
    try:
        jpeg = _browser_jpeg(file.store.name, file.key, file.version, file)
    except (_Gone, OSError):  # deleted meanwhile, or not a picture
        return
    st.image(jpeg, output_format="JPEG", **image_args)


def lazy_picture(engine: Engine, file: StoredFile, alt: str, px: int) -> None:
    """A picture the browser loads only as it nears the screen (`loading="lazy"`), from the bucket's
    presigned address or, from the folder, the app's signed one (app_web.pictures). `px`: its
    stored width, so the space is kept before it loads and nothing below it jumps."""
    url = _browser_url(file.store.name, file.key, file.version, file) or pictures.address(
        file, engine.settings.data_dir)
    st.html(f'<img src="{html.escape(url)}" alt="{html.escape(alt)}" loading="lazy" decoding="async" '
            f'width="{px}" height="{px}" style="width:100%;height:auto;aspect-ratio:1;object-fit:cover;'
            'border-radius:0.5rem;display:block;">')


def delete_or_keep(noun: str, dialog_state: str, delete: Callable[[], object], done: str) -> None:
    """The Delete / Keep buttons of a "Delete this ...?" dialog; either closes it."""
    yes, no = st.columns(2)
    if yes.button("Delete", type="primary", key=f"confirm_delete_{noun}"):
        delete()
        st.session_state.pop(dialog_state, None)
        flash(done)
        st.rerun()
    if no.button("Keep", key=f"keep_{noun}"):
        st.session_state.pop(dialog_state, None)
        st.rerun()
