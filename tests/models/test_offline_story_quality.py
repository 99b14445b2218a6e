"""The offline storyteller reads like a picture book whatever the title: the world from the title,
premise or cast; the brief's time and weather in words and pictures; looks a detail at a time;
pronouns and bodies that fit; everyone met before they act."""

from __future__ import annotations

import random

import pytest

from storymaker.models.base import CharacterLook, StoryBrief
from storymaker.storyteller import write_book
from storymaker.storyteller.book import actor_keys, plan_book
from storymaker.storyteller.cast import read_actor
from storymaker.storyteller.compose import tidy
from storymaker.storyteller.review import pronoun_slips, unintroduced, verbatim_looks

MIRA = CharacterLook("Mira", "a small girl with a red pointed hat, round face and a blue coat")
OTTO = CharacterLook("Otto", "a turtle with a green scarf")
PIP = CharacterLook("Pip", "a tiny grey cat with white paws")
EMBER = CharacterLook("Ember", "a friendly green dragon with golden wings")
FINN = CharacterLook("Finn", "a small orange fish")
NELL = CharacterLook("Nell", "a penguin in a red knitted hat")
CAST = (MIRA, OTTO, PIP)


def plan(title, premise="", cast=CAST, **options):
    return plan_book(StoryBrief(title, cast, premise=premise, **options))[0]


@pytest.mark.parametrize("title,setting", [
    ("Lost in the Woods", "forest"), ("A Trip to the Ocean", "beach"), ("The Rocket Ride", "space"),
    ("Fun in the Farmyard", "farm"), ("The New Classroom", "school"), ("Bedtime for Otto", "house"),
    ("The Castle Gate", "castle"), ("Deep Under the Sea", "underwater"), ("The Snowflake Hunt", "snow"),
    ("The Lighthouse Keeper", "lighthouse"), ("Up the Mountain", "mountain"), ("The Clock Tower", "town"),
    ("A Picnic by the River", "water"), ("The Hot Desert", "desert"), ("The Secret Cave", "cave"),
    ("A Kite in the Sky", "sky"), ("The Timing Book", "town"),
], ids=lambda v: v.replace(" ", "-") if isinstance(v, str) else v)
def test_the_title_chooses_the_setting(title, setting):
    assert plan(title).world.setting == setting


def test_the_premise_chooses_the_setting_when_the_title_names_none():
    assert plan("Mira's Big Day", "a day at the seaside").world.setting == "beach"


@pytest.mark.parametrize("hero,setting", [(EMBER, "castle"), (FINN, "underwater"), (NELL, "snow")],
                         ids=["dragon", "fish", "penguin"])
def test_a_title_that_names_no_place_takes_it_from_the_hero(hero, setting):
    assert plan(f"{hero.name} and the Question", cast=(hero, PIP)).world.setting == setting


def test_titles_that_name_no_place_get_varied_settings_not_always_the_forest():
    titles = ["The Question", "A Very Good Day", "Why Not?", "Hello Again", "The Secret", "Something New",
              "One More Time", "The Long Wait"]
    settings = {plan(t, cast=(MIRA, PIP)).world.setting for t in titles}
    assert len(settings) >= 4


def test_ten_books_from_ten_titles_have_eight_settings_and_eight_plots():
    titles = ["Lost in the Woods", "The Dragon Who Was Afraid of the Dark", "The Big Race", "Storm at the Lighthouse",
              "A Trip to the Ocean", "The Broken Rocket", "The New Classroom", "Grandma's Birthday Surprise",
              "Fun in the Farmyard", "The Snowy Adventure"]
    plans = [plan(t, cast=(MIRA, PIP)) for t in titles]
    assert len({p.world.setting for p in plans}) >= 8
    assert len({p.family for p in plans}) >= 8


@pytest.mark.parametrize("premise,words,picture", [
    ("an adventure at night", ("night", "moon", "stars"), "at night"),
    ("a walk in the rain", ("rain",), "in the rain"),
    ("a snowy morning", ("snow",), "in the snow"),
], ids=["night", "rain", "snow"])
def test_the_premises_time_and_weather_reach_the_words_and_every_picture(premise, words, picture):
    pages = write_book(StoryBrief("Mira's Walk", (MIRA, PIP), premise=premise, age_band="6-8", scene_count=8))
    assert any(w in pages[0]["text"].lower() for w in words), pages[0]["text"]
    for page in pages:
        assert picture in page["illustration"], page["illustration"]


def test_no_sunshine_at_night_or_indoors():
    pages = write_book(StoryBrief("Bedtime for Otto", (OTTO, PIP), scene_count=8))
    assert all("sunshine" not in p["illustration"] for p in pages)
    assert all("at night" in p["illustration"] for p in pages)


def test_the_premises_lesson_reaches_the_words():
    pages = write_book(StoryBrief("Lost in the Woods", (MIRA, PIP), premise="learning to share", scene_count=10))
    assert "shar" in " ".join(p["text"] for p in pages).lower()


BOOKS = [(title, band, count) for title in ("Lost in the Woods", "The Rocket Ride", "Fun in the Farmyard",
                                            "Bedtime for Otto", "The New Classroom", "A Trip to the Ocean")
         for band, count in (("3-5", 6), ("6-8", 10), ("9-12", 16))]


@pytest.mark.parametrize("title,band,count", BOOKS, ids=[f"{t.replace(' ', '-')}-{b}" for t, b, _ in BOOKS])
def test_no_look_pasted_whole_everyone_met_before_acting_and_pronouns_that_fit(title, band, count):
    cast = (MIRA, OTTO, PIP, EMBER)
    pages = write_book(StoryBrief(title, cast, age_band=band, scene_count=count))
    actors = [read_actor(c, i) for i, c in enumerate(cast)]
    assert verbatim_looks(pages, {c.name: c.look for c in cast}) == []
    assert unintroduced(pages, actors) == []
    assert pronoun_slips(pages, actors) == []
    story = " ".join(p["text"] for p in pages)
    assert "round face and a blue coat" not in story
    for page in pages:  # everyone in the picture is in the words
        assert all(name in page["text"] for name in page["characters"]), page


def test_looks_are_woven_in_a_detail_at_a_time():
    pages = write_book(StoryBrief("The Lighthouse", (MIRA, PIP), age_band="6-8", scene_count=10))
    story = " ".join(p["text"] for p in pages)
    assert "Mira was a little girl" in story
    assert "red pointed hat, round face" not in story


@pytest.mark.parametrize("look,pronoun,expected", [
    ("a curious girl", "", "she"), ("a boy with a kite", "", "he"), ("a tiny grey cat", "", "they"),
    ("a tiny grey cat", "she", "she"), ("a girl", "they", "they"), ("a turtle", "name", "name"),
    ("a robot; he loves gears", "", "he"),
], ids=["girl", "boy", "cat", "chosen-she", "chosen-they", "chosen-name", "he-in-the-words"])
def test_the_pronoun_comes_from_the_choice_else_the_look_else_they(look, pronoun, expected):
    assert read_actor(CharacterLook("Zed", look, pronoun=pronoun)).pronoun == expected


def test_a_chosen_pronoun_is_used_and_the_name_mode_repeats_the_name():
    she = CharacterLook("Otto", "a turtle with a green scarf", pronoun="she")
    named = CharacterLook("Otto", "a turtle with a green scarf", "nervous", pronoun="name")
    told = {"she": [], "name": []}
    for otto in (she, named):
        for title in ("Otto's Lost Shell", "Afraid of the Dark", "The Big Race"):
            for band in ("3-5", "6-8", "9-12"):
                pages = write_book(StoryBrief(title, (otto,), age_band=band, scene_count=12))
                assert pronoun_slips(pages, [read_actor(otto)]) == []
                told[otto.pronoun].append(" ".join(p["text"] for p in pages))
    assert " her " in " ".join(told["she"]) and " his " not in " ".join(told["she"])
    by_name = " ".join(told["name"])
    assert "Otto's" in by_name and not {" his ", " her ", " by Otto", "himself", "herself"} & set(
        w for w in (" his ", " her ", " by Otto", "himself", "herself") if w in by_name)


@pytest.mark.parametrize("look,hands", [("a tiny grey cat", "paws"), ("a turtle", "flippers"), ("a girl", "hands"),
                                        ("a little owl", "wings"), ("a little fish", "fins"), ("a pony", "hooves")],
                         ids=["cat", "turtle", "girl", "owl", "fish", "pony"])
def test_bodies_fit_their_verbs(look, hands):
    zed = read_actor(CharacterLook("Zed", look, "nervous"))
    assert actor_keys(zed, random.Random(1))["X_hands"] == hands
    brave = CharacterLook("Bo", "a brave boy")
    said = []
    for title in ("Afraid of the Dark", "The Lost Kite", "A Baby Bird Far From Home", "Storm at the Lighthouse"):
        for band in ("3-5", "6-8", "9-12"):
            pages = write_book(StoryBrief(title, (CharacterLook("Zed", look, "nervous"), brave), age_band=band,
                                          scene_count=12))
            said.append(" ".join(p["text"] for p in pages))
    story = " ".join(said)
    if hands != "hands":
        assert "Zed's hand" not in story and "Zed cupped" not in story
    assert f"Zed's {hands[:-1] if hands != 'hooves' else 'hoof'}" in story or f"Zed's {hands}" in story \
        or f"their {hands}" in story


def test_articles_and_agreement_are_tidied():
    assert tidy("they was happy. A acorn fell. A unicorn and a egg. They has a hat.") == \
        "They were happy. An acorn fell. A unicorn and an egg. They have a hat."


def test_a_feature_gets_its_article():
    cast = (CharacterLook("Otto", "a boy with a green scarf"),)
    for seed in range(6):
        pages = write_book(StoryBrief(f"Otto's Day {seed}", cast, age_band="3-5", scene_count=6))
        assert "had green scarf" not in " ".join(p["text"] for p in pages)


def test_the_worlds_creatures_are_met_before_they_act():
    for band in ("3-5", "6-8"):
        pages = write_book(StoryBrief("A New Friend at the Beach", (MIRA,), age_band=band, scene_count=10))
        story = " ".join(p["text"] for p in pages).lower()
        assert story.index("a shy little crab") < story.index("the little crab")


def test_every_quote_is_closed_and_no_sun_under_the_sea():
    for title, cast in (("Finn's Big Day", (FINN, OTTO)), ("A New Friend at the Beach", (MIRA,)),
                        ("The Rocket Ride", (MIRA, PIP, EMBER))):
        for band in ("3-5", "6-8", "9-12"):
            pages = write_book(StoryBrief(title, cast, premise="helping someone who is stuck", age_band=band,
                                          scene_count=12))
            for page in pages:
                assert page["text"].count("“") == page["text"].count("”"), page["text"]
            if title != "A New Friend at the Beach":
                story = " ".join(p["text"] for p in pages)
                assert "The sun was warm" not in story and "sunshine" not in " ".join(p["illustration"] for p in pages)


def test_a_page_has_at_most_two_short_exclamations_and_never_ends_on_look():
    from storymaker.storyteller.book import MOST_EXCLAMATIONS
    from storymaker.storyteller.compose import whole_sentences

    cast = (CharacterLook("Mira", "a small girl with a red hat"), CharacterLook("Otto", "a turtle with a green scarf"))
    for title in ("The Timing Book", "Bedtime for Otto", "Lost in the Woods", "The Snowy Race"):
        for page in write_book(StoryBrief(title, cast, age_band="3-5", scene_count=8)):
            parts = whole_sentences(page["text"])
            assert sum(len(p.split()) <= 2 and p.endswith("!") for p in parts) <= MOST_EXCLAMATIONS, page["text"]
            assert parts[-1] != "Look!", page["text"]


@pytest.mark.parametrize("band", ["3-5", "6-8", "9-12"])
def test_nobody_gives_themselves_a_hug_in_a_fear_story(band):
    import re

    cast = (CharacterLook("Ember", "a green dragon with golden wings"), CharacterLook("Mira", "a little girl with a hat"),
            CharacterLook("Pip", "a tiny grey cat"))
    for count in (6, 10, 14):
        for page in write_book(StoryBrief("The Dragon Who Was Afraid of the Dark", cast[: 2 + count % 2],
                                          age_band=band, scene_count=count)):
            for name in ("Ember", "Mira", "Pip"):
                assert not re.search(rf"\b{name} \w+ {name}\b", page["text"]), page["text"]
