"""The offline story writer: shape, sizing, coherence and determinism."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storymaker.models.base import CharacterLook, StoryBrief, TextRequest
from storymaker.models.errors import ModelConfigError
from storymaker.models.offline_text import OfflineTextModel
from storymaker.storyteller.compose import sentences
from storymaker.styles import MAX_SCENES, MIN_SCENES, WORDS_PER_PAGE

MIA = CharacterLook("Mia", "a curious girl with red boots")
PIP = CharacterLook("Pip", "a tiny grey cat")
LEO = CharacterLook("Leo", "a brave boy with curly hair and glasses", "kind, loves dinosaurs")
ZARA = CharacterLook("Zara", "a shy girl in a yellow raincoat")
BO = CharacterLook("Bo", "a big brown dog")

SETTING_WORDS = ("forest", "beach", "sea", "lighthouse", "mountain", "meadow", "garden", "park", "town", "village",
                 "street", "house", "bedroom", "kitchen", "castle", "space", "moon", "river", "lake", "pond", "snow",
                 "desert", "underwater", "cave", "school", "farm", "sky")
TIME_WORDS = ("dawn", "morning", "day", "afternoon", "sunset", "evening", "dusk", "night")

TITLES = ("The Lighthouse Cat", "The Lost Kite", "Storm on the Farm", "The Big Race", "Journey to the Moon",
          "The Broken Clock", "Afraid of the Dark", "A New Friend", "Grandma's Birthday Surprise",
          "Zog's Wobbly Wednesday", "Under the Sea", "The Tall Tree", "First Day at School")
CASTS = ((MIA, PIP), (LEO,), (ZARA, BO, PIP), (MIA, PIP, LEO, ZARA, BO))

model = OfflineTextModel()


def write(title="The Lighthouse Cat", characters=(MIA, PIP), **options) -> list[dict]:
    brief = StoryBrief(title=title, characters=characters, **options)
    result = model.complete(TextRequest(messages=(), brief=brief))
    assert result.input_tokens == 0 and result.output_tokens == 0
    return json.loads(result.text)["scenes"]


def words_of(text: str) -> int:
    return len(text.split())


def test_the_model_says_what_it_is():
    assert model.model_id == "offline-storyteller"
    assert model.is_offline and model.supports_schema
    assert "English" in model.languages
    assert model.writes("english") and model.writes("EN") and model.writes("English")


def test_the_same_brief_gives_the_same_book():
    brief = StoryBrief(title="The Lighthouse Cat", characters=(MIA, PIP), premise="sharing is caring", scene_count=10)
    first = model.complete(TextRequest(messages=(), brief=brief)).text
    again = OfflineTextModel().complete(TextRequest(messages=(), brief=brief)).text
    assert first == again


def test_the_prompt_messages_are_ignored():
    from storymaker.models.base import Message

    brief = StoryBrief(title="The Lost Kite", characters=(MIA,), scene_count=6)
    quiet = model.complete(TextRequest(messages=(), brief=brief)).text
    chatty = model.complete(TextRequest(messages=(Message("user", "write about dragons"),), brief=brief)).text
    assert quiet == chatty


@pytest.mark.parametrize("n", range(MIN_SCENES, MAX_SCENES + 1))
def test_exactly_n_scenes_numbered_in_order(n):
    scenes = write(scene_count=n)
    assert [s["scene"] for s in scenes] == list(range(1, n + 1))
    for s in scenes:
        assert set(s) == {"scene", "title", "text", "illustration", "characters"}
        assert s["title"].strip() and s["text"].strip() and s["illustration"].strip()
        assert 1 <= len(s["characters"])


@pytest.mark.parametrize("cast", CASTS, ids=lambda c: "+".join(x.name for x in c))
@pytest.mark.parametrize("n", (4, 10, 16))
def test_every_character_appears_and_only_book_characters_are_listed(cast, n):
    names = {c.name for c in cast}
    scenes = write("The Big Race", cast, scene_count=n)
    listed = [name for s in scenes for name in s["characters"]]
    assert set(listed) == names
    for s in scenes:
        assert len(s["characters"]) == len(set(s["characters"]))
    story = " ".join(s["text"] for s in scenes)
    for name in names:
        assert re.search(rf"\b{re.escape(name)}\b", story), name


@pytest.mark.parametrize("band", list(WORDS_PER_PAGE))
@pytest.mark.parametrize("title", TITLES)
def test_page_length_fits_the_age_band(band, title):
    lo, hi = WORDS_PER_PAGE[band]
    for cast in CASTS:
        for n in (4, 9, 16):
            for s in write(title, cast, age_band=band, scene_count=n):
                assert lo <= words_of(s["text"]) <= hi, (band, n, s["text"])


def test_younger_books_have_shorter_pages():
    def mean(band):
        scenes = write(age_band=band, scene_count=10)
        return sum(words_of(s["text"]) for s in scenes) / len(scenes)

    assert mean("3-5") < mean("6-8") < mean("9-12")


def test_different_titles_give_different_stories():
    books = {json.dumps(write(title, (MIA, PIP), scene_count=8)) for title in TITLES}
    assert len(books) == len(TITLES)
    # Not just different words: different plots.
    lighthouse = " ".join(s["text"] for s in write("The Lighthouse Cat", (MIA, PIP)))
    kite = " ".join(s["text"] for s in write("The Lost Kite", (MIA, PIP)))
    assert "lighthouse" in lighthouse.lower() and "kite" in kite.lower()
    assert "kite" not in lighthouse.lower()


def test_the_title_picks_the_setting_and_the_hero():
    scenes = write("The Lighthouse Cat", (MIA, PIP), scene_count=10)
    assert all("lighthouse" in s["illustration"].lower() for s in scenes[:2])
    assert scenes[0]["text"].count("Pip") >= 1  # the cat of the title leads the story


@pytest.mark.parametrize("premise, word", [("sharing is caring", "sharing"), ("being brave", "brave"),
                                           ("kindness matters", "kind"), ("never give up", "give up"),
                                           ("slow and steady wins the race", "slow and steady")])
@pytest.mark.parametrize("band", list(WORDS_PER_PAGE))
def test_the_premise_shapes_the_story(premise, word, band):
    for n in (4, 10):
        story = " ".join(s["text"] for s in write("The Lost Kite", (MIA, PIP), premise=premise, age_band=band,
                                                  scene_count=n)).lower()
        assert word in story, (premise, band, n)


@pytest.mark.parametrize("title", TITLES)
def test_page_titles_are_short_and_unique(title):
    for cast in CASTS:
        scenes = write(title, cast, scene_count=16)
        titles = [s["title"].lower() for s in scenes]
        assert len(set(titles)) == len(titles)
        for s in scenes:
            assert 1 <= len(s["title"].split()) <= 6, s["title"]


@pytest.mark.parametrize("band", list(WORDS_PER_PAGE))
@pytest.mark.parametrize("title", TITLES)
def test_no_sentence_is_used_twice(band, title):
    for cast in CASTS:
        seen: set[str] = set()
        for s in write(title, cast, age_band=band, scene_count=16):
            for sentence in sentences(s["text"]):
                key = " ".join(re.findall(r"\w+", sentence.lower()))
                if len(key.split()) >= 3:
                    assert key not in seen, sentence
                    seen.add(key)


@pytest.mark.parametrize("title", TITLES)
def test_illustrations_name_a_setting_a_time_and_ask_for_no_text(title):
    for s in write(title, (MIA, PIP), scene_count=12):
        low = s["illustration"].lower()
        assert any(re.search(rf"\b{w}\b", low) for w in SETTING_WORDS), s["illustration"]
        assert any(re.search(rf"\b{w}\b", low) for w in TIME_WORDS), s["illustration"]
        assert "mood:" in low
        for name in s["characters"]:
            assert name in s["illustration"]


def test_the_storm_comes_at_night_and_the_ending_is_bright():
    scenes = write("The Lighthouse Cat", (MIA, PIP), scene_count=10)
    pictures = [s["illustration"].lower() for s in scenes]
    assert any("storm" in p and "night" in p for p in pictures)
    assert "night" not in pictures[-1] and "storm" not in pictures[-1]


def test_looks_and_personalities_are_used():
    story = " ".join(s["text"] for s in write("The Lighthouse Cat", (MIA, PIP), scene_count=10)).lower()
    assert "red boots" in story
    assert "curious" in story
    assert "cat" in story


def test_no_brief_is_a_clear_error():
    with pytest.raises(ModelConfigError, match="needs a story brief"):
        model.complete(TextRequest(messages=()))


def test_other_languages_fall_back_to_english():
    english = write(language="English", scene_count=6)
    klingon = write(language="Klingon", scene_count=6)
    assert not model.writes("Klingon")
    assert " the " in " ".join(s["text"] for s in klingon)
    assert len(klingon) == len(english) == 6


def test_it_is_fast():
    brief = StoryBrief(title="The Lighthouse Cat", characters=(MIA, PIP, LEO), age_band="9-12", scene_count=16)
    request = TextRequest(messages=(), brief=brief)
    model.complete(request)
    start = time.process_time()
    for _ in range(10):
        model.complete(request)
    assert (time.process_time() - start) / 10 < 0.05  # well under 20 ms on an idle machine


NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=";\n\r"), min_size=1, max_size=24,
).filter(lambda s: s.strip())
LOOK = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=60),
    names=st.lists(NAME, min_size=1, max_size=5, unique_by=lambda s: s.strip()),
    looks=st.lists(LOOK, min_size=5, max_size=5),
    premise=st.text(max_size=80),
    band=st.sampled_from(list(WORDS_PER_PAGE)),
    n=st.integers(MIN_SCENES, MAX_SCENES),
)
def test_any_brief_gives_valid_json(title, names, looks, premise, band, n):
    cast = tuple(CharacterLook(name.strip(), looks[i]) for i, name in enumerate(names))
    scenes = write(title, cast, premise=premise, age_band=band, scene_count=n)
    assert [s["scene"] for s in scenes] == list(range(1, n + 1))
    allowed = {c.name for c in cast}
    for s in scenes:
        assert s["title"] and s["text"] and s["illustration"]
        assert s["characters"] and set(s["characters"]) <= allowed
        # no template slot left unfilled; a slot-like word is fine only where the user typed it
        # (the writer may change the case of the premise's first letter, so compare case-folded)
        typed = "\n".join([title, premise, *names]).casefold()
        for slot in re.findall(r"\{[A-Za-z_]\w*\}", s["text"]):
            assert slot.casefold() in typed, slot


def test_the_phrase_bank_helpers_say_what_they_are():
    from storymaker.storyteller import en_story, en_world
    from storymaker.storyteller.compose import Opt, optional

    assert optional("Hooray!", "Whee!", p=3) == Opt(3, ("Hooray!", "Whee!"))
    assert optional("Hooray!").priority == 2
    item = en_story.beat(["A Title"], s=["Short."], m=["Longer."], pic="{A} waves")
    assert item == dict(title=["A Title"], s=["Short."], m=["Longer."], x=[], pic="{A} waves", place=None, weather=None)
    assert en_world.setting(name="the moon") == {"name": "the moon"}
    assert not {"I", "O", "S"} & (set(vars(en_story)) | set(vars(en_world)))


# The words of these books are pinned: a change to the storyteller's code that is not meant
# to change a story (a reshaping) must keep them byte for byte. Change the digest only with the words.
PINNED_BRIEFS = [
    StoryBrief(title=title, characters=cast, premise=premise, age_band=band, scene_count=count)
    for title, cast, premise, band, count in [
        ("The Lighthouse Cat", (MIA, PIP), "sharing is caring", "6-8", 10),
        ("Afraid of the Dark", (ZARA, BO, PIP), "", "3-5", 6),
        ("A New Friend", (LEO, ZARA), "a new neighbour", "9-12", 12),
        ("Journey to the Moon", (MIA, PIP, LEO, ZARA, BO), "teamwork makes the dream work", "6-8", 16),
        ("Storm on the Farm", (BO,), "being brave", "3-5", 4),
        ("The Big Race", (LEO, PIP), "slow and steady wins the race", "9-12", 8),
        ("The Broken Clock", (ZARA,), "", "6-8", 5),
        ("Under the Sea", (MIA, BO, LEO), "finding a lost toy", "9-12", 14),
    ]
]
PINNED_DIGEST = "efc4d9037cf39ac65980f5cc362ed70f61a6f360f74360118065c5065e703807"


def test_the_offline_books_are_pinned():
    import hashlib

    from storymaker.storyteller import write_book

    books = [json.dumps(write_book(brief), ensure_ascii=False, sort_keys=True) for brief in PINNED_BRIEFS]
    assert hashlib.sha256("\n".join(books).encode("utf-8")).hexdigest() == PINNED_DIGEST
