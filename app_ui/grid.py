"""The Studio's review grid: a book's rows as a DataFrame for st.data_editor, and the
edits a person has made but not saved yet.

Unsaved edits live in st.session_state, keyed by book, as {scene: {column: text}}
(characters as "A;B", the way story.csv and `review.save_edits` take them). Each run
lays them over the freshly read rows, so they survive thumbnails changing under them,
a rerun from the polling fragment, a visit to another screen, and a new editor. The Studio
also keeps them on the server as a draft (storymaker.services.drafts), for a reload or
another device.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import pandas as pd
import streamlit as st

from storymaker import books
from storymaker.services import review
from storymaker.services.review import EDITABLE, Edits, GridRow

COLUMNS = ("scene", "picture", "open", "regenerate", "title", "text", "illustration", "characters", "status")
READ_ONLY = ("scene", "picture", "status")
ROW_HEIGHT = 68

# Plain words: the grid is drawn on a canvas with the page's font, where emoji may be missing.
STATUS: dict[str, str] = {
    books.PENDING: "waiting",
    books.DRAWING: "drawing…",
    books.DONE: "drawn",
    books.FAILED: "failed",
}


def status_text(row: GridRow) -> str:
    label = STATUS.get(row.status, row.status)
    if row.error and row.status in (books.FAILED, books.PENDING):  # a failure, or "Retrying: ..."
        return f"{label}: {row.error}"
    return label


def saved_value(row: GridRow, column: str) -> str:
    return str(getattr(row, column))


def frame(rows: Iterable[GridRow], pending: Mapping[int, Mapping[str, str]]) -> pd.DataFrame:
    """One row per page, with the unsaved edits laid over the saved words."""
    records = []
    for row in rows:
        words = {column: pending.get(row.scene, {}).get(column, saved_value(row, column)) for column in EDITABLE}
        records.append({
            "scene": row.scene,
            "picture": row.picture,
            "title": words["title"],
            "text": words["text"],
            "illustration": words["illustration"],
            "characters": [name for name in words["characters"].split(";") if name],
            "status": status_text(row),
            "open": "Open",
            "regenerate": ":material/autorenew: Regenerate",
        })
    df = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    # A fixed type even while no page has a picture: the editor's identity follows the column
    # types, and a column turning from "all empty" into text would reset the person's edits.
    df["picture"] = df["picture"].astype("string")
    return df


def column_config(
    cast: list[str],
    *,
    on_open: Callable[..., None],
    on_regenerate: Callable[..., None],
    open_key: str,
    regenerate_key: str,
    args: tuple[Any, ...],
    offline_painter: bool = False,
) -> dict[str, Any]:
    cc = st.column_config
    redraw_help = "Draw this page again from its row (its unsaved edits are saved first)."
    if offline_painter:  # deterministic per take: each redraw is a new take, so a new picture
        redraw_help += " Each redraw is a new take, even when the row is unchanged."
    return {
        "scene": cc.NumberColumn("Scene", width=56, pinned=True, format="%d"),
        "picture": cc.ImageColumn("Picture", width=90, help="Double-click for a bigger thumbnail; **Open** shows the page."),
        "title": cc.TextColumn("Title", width="medium", max_chars=120, required=True),
        "text": cc.TextColumn("Text", width="large", max_chars=2000, required=True,
                              help="The words printed on the page."),
        "illustration": cc.TextColumn("Illustration", width="large", max_chars=1200, required=True,
                                      help="What the picture shows: setting, action, mood. Regenerate redraws from it."),
        "characters": cc.MultiselectColumn("Characters", options=cast, width="medium",
                                           help="Who is in the picture."),
        "status": cc.TextColumn("Status", width="medium"),
        "open": cc.ButtonColumn("Page", type="tertiary", width=70, on_click=on_open, args=args, key=open_key,
                                help="The picture at full size with its words."),
        "regenerate": cc.ButtonColumn("Redraw", width=116, on_click=on_regenerate, args=args, key=regenerate_key,
                                      help=redraw_help),
    }


def editor_edits(state: Any, order: list[int]) -> Edits:
    """The cell edits in a data_editor's state ({"edited_rows": {position: {column: value}}}), by scene number."""
    edits: Edits = {}
    rows = state.get("edited_rows", {}) if isinstance(state, Mapping) else {}
    for position, changes in rows.items():
        try:
            scene = order[int(position)]
        except (ValueError, IndexError):
            continue
        for column, value in (changes or {}).items():
            if column not in EDITABLE:
                continue
            if column == "characters":
                names = value if isinstance(value, (list, tuple)) else ([] if value is None else [value])
                text = ";".join(str(n).strip() for n in names if str(n).strip())
            else:
                text = "" if value is None else str(value)
            edits.setdefault(scene, {})[column] = text
    return edits


def merged(pending: Mapping[int, Mapping[str, str]], edits: Mapping[int, Mapping[str, str]]) -> Edits:
    out: Edits = {scene: dict(changes) for scene, changes in pending.items()}
    for scene, changes in edits.items():
        out.setdefault(scene, {}).update(changes)
    return out


def unsaved(pending: Mapping[int, Mapping[str, str]], rows: Iterable[GridRow]) -> Edits:
    """Only the edits that still differ from the saved words (of pages the book still has)."""
    return review.unsaved(pending, {row.scene: {c: saved_value(row, c) for c in EDITABLE} for row in rows})


def page_list(scenes: Iterable[int]) -> str:
    """Page numbers for a sentence: "page 2", "pages 2 and 5", "pages 1, 3 and 4"."""
    numbers = [str(s) for s in sorted(scenes)]
    if len(numbers) < 2:
        return "page " + "".join(numbers)
    return f"pages {', '.join(numbers[:-1])} and {numbers[-1]}"


def payload_bytes(df: pd.DataFrame) -> int:
    """About what the grid ships to the browser: the size of its Arrow data."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(df, preserve_index=False)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().size
