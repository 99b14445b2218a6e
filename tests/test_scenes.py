import json

import pytest
from hypothesis import given, settings, strategies as st

from storymaker.scenes import COLUMNS, Scene, SceneError, json_schema, parse_answer, parse_csv, to_csv

from .mocks import story_json

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


@settings(max_examples=300, deadline=None)
@given(st.lists(scene_values, max_size=4), st.sampled_from(["json", "fenced", "csv"]))
def test_any_structured_answer_gives_scenes_or_our_own_error(rows, shape):
    if shape == "csv":
        import csv, io
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{k: ("" if v is None else v) for k, v in r.items()} for r in rows])
        text = out.getvalue()
    else:
        text = json.dumps({"scenes": rows})
        if shape == "fenced":
            text = f"Here you go\n```json\n{text}\n```"
    try:
        parse_answer(text, 2, NAMES)
    except SceneError:
        pass
