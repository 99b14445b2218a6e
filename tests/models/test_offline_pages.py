"""The offline writer's page tasks: other words for one page, and a new page for a place in the arc."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from storymaker.models.base import CharacterLook, PageTask, StoryBrief, TextRequest
from storymaker.models.offline_text import OfflineTextModel
from storymaker.scenes import Scene
from storymaker.storyteller import write_book
from storymaker.storyteller.book import plan_beats
from storymaker.storyteller.compose import norm, sentences
from storymaker.storyteller.page import extra_beat, extra_page, other_words

MIA = CharacterLook("Mia", "a curious girl with red boots")
PIP = CharacterLook("Pip", "a tiny grey cat")
BRIEF = StoryBrief("The Lighthouse Cat", (MIA, PIP), scene_count=10)
BEATS = plan_beats(10, 2)  # open, meet, problem, plan, attempt, attempt, low, turn, resolve, ending

model = OfflineTextModel()


def book(brief: StoryBrief = BRIEF) -> list[Scene]:
    return [Scene(p["scene"], p["title"], p["text"], p["illustration"], tuple(p["characters"]))
            for p in write_book(brief)]


def said(text: str) -> set[str]:
    return {norm(s) for s in sentences(text)}


def words(text: str) -> int:
    return len(text.split())


def test_the_plan_this_file_relies_on():
    assert BEATS == ["open", "meet", "problem", "plan", "attempt", "attempt", "low", "turn", "resolve", "ending"]


@pytest.mark.parametrize("number", [1, 3, 5, 8, 10], ids=lambda n: f"page{n}")
def test_other_words_differ_from_the_page_and_from_each_other_and_repeat_no_other_page(number):
    pages = book()
    current = pages[number - 1]
    tries = [other_words(BRIEF, pages, number, "", attempt) for attempt in range(3)]
    texts = [t["text"] for t in tries]
    assert all(text and text != current.text for text in texts)
    assert len(set(texts)) == 3
    elsewhere = set().union(*(said(p.text) for p in pages if p.scene != number))
    for text in texts:
        assert not {s for s in said(text) if len(s.split()) >= 3} & elsewhere
    assert all(t["scene"] == number for t in tries)


def test_other_words_are_the_same_for_the_same_request():
    pages = book()
    assert other_words(BRIEF, pages, 5, "", 1) == other_words(BRIEF, pages, 5, "", 1)
    assert extra_page(BRIEF, pages, 5, 2) == extra_page(BRIEF, pages, 5, 2)


@pytest.mark.parametrize("number", [1, 2, 5, 7, 10], ids=lambda n: f"page{n}")
def test_shorter_gives_fewer_words_and_longer_more(number):
    pages = book()
    now = words(pages[number - 1].text)
    assert words(other_words(BRIEF, pages, number, "make it shorter")["text"]) < now
    assert words(other_words(BRIEF, pages, number, "Simpler, please")["text"]) < now
    assert words(other_words(BRIEF, pages, number, "a bit longer")["text"]) > now


def test_the_page_is_found_by_its_words_after_the_book_changed_shape():
    # A page was taken out, so the book has 9 pages now while its words came from a 10-page plan.
    pages = [replace(p, scene=n) for n, p in enumerate([p for p in book() if p.scene != 2], start=1)]
    brief = replace(BRIEF, scene_count=9)
    attempt_page = pages[3]  # the first attempt (page 5 of the plan)
    again = other_words(brief, pages, attempt_page.scene)["text"]
    # The same beat told again: the attempt's own sentence stays, the page's filler changes.
    assert sentences(attempt_page.text)[0] == sentences(again)[0]


@pytest.mark.parametrize("after,kinds", [(1, {"play", "omen"}), (4, {"attempt"}), (5, {"attempt"}),
                                         (9, {"celebrate"}), (10, {"celebrate"})],
                         ids=["after-open", "after-plan", "after-attempt", "after-resolve", "after-ending"])
def test_a_new_page_is_a_beat_that_fits_its_place_in_the_arc(after, kinds):
    assert extra_beat(BRIEF, book(), after) in kinds


def test_a_new_page_between_the_problem_and_the_turn_is_another_attempt_with_the_books_characters():
    pages = book()
    page = extra_page(BRIEF, pages, 5)
    assert extra_beat(BRIEF, pages, 5) == "attempt"
    assert page["scene"] == 6
    assert set(page["characters"]) == {"Mia", "Pip"}
    assert "Mia" in page["text"] and "Pip" in page["text"]
    assert all(name in page["illustration"] for name in ("Mia", "Pip"))
    # A try the book has not made: none of its sentences, nor its title, is on another page.
    everything = set().union(*(said(p.text) for p in pages))
    assert not {s for s in said(page["text"]) if len(s.split()) >= 3} & everything
    assert page["title"].lower() not in {p.title.lower() for p in pages}
    # The next attempt offered there is the helper, then another try.
    assert [extra_beat(BRIEF, pages, 5, attempt) for attempt in range(3)] == ["attempt", "helper", "attempt"]
    assert extra_page(BRIEF, pages, 5, 2)["text"] != page["text"]


def test_a_new_first_page_comes_before_the_problem():
    page = extra_page(BRIEF, book(), 0)
    assert page["scene"] == 1 and extra_beat(BRIEF, book(), 0) in {"play", "omen"}


def test_the_offline_model_answers_a_page_task_with_one_page():
    pages = tuple(book())
    result = model.complete(TextRequest((), brief=BRIEF, task=PageTask("rewrite", 3, pages, "shorter", 0)))
    answer = json.loads(result.text)
    assert answer["scene"] == 3 and words(answer["text"]) < words(pages[2].text)
    result = model.complete(TextRequest((), brief=BRIEF, task=PageTask("new", 5, pages)))
    assert json.loads(result.text)["scene"] == 6



def test_each_new_page_draft_says_something_the_drafts_before_it_did_not():
    # A book another model wrote: the plan knows none of its pages, so every draft is the same beat.
    pages = [Scene(n, f"Page {n}", f"Mia and Pip walked on, and the wind sang number {n}.", "a beach", ("Mia",))
             for n in range(1, 5)]
    drafts = [extra_page(BRIEF, pages, 2, attempt)["text"] for attempt in range(4)]
    for i, text in enumerate(drafts):
        assert text
        earlier = set().union(*(said(t) for t in drafts[:i]))
        assert not {s for s in said(text) if len(s.split()) >= 3} & earlier, f"draft {i} repeats an earlier draft"
