"""Series: a new adventure of a book's cast, the series stored, the earlier books summarised into the
story prompt (fake OpenAI-compatible server) and into the offline writer's brief, My Books' grouping,
and deleting a book of a series. On both databases (the engine fixtures run on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from storymaker import accounts, books, characters, series
from storymaker.books import BookError, BookOptions
from storymaker.data.schema import books as books_table
from storymaker.engine import Engine
from storymaker.errors import NotFound
from storymaker.models.base import CharacterLook, StoryBrief
from storymaker.runner import Runner
from storymaker.scenes import Scene
from storymaker.services import library
from storymaker.services import series as series_service
from storymaker.services import studio
from storymaker.storyteller import write_book
from tests.conftest import make_book, make_cast
from tests.fakes.models import MockTextModel
from tests.fakes.openai_server import FakeOpenAI


def sequel(engine, user_id, after, title, run=True, **options):
    """A new adventure of `after`'s cast, in its series, started the way the Studio's form starts it."""
    adventure = series_service.new_adventure(engine, user_id, after)
    book = adventure.book
    chosen = BookOptions(title, age_band=book.age_band, style=book.style, language=book.language,
                         scene_count=book.scene_count, **options)
    book_id = studio.start_book(engine, user_id, chosen, list(adventure.character_ids), sequel_of=after)
    if run:
        Runner(engine).run_until_idle()
    return book_id


def series_of(engine, user_id, book_id):
    return books.get(engine.db(), user_id, book_id).series_id


# ---------------------------------------------------------------- the prefill and the stored series


def test_a_new_adventure_starts_from_the_cast_style_age_band_and_language(mock_engine, user):
    mia, pip, tom = make_cast(mock_engine, user.id, "Mia: a girl", "Pip: a cat", "Tom: a boy")
    first = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", premise="being brave",
                              age_band="3-5", style="crayon", language="English", scene_count=5),
                              [tom, mia, pip])
    characters.delete(mock_engine.db(), mock_engine.store, user.id, pip)
    adventure = series_service.new_adventure(mock_engine, user.id, first)
    assert adventure.character_ids == (tom, mia)  # the cast's order; the deleted character left out
    assert adventure.gone == ("Pip",) and adventure.gone_note == "Pip is no longer in your characters."
    assert (adventure.book.style, adventure.book.age_band, adventure.book.language) == ("crayon", "3-5", "English")
    assert adventure.series == series.SeriesPlace(first, "The Lighthouse Cat", 2, 2)


def test_two_deleted_characters_are_named_together(mock_engine, user):
    first = make_book(mock_engine, user.id, run=False)
    for character in characters.list_for(mock_engine.db(), user.id):
        characters.delete(mock_engine.db(), mock_engine.store, user.id, character.id)
    adventure = series_service.new_adventure(mock_engine, user.id, first)
    assert adventure.character_ids == () and adventure.gone_note == "Mia and Pip are no longer in your characters."


def test_start_book_stores_the_series_first_book_and_counts_on(mock_engine, user):
    first = make_book(mock_engine, user.id, "The Lighthouse Cat")
    second = sequel(mock_engine, user.id, first, "The Lost Star")
    third = sequel(mock_engine, user.id, second, "The Snow Day")  # from the second: still the first's series
    assert series_of(mock_engine, user.id, first) is None
    assert series_of(mock_engine, user.id, second) == first and series_of(mock_engine, user.id, third) == first
    assert series_service.new_adventure(mock_engine, user.id, second).series == series.SeriesPlace(
        first, "The Lighthouse Cat", 4, 4)
    standalone = studio.start_book(mock_engine, user.id, BookOptions("On Its Own"),
                                   make_cast(mock_engine, user.id, "Ada"))
    assert series_of(mock_engine, user.id, standalone) is None


def test_nobody_continues_another_persons_book(mock_engine, user):
    first = make_book(mock_engine, user.id)
    bob = accounts.get_or_create(mock_engine.db(), "bob")
    with pytest.raises(NotFound):
        series_service.new_adventure(mock_engine, bob.id, first)
    with pytest.raises(BookError) as refused:
        studio.start_book(mock_engine, bob.id, BookOptions("Mine Now"), make_cast(mock_engine, bob.id), sequel_of=first)
    assert "no longer in your library" in refused.value.fields["series"]
    assert books.count_for(mock_engine.db(), bob.id) == 0  # nothing stored


# ---------------------------------------------------------------- the earlier books in the story prompt


def test_the_summary_is_made_of_the_opening_trouble_and_resolution_pages():
    pages = [Scene(n, f"Page {n}", f"Sentence {n} begins here. And more of page {n}.", "x", ("Mia",))
             for n in range(1, 11)]
    assert series.summary(pages) == "Sentence 1 begins here. Sentence 5 begins here. Sentence 9 begins here."
    long = [Scene(n, "T", "word " * 200, "x", ("Mia",)) for n in range(1, 5)]
    cut = series.summary(long)
    assert len(cut) <= series.MAX_SUMMARY and cut.endswith("…")
    assert series.summary([], "  Being\nbrave  ") == "Being brave"  # no pages yet: its premise


@pytest.fixture
def fake():
    with FakeOpenAI(image_size=(256, 256)) as server:
        yield server


def test_the_story_prompt_of_the_second_and_third_books_holds_the_earlier_books(settings, fake):
    engine = Engine(replace(settings, provider="openai", api_key="sk-test", base_url=fake.base_url,
                            text_timeout=10, image_timeout=10, retry_backoff_s=0.01))
    user = accounts.get_or_create(engine.db(), "ada")
    first = make_book(engine, user.id, "The Lighthouse Cat")
    second = sequel(engine, user.id, first, "The Lost Star")
    sequel(engine, user.id, second, "The Snow Day")
    prompts = [r.json["messages"][1]["content"] for r in fake.requests_for("chat")]
    assert len(prompts) == 3
    summaries = {book_id: series.summary([r.scene for r in books.scene_rows(engine.db(), book_id)])
                 for book_id in (first, second)}
    assert all(summaries.values())
    assert "continues a series" not in prompts[0]
    assert f'- "The Lighthouse Cat": {summaries[first]}' in prompts[1] and "The Lost Star" in prompts[1]
    assert "continues a series" in prompts[1] and "Refer back to one of them lightly, once" in prompts[1]
    third = prompts[2]
    assert third.index('- "The Lighthouse Cat"') < third.index('- "The Lost Star"')  # oldest first
    assert f'- "The Lost Star": {summaries[second]}' in third


def test_only_the_last_three_earlier_books_are_named(mock_engine, user):
    ids = [make_book(mock_engine, user.id, "Book One")]
    for title in ("Book Two", "Book Three", "Book Four", "Book Five"):
        ids.append(sequel(mock_engine, user.id, ids[-1], title, run=False))
    fifth = books.get(mock_engine.db(), user.id, ids[-1])
    assert [e.title for e in series.earlier_books(mock_engine.db(), fifth)] == ["Book Two", "Book Three", "Book Four"]
    second = books.get(mock_engine.db(), user.id, ids[1])
    assert [e.title for e in series.earlier_books(mock_engine.db(), second)] == ["Book One"]  # only earlier ones


def test_a_series_summary_never_holds_another_persons_books(mock_engine, user):
    bob = accounts.get_or_create(mock_engine.db(), "bob")
    theirs = make_book(mock_engine, bob.id, "Bob's Secret Diary")
    first = make_book(mock_engine, user.id, "The Lighthouse Cat")
    second = sequel(mock_engine, user.id, first, "The Lost Star", run=False)
    with mock_engine.db().write() as conn:  # a series pointing at somebody else's book, however it came about
        conn.execute(update(books_table).where(books_table.c.id == second).values(series_id=theirs))
    book = books.get(mock_engine.db(), user.id, second)
    assert series.earlier_books(mock_engine.db(), book) == []
    text_model = mock_engine.text_model
    assert isinstance(text_model, MockTextModel)
    asked_before = len(text_model.requests)  # Bob's own book was written with the same model
    studio.rewrite_story(mock_engine, user.id, second)
    Runner(mock_engine).run_until_idle()
    asked = text_model.requests[asked_before:]
    assert asked and not any("Secret Diary" in m.content for request in asked for m in request.messages)
    assert all(request.brief.earlier == () for request in asked)


# ---------------------------------------------------------------- the offline writer refers back once


def test_the_offline_story_of_a_sequel_mentions_the_earlier_title_once(offline_engine):
    user = accounts.get_or_create(offline_engine.db(), "ada")
    first = make_book(offline_engine, user.id, "The Lighthouse Cat", scenes=6)
    second = sequel(offline_engine, user.id, first, "The Lost Star")
    assert books.get(offline_engine.db(), user.id, second).status == books.READY
    pages = [r.scene.text for r in books.scene_rows(offline_engine.db(), second)]
    assert sum(text.count("The Lighthouse Cat") for text in pages) == 1
    assert "Ever since the adventure of “The Lighthouse Cat”" in pages[0]


def test_the_offline_sequel_is_deterministic_and_otherwise_the_same_story():
    cast = (CharacterLook("Mia", "a curious girl"), CharacterLook("Pip", "a tiny grey cat"))
    alone = StoryBrief("The Lost Star", cast, scene_count=8)
    then = replace(alone, earlier=("The Lighthouse Cat", "The {A} Bay"))
    once, twice, plain = write_book(then), write_book(then), write_book(alone)
    assert once == twice
    assert once[1:] == plain[1:] and once[0]["text"].startswith(plain[0]["text"])
    assert "“The {A} Bay”" in once[0]["text"]  # the latest book, its words as typed (never a phrase template)
    assert all("Lighthouse Cat" not in page["text"] for page in once)


# ---------------------------------------------------------------- My Books and deleting


def shelf(engine, user_id, page=1, per_page=24):
    return [(item.book.title, item.series and (item.series.first_title, item.series.number, item.series.size))
            for item in library.shelf(engine, user_id, page, per_page)]


def test_my_books_shows_a_series_together_where_its_newest_book_stands(mock_engine, user):
    first = make_book(mock_engine, user.id, "Book One", run=False)
    make_book(mock_engine, user.id, "Standalone Old", run=False)
    sequel(mock_engine, user.id, first, "Book Two", run=False)
    make_book(mock_engine, user.id, "Standalone New", run=False)
    expected = [("Standalone New", None), ("Book One", ("Book One", 1, 2)), ("Book Two", ("Book One", 2, 2)),
                ("Standalone Old", None)]
    assert shelf(mock_engine, user.id) == expected
    # Paging goes through the same order: a series may run on to the next page.
    assert shelf(mock_engine, user.id, 1, 2) + shelf(mock_engine, user.id, 2, 2) == expected
    assert library.shelf_pages(mock_engine, user.id, 2) == 2


def test_deleting_the_first_book_keeps_the_others_one_series(mock_engine, user):
    first = make_book(mock_engine, user.id, "Book One", run=False)
    second = sequel(mock_engine, user.id, first, "Book Two", run=False)
    third = sequel(mock_engine, user.id, second, "Book Three", run=False)
    assert studio.books.delete(mock_engine.db(), user.id, first, mock_engine.store)
    assert series_of(mock_engine, user.id, second) is None and series_of(mock_engine, user.id, third) == second
    assert shelf(mock_engine, user.id) == [("Book Two", ("Book Two", 1, 2)), ("Book Three", ("Book Two", 2, 2))]
    fourth = sequel(mock_engine, user.id, third, "Book Four", run=False)
    assert series_of(mock_engine, user.id, fourth) == second
    assert [e.title for e in series.earlier_books(mock_engine.db(), books.get(mock_engine.db(), user.id, fourth))] \
        == ["Book Two", "Book Three"]


def test_deleting_a_later_book_leaves_the_rest_and_a_last_book_stands_alone(mock_engine, user):
    first = make_book(mock_engine, user.id, "Book One", run=False)
    second = sequel(mock_engine, user.id, first, "Book Two", run=False)
    third = sequel(mock_engine, user.id, first, "Book Three", run=False)
    assert studio.books.delete(mock_engine.db(), user.id, second, mock_engine.store)
    assert series_of(mock_engine, user.id, third) == first
    assert studio.books.delete(mock_engine.db(), user.id, first, mock_engine.store)
    assert series_of(mock_engine, user.id, third) is None
    assert shelf(mock_engine, user.id) == [("Book Three", None)]


def test_a_new_book_leaves_the_earlier_books_of_its_series_as_they_were(mock_engine, user):
    first = make_book(mock_engine, user.id, "Book One")
    before = (books.get(mock_engine.db(), user.id, first), books.scene_rows(mock_engine.db(), first))
    cast_before = studio.books.repository.cast_of(mock_engine.db(), first)
    sequel(mock_engine, user.id, first, "Book Two")
    assert (books.get(mock_engine.db(), user.id, first), books.scene_rows(mock_engine.db(), first)) == before
    assert studio.books.repository.cast_of(mock_engine.db(), first) == cast_before
