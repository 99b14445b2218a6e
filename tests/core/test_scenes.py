import csv
import io
import json
import time

import pytest
from hypothesis import given, settings, strategies as st

from storymaker import user_text
from storymaker.scenes import (
    COLUMNS, MAX_SHOWN_PROBLEMS, Scene, SceneError, csv_bytes, json_schema, parse_answer, parse_csv, parse_page, to_csv,
)

from tests.fakes.models import story_json

NAMES = ["Mia", "Pip"]


def problems_of(text, count=3, names=NAMES, parse=parse_answer):
    with pytest.raises(SceneError) as info:
        parse(text, count, names)
    return " | ".join(info.value.problems)


def test_plain_json_answer():
    scenes = parse_answer(story_json(NAMES, 3), 3, NAMES)
    assert [s.scene for s in scenes] == [1, 2, 3]
    assert all(isinstance(s, Scene) and s.text for s in scenes)


def test_fenced_answer_with_prose_around_it():
    answer = "Sure! Here is your story:\n```json\n" + story_json(NAMES, 3) + "\n```\nEnjoy reading it."
    assert len(parse_answer(answer, 3, NAMES)) == 3


def test_prose_with_braces_before_the_json():
    answer = "I used {curly} notes first. " + story_json(NAMES, 3)
    assert len(parse_answer(answer, 3, NAMES)) == 3


def test_bare_list_and_capitalised_keys():
    rows = [{"Scene": n, "Title": "T", "Text": "x", "Illustration": "i", "Characters": ["mia"]} for n in (1, 2)]
    scenes = parse_answer(json.dumps(rows), 2, NAMES)
    assert scenes[0].characters == ("Mia",)  # the book's spelling wins


def test_out_of_order_scenes_are_sorted():
    data = json.loads(story_json(NAMES, 3))
    data["scenes"].reverse()
    assert [s.scene for s in parse_answer(json.dumps(data), 3, NAMES)] == [1, 2, 3]


def test_csv_answer_with_commas_quotes_and_newlines():
    answer = (
        "Here it is:\n```csv\nscene,title,text,illustration,characters\n"
        '1,"Hello, world","She said ""hi"",\nthen left.",a beach at dawn,Mia;Pip\n'
        "2,Two,Text two,a forest at night,Pip\n```"
    )
    scenes = parse_answer(answer, 2, NAMES)
    assert scenes[0].title == "Hello, world"
    assert scenes[0].text == 'She said "hi",\nthen left.'
    assert scenes[0].characters == ("Mia", "Pip")


def test_wrong_scene_count():
    assert "expected 4 scenes, found 3" in problems_of(story_json(NAMES, 3), count=4)


def test_missing_column():
    data = json.loads(story_json(NAMES, 3))
    for scene in data["scenes"]:
        del scene["illustration"]
    assert "missing column: illustration" in problems_of(json.dumps(data))


def test_extra_column_is_dropped_from_answers_but_refused_in_files():
    data = json.loads(story_json(NAMES, 2))
    for scene in data["scenes"]:
        scene["mood"] = "happy"
    assert len(parse_answer(json.dumps(data), 2, NAMES)) == 2
    csv_text = "scene,title,text,illustration,characters,mood\n1,a,b,c,Mia,x\n2,a,b,c,Pip,y\n"
    assert "unexpected column: mood" in problems_of(csv_text, count=2, parse=parse_csv)


def test_duplicate_and_skipped_numbers():
    data = json.loads(story_json(NAMES, 3))
    data["scenes"][2]["scene"] = 2
    found = problems_of(json.dumps(data))
    assert "duplicate scene number: 2" in found
    assert "missing scene number: 3" in found


def test_numbers_outside_the_range():
    data = json.loads(story_json(NAMES, 2))
    data["scenes"][1]["scene"] = 7
    assert "scene numbers must run from 1 to 2, found 7" in problems_of(json.dumps(data), count=2)


def test_unknown_character_is_named():
    data = json.loads(story_json(NAMES, 2))
    data["scenes"][1]["characters"] = ["Bob"]
    found = problems_of(json.dumps(data), count=2)
    assert "unknown character 'Bob'" in found and "Mia, Pip" in found


def test_character_list_written_as_prose_is_understood():
    data = json.loads(story_json(NAMES, 2))
    data["scenes"][0]["characters"] = "Mia and Pip"
    data["scenes"][1]["characters"] = "Mia, Pip"
    scenes = parse_answer(json.dumps(data), 2, NAMES)
    assert scenes[0].characters == scenes[1].characters == ("Mia", "Pip")


def test_a_name_with_a_comma_is_kept_whole():
    names = ["Sir Hop, the Brave", "Mia"]
    data = json.loads(story_json(names, 1))
    data["scenes"][0]["characters"] = "Sir Hop, the Brave;Mia"
    assert parse_answer(json.dumps(data), 1, names)[0].characters == ("Sir Hop, the Brave", "Mia")


def test_empty_text_is_reported_per_row():
    data = json.loads(story_json(NAMES, 3))
    data["scenes"][1]["text"] = "   "
    assert "row 2 (scene 2): text is empty" in problems_of(json.dumps(data))


def test_no_data_at_all():
    assert "holds no scene list" in problems_of("Once upon a time there was a cat.")
    assert "empty" in problems_of("   ")


def test_csv_round_trip_keeps_everything():
    scenes = [Scene(1, "Hi, there", 'She said "go"\nand went', "a beach, at dawn", ("Mia", "Pip")),
              Scene(2, "Two", "Text", "a forest", ("Pip",))]
    text = to_csv(scenes)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert parse_csv(text.encode("utf-8"), 2, NAMES) == scenes


def test_uploaded_csv_problems_are_explained_row_by_row():
    text = "scene,title,text,illustration,characters\n1,A,,pic,Mia\nx,B,words,pic,Zed\n"
    found = problems_of(text, count=2, parse=parse_csv)
    assert "row 1 (scene 1): text is empty" in found
    assert "row 2: scene number 'x' is not a whole number" in found


def test_csv_that_is_not_utf8():
    assert "not UTF-8" in problems_of("scene,title\n1,Caf\xe9\n".encode("latin-1"), parse=parse_csv)


def test_schema_fixes_the_count_and_names():
    schema = json_schema(10, NAMES)
    scenes = schema["properties"]["scenes"]
    assert scenes["minItems"] == scenes["maxItems"] == 10
    assert scenes["items"]["properties"]["characters"]["items"]["enum"] == NAMES
    assert scenes["items"]["required"] == list(COLUMNS)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_scenes_or_our_own_error(text):
    try:
        scenes = parse_answer(text, 2, NAMES)
    except SceneError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
    else:
        assert [s.scene for s in scenes] == [1, 2]
        assert all(s.text and s.title and s.illustration for s in scenes)


scene_values = st.fixed_dictionaries(
    {c: st.one_of(st.none(), st.integers(-3, 5), st.text(max_size=30), st.lists(st.text(max_size=8), max_size=3))
     for c in COLUMNS}
)


def answer_text(rows, shape):
    """Rows written the way a model might answer: JSON, JSON fenced in prose, or CSV."""
    if shape == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{k: ";".join(v) if isinstance(v, list) else ("" if v is None else v) for k, v in r.items()}
                          for r in rows])
        return out.getvalue()
    text = json.dumps({"scenes": rows})
    return f"Here you go\n```json\n{text}\n```" if shape == "fenced" else text


def assert_a_valid_book(scenes, count=2):
    """What any accepted answer must be: `count` scenes numbered 1..count, words on every page, known names."""
    assert [s.scene for s in scenes] == list(range(1, count + 1))
    for s in scenes:
        for words in (s.title, s.text, s.illustration):
            assert words == words.strip() and user_text.has_visible(words)
        assert set(s.characters) <= set(NAMES) and len(set(s.characters)) == len(s.characters)


def assert_our_own_error(error):
    assert error.problems and all(isinstance(p, str) and p for p in error.problems)
    assert len(error.problems) <= MAX_SHOWN_PROBLEMS + 1


@settings(max_examples=300, deadline=None)
@given(st.lists(scene_values, max_size=4), st.sampled_from(["json", "fenced", "csv"]))
def test_any_structured_answer_gives_a_valid_book_or_our_own_error(rows, shape):
    try:
        scenes = parse_answer(answer_text(rows, shape), 2, NAMES)
    except SceneError as error:
        assert_our_own_error(error)
    else:
        assert_a_valid_book(scenes)


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).filter(user_text.has_visible)
valid_scene = st.fixed_dictionaries({
    "title": words, "text": words, "illustration": words,
    "characters": st.lists(st.sampled_from(NAMES), unique=True, max_size=2),
})


@settings(max_examples=200, deadline=None)
@given(st.lists(valid_scene, min_size=1, max_size=6), st.randoms(use_true_random=False),
       st.sampled_from(["json", "fenced", "csv"]))
def test_a_valid_answer_in_any_order_comes_back_whole(rows, random, shape):
    numbered = [dict(row, scene=n) for n, row in enumerate(rows, start=1)]
    random.shuffle(numbered)
    scenes = parse_answer(answer_text(numbered, shape), len(rows), NAMES)
    assert_a_valid_book(scenes, len(rows))
    for scene, row in zip(scenes, sorted(numbered, key=lambda r: r["scene"]), strict=True):
        assert (scene.title, scene.text, scene.illustration) == tuple(
            user_text.block(row[c]) for c in ("title", "text", "illustration"))
        assert scene.characters == tuple(row["characters"])


# ---------------------------------------------------------------- story.csv for spreadsheets

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")", "'=already quoted", "''+twice",
            "\uff1d1+1", "'Twas the night", "- a dash", "plain"]


def cells(data: bytes):
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def test_formula_cells_are_neutralised_and_come_back_exactly():
    scenes = [Scene(n, title, f"{title} said the text", "-dark night", ()) for n, title in enumerate(FORMULAS, 1)]
    data = csv_bytes(scenes)
    assert not [c for c in cells(data) if user_text.formula_like(c)]
    assert "'=1+1" in cells(data) and "'Twas the night" in cells(data) and "''=already quoted" in cells(data)
    assert parse_csv(data, len(FORMULAS), NAMES) == scenes


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "title": words, "text": words, "illustration": words,
    "characters": st.lists(st.sampled_from(NAMES), unique=True, max_size=2)}), min_size=1, max_size=4))
def test_any_scenes_survive_the_round_trip_and_open_safely(rows):
    scenes = [Scene(n, user_text.block(r["title"]), user_text.block(r["text"]), user_text.block(r["illustration"]),
                    tuple(r["characters"])) for n, r in enumerate(rows, start=1)]
    data = csv_bytes(scenes)
    assert not [c for c in cells(data) if user_text.formula_like(c)]
    assert parse_csv(data, len(scenes), NAMES) == scenes


def test_story_csv_has_a_byte_order_mark_and_uploads_take_it_or_not():
    scenes = [Scene(1, "Café", "Mia’s crème brûlée 🍮", "a 東京 street", ("Mia",))]
    data = csv_bytes(scenes)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert parse_csv(data, 1, NAMES) == parse_csv(data[3:], 1, NAMES) == scenes
    assert parse_csv(data.decode("utf-8"), 1, NAMES) == scenes  # text with the mark still in it


def test_a_spreadsheets_own_save_is_accepted():
    # Excel in a European locale: semicolons, CRLF line ends, every cell quoted, a byte order mark.
    excel = ('\ufeff"scene";"title";"text";"illustration";"characters"\r\n'
             '"1";"Hello; there";"She said ""hi""\r\nand left.";"a beach";"Mia;Pip"\r\n').encode("utf-8")
    assert parse_csv(excel, 1, NAMES) == [Scene(1, "Hello; there", 'She said "hi"\nand left.', "a beach", ("Mia", "Pip"))]
    tabs = "scene\ttitle\ttext\tillustration\tcharacters\n1\tT\tWords, more\tpic\tPip\n"
    assert parse_csv(tabs, 1, NAMES)[0].text == "Words, more"


def test_a_utf16_file_is_named_as_such():
    found = problems_of("scene,title\n".encode("utf-16"), parse=parse_csv)
    assert "UTF-16" in found and "CSV UTF-8" in found


def test_invisible_words_count_as_empty():
    text = "scene,title,text,illustration,characters\n1,\u200b\u200b,\x00\u2060,a pic,Mia\u200b\n"
    found = problems_of(text, count=1, parse=parse_csv)
    assert "row 1 (scene 1): title is empty" in found and "row 1 (scene 1): text is empty" in found
    assert "unknown character" not in found  # a zero-width space after a name is not part of it
    good = "scene,title,text,illustration,characters\n1,Hi\x00 there,Line\u2028two\ufeff,a pic,Mia\n"
    assert parse_csv(good, 1, NAMES) == [Scene(1, "Hi there", "Line\ntwo", "a pic", ("Mia",))]


def one_mb(row: str, numbered: bool = False) -> tuple[bytes, int]:
    """About a megabyte of `row` repeated (numbered 1..16 over and over), and how many rows that is."""
    header = "scene,title,text,illustration,characters\n"
    count = (1_000_000 - len(header)) // len(row.format(n=16))
    data = header + "".join(row.format(n=i % 16 + 1) if numbered else row for i in range(count))
    return data.encode(), count


def test_a_bad_megabyte_lists_twenty_problems_and_counts_the_rest():
    data, rows = one_mb("x,,,,\n")  # 166,659 rows, each with a bad number
    with pytest.raises(SceneError) as info:
        parse_csv(data, 4, NAMES)
    error = info.value
    assert len(error.shown) == MAX_SHOWN_PROBLEMS and error.problems[:-1] == error.shown
    assert error.problems[0] == f"expected 4 scenes, found {rows:,}"
    assert error.more == rows + 1 - MAX_SHOWN_PROBLEMS  # every row's problem plus the count, counted once
    assert error.problems[-1] == f"... and {error.more:,} more problems"
    assert len(str(error)) < 3_000


def test_checks_are_linear_in_the_file_size():
    # Every row has a valid number, so the duplicate check sees 76,919 numbers. Counting each
    # number's repeats by scanning the list (as once done) took over a minute on this file.
    data, rows = one_mb("{n},a,b,c,Mia\n", numbered=True)
    started = time.perf_counter()
    with pytest.raises(SceneError) as info:
        parse_csv(data, 16, NAMES)
    assert time.perf_counter() - started < 15  # about 0.5 s; the bound only catches quadratic work
    assert info.value.problems[0] == f"expected 16 scenes, found {rows:,}"
    assert "duplicate scene numbers: 1, 2, 3" in str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: "scene;title,text\tillustration\n" + t)))
def test_any_upload_gives_a_valid_book_or_our_own_error(data):
    try:
        scenes = parse_csv(data, 2, NAMES)
    except SceneError as error:
        assert_our_own_error(error)
    else:
        assert_a_valid_book(scenes)


def test_problems_with_the_whole_file_come_before_the_rows():
    text = "scene,title,text,illustration,characters\n" + "1,T,,pic,Bob\n" * 30
    error = pytest.raises(SceneError, parse_csv, text, 2, NAMES).value
    assert error.problems[:3] == ["expected 2 scenes, found 30", "duplicate scene number: 1", "missing scene number: 2"]
    assert error.problems[3] == "row 1 (scene 1): text is empty"
    assert error.more == 3 + 2 * 30 - MAX_SHOWN_PROBLEMS


# ---------------------------------------------------------------- one page (a rewrite, a new page)

PAGE = {"title": "Up We Go", "text": "Mia and Pip climb the stairs.", "illustration": "a lighthouse stair",
        "characters": ["mia", "Pip"]}


@pytest.mark.parametrize("answer", [
    json.dumps(PAGE),
    "Here is the page:\n```json\n" + json.dumps(PAGE) + "\n```\nEnjoy!",
    json.dumps({"page": PAGE}),
    json.dumps({"scenes": [{**PAGE, "scene": 4}]}),
    json.dumps([{**{k.upper(): v for k, v in PAGE.items()}}]),
], ids=["bare", "fenced-in-prose", "under-page", "one-of-scenes", "list-capitalised"])
def test_one_page_is_found_however_it_is_wrapped(answer):
    page = parse_page(answer, ["Mia", "Pip"], 7)
    assert page == Scene(7, "Up We Go", "Mia and Pip climb the stairs.", "a lighthouse stair", ("Mia", "Pip"))


def test_fixed_fields_win_over_the_answers():
    page = parse_page(json.dumps({"title": "T", "text": "New words.", "characters": ["Zed"]}), ["Mia"], 2,
                      {"illustration": "the old picture", "characters": ["Mia"]})
    assert (page.illustration, page.characters, page.text) == ("the old picture", ("Mia",), "New words.")


@pytest.mark.parametrize("answer,problem", [
    ("", "the answer was empty"),
    ("I'd rather not.", "the answer holds no page"),
    (json.dumps({**PAGE, "text": ""}), "text is empty"),
    (json.dumps({**PAGE, "text": "x" * 2001}), "text is too long"),
    (json.dumps({**PAGE, "characters": ["Zed"]}), "unknown character 'Zed'"),
    (json.dumps({"title": "T", "text": "Words."}), "missing column"),
], ids=["empty", "prose", "empty-text", "long-text", "stranger", "no-illustration"])
def test_a_page_that_breaks_the_contract_says_why(answer, problem):
    with pytest.raises(SceneError) as error:
        parse_page(answer, ["Mia", "Pip"], 1)
    assert problem in str(error.value)
