"""The Studio grid's helpers: rows to a DataFrame, editor edits by scene, unsaved edits."""

from app_ui import grid
from storymaker.services.review import GridRow


def row(scene: int, **words) -> GridRow:
    values = {"title": f"Title {scene}", "text": f"Text {scene}", "illustration": f"Picture {scene}",
              "characters": "Mia;Pip"} | words
    return GridRow(scene, None if scene == 2 else "data:image/webp;base64,AAAA", values["title"], values["text"],
                   values["illustration"], values["characters"], "done", None, 1)


def test_the_frame_lays_unsaved_edits_over_the_saved_words():
    df = grid.frame([row(1), row(2)], {2: {"text": "Edited", "characters": "Pip"}})
    assert list(df.columns) == list(grid.COLUMNS)
    assert list(df["text"]) == ["Text 1", "Edited"]
    assert [list(c) for c in df["characters"]] == [["Mia", "Pip"], ["Pip"]]
    assert str(df["picture"].dtype) == "string"  # a fixed type, even for a page not drawn yet
    assert df["picture"].isna().tolist() == [False, True]


def test_a_failed_page_shows_its_error_in_the_status():
    failed = GridRow(1, None, "t", "x", "i", "", "failed", "The service refused this picture.", 0)
    assert grid.status_text(failed) == "failed: The service refused this picture."
    assert grid.status_text(row(1)) == "drawn"


def test_editor_edits_are_keyed_by_scene_with_characters_as_story_csv_writes_them():
    state = {"edited_rows": {0: {"title": "New"}, 1: {"characters": ["Pip", " "], "status": "x", "text": None},
                             7: {"title": "off the end"}}}
    assert grid.editor_edits(state, [3, 4]) == {3: {"title": "New"}, 4: {"characters": "Pip", "text": ""}}
    assert grid.editor_edits(None, [1]) == {}


def test_only_edits_that_differ_from_the_saved_words_are_unsaved():
    pending = {1: {"title": "Title 1", "text": "Changed"}, 2: {"characters": "Mia;Pip"}, 9: {"title": "gone"}}
    assert grid.unsaved(pending, [row(1), row(2)]) == {1: {"text": "Changed"}}


def test_later_edits_win():
    assert grid.merged({1: {"title": "a", "text": "b"}}, {1: {"title": "c"}, 2: {"text": "d"}}) == {
        1: {"title": "c", "text": "b"}, 2: {"text": "d"}}
