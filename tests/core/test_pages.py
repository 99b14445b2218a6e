"""A book's pages added, moved and removed (with Undo): numbers, story.csv, picture keys, takes and
jobs follow. On both databases (the `mock_engine` fixture runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete as sql_delete

from storymaker import books, handlers, jobs, styles
from storymaker.data import jobs as job_rows
from storymaker.data.schema import takes as takes_table
from storymaker.engine import Engine
from storymaker.errors import Invalid, NotFound
from storymaker.exports import book as export_book
from storymaker.files import layout
from storymaker.handlers import Kind
from storymaker.jobs import JobLost
from storymaker.runner import Runner, run_job
from storymaker.safety import InputRefused
from storymaker.scenes import Scene, SceneError
from storymaker.services import library, review, studio
from storymaker.services import pages as page_service
from storymaker.services import takes as take_service
from storymaker.status import BookStatus, JobStatus
from tests.conftest import make_book
from tests.fakes.models import MockTextModel
from tests.fakes.openai_server import FakeOpenAI

NEW = Scene(0, "A new page", "Pip finds a shell on the sand.", "Pip holding a shell on a beach", ("Pip",))


def titles(engine, book_id):
    return [row.scene.title for row in books.scene_rows(engine.db(), book_id)]


def page_png(engine, book_id, number):
    return engine.store.get(layout.page_key(book_id, number))


def current_take_png(engine, user, book_id, number):
    """The bytes of the page's current take, read by the page's number."""
    shown = [t for t in take_service.of_page(engine, user.id, book_id, number) if t.current]
    return engine.store.get(layout.take_key(book_id, shown[0].id)) if shown else None


def pictures_follow(engine, user, book_id):
    """Every page's own keys hold its current take's picture and thumbnail."""
    for row in books.scene_rows(engine.db(), book_id):
        number = row.scene.scene
        assert page_png(engine, book_id, number) == current_take_png(engine, user, book_id, number), number
        shown = [t for t in take_service.of_page(engine, user.id, book_id, number) if t.current][0]
        assert engine.store.get(layout.thumb_key(book_id, layout.scene_name(number))) == \
            engine.store.get(layout.take_thumb_key(book_id, shown.id))


def story_csv_titles(engine, book_id):
    text = engine.store.get(layout.story_key(book_id)).decode("utf-8-sig")
    return [line.split(",")[1] for line in text.splitlines()[1:]]


def test_moving_a_page_carries_its_words_takes_picture_and_jobs(mock_engine, user, book_id):
    db = mock_engine.db()
    before = titles(mock_engine, book_id)
    third = books.get_scene_row(db, book_id, 3)
    third_takes = [t.id for t in take_service.of_page(mock_engine, user.id, book_id, 3)]
    third_png = page_png(mock_engine, book_id, 3)
    version = export_book.snapshot(mock_engine, user.id, book_id).version

    assert page_service.move_page(mock_engine, user.id, book_id, 3, -1) == 2

    assert titles(mock_engine, book_id) == [before[0], before[2], before[1], before[3]]
    assert story_csv_titles(mock_engine, book_id) == [before[0], before[2], before[1], before[3]]
    moved = books.get_scene_row(db, book_id, 2)
    assert moved.id == third.id and moved.image_version == third.image_version
    assert [t.id for t in take_service.of_page(mock_engine, user.id, book_id, 2)] == third_takes
    assert page_png(mock_engine, book_id, 2) == third_png
    pictures_follow(mock_engine, user, book_id)
    # The Reader's page 2 is the old page 3 with its picture; the exports see a new book.
    reading = library.read(mock_engine, user.id, book_id).page(2)
    assert reading.title == before[2] and reading.picture.read() == third_png
    assert export_book.snapshot(mock_engine, user.id, book_id).pages[1].picture == third_png
    assert export_book.snapshot(mock_engine, user.id, book_id).version != version
    # Its finished page job moved with it: the grid's page 2 reads its own history.
    latest = {scene: state for kind, scene, state in jobs.latest(db, book_id) if kind == Kind.PAGE}
    assert latest == {1: JobStatus.SUCCEEDED, 2: JobStatus.SUCCEEDED, 3: JobStatus.SUCCEEDED, 4: JobStatus.SUCCEEDED}


@pytest.mark.parametrize("number,direction", [(1, -1), (4, 1)], ids=["first-up", "last-down"])
def test_a_page_cannot_move_past_the_books_ends(mock_engine, user, book_id, number, direction):
    before = titles(mock_engine, book_id)
    with pytest.raises(Invalid, match="already the"):
        page_service.move_page(mock_engine, user.id, book_id, number, direction)
    assert titles(mock_engine, book_id) == before


@pytest.mark.parametrize("after", [0, 2, 4], ids=["first", "middle", "end"])
def test_a_page_added_after_any_page_is_drawn_and_the_rest_follow(mock_engine, user, book_id, after):
    before = titles(mock_engine, book_id)
    pictures = [page_png(mock_engine, book_id, n) for n in range(1, 5)]
    number = page_service.add_page(mock_engine, user.id, book_id, after, NEW)
    assert number == after + 1
    expected = before[:after] + ["A new page"] + before[after:]
    assert titles(mock_engine, book_id) == expected
    assert story_csv_titles(mock_engine, book_id) == expected
    book = books.get(mock_engine.db(), user.id, book_id)
    assert book.scene_count == 5
    assert books.get_scene_row(mock_engine.db(), book_id, number).status == books.PENDING
    # Not drawn yet: no other page's picture shows at its number.
    assert page_png(mock_engine, book_id, number) is None
    assert [page_png(mock_engine, book_id, n) for n in range(1, 6) if n != number] == pictures
    Runner(mock_engine).run_until_idle()
    row = books.get_scene_row(mock_engine.db(), book_id, number)
    assert (row.status, row.image_version, row.scene.characters) == (books.DONE, 1, ("Pip",))
    pictures_follow(mock_engine, user, book_id)
    assert books.get(mock_engine.db(), user.id, book_id).status == BookStatus.READY
    review.save_edits(mock_engine, user.id, book_id, {5: {"title": "Edited after the add"}})  # the grid's count follows


def test_a_page_added_to_a_made_book_keeps_the_grid_but_a_new_story_is_making_it_again(
        mock_engine, user, book_id):
    assert not studio.progress(mock_engine, user.id, book_id).making
    page_service.add_page(mock_engine, user.id, book_id, 2, NEW)
    now = studio.progress(mock_engine, user.id, book_id)
    assert now.running and not now.making  # the Studio keeps the grid while the new page is drawn
    Runner(mock_engine).run_until_idle()
    studio.rewrite_story(mock_engine, user.id, book_id)
    assert studio.progress(mock_engine, user.id, book_id).making
    run_job(mock_engine, jobs.claim(mock_engine.db(), "test", [Kind.STORY]))
    now = studio.progress(mock_engine, user.id, book_id)
    assert now.story == JobStatus.SUCCEEDED and now.making  # its new pages are not drawn yet
    Runner(mock_engine).run_until_idle()
    assert not studio.progress(mock_engine, user.id, book_id).making
    assert books.get(mock_engine.db(), user.id, book_id).made_at is not None


def test_a_new_pages_words_are_checked_like_a_grid_row(mock_engine, user, book_id):
    with pytest.raises(SceneError) as error:
        page_service.add_page(mock_engine, user.id, book_id, 1, Scene(0, "", "Words", "A picture", ("Nobody",)))
    assert error.value.problems[0] == "title is empty"
    assert error.value.problems[1].startswith("unknown character 'Nobody'")
    with pytest.raises(InputRefused) as refused:
        page_service.add_page(mock_engine, user.id, book_id, 1, Scene(0, "Fine", "This shit is great, Pip.", "A beach", ()))
    assert "text" in refused.value.fields
    assert len(titles(mock_engine, book_id)) == 4


def test_removing_a_page_sets_it_aside_and_undo_puts_it_back_exactly(mock_engine, user, book_id):
    db = mock_engine.db()
    page_service.add_page(mock_engine, user.id, book_id, 4, NEW)
    Runner(mock_engine).run_until_idle()
    studio.regenerate_page(mock_engine, user.id, book_id, 2, "at night")
    Runner(mock_engine).run_until_idle()
    books_before = titles(mock_engine, book_id)
    second = books.get_scene_row(db, book_id, 2)
    second_takes = [(t.id, t.current) for t in take_service.of_page(mock_engine, user.id, book_id, 2)]
    second_png = page_png(mock_engine, book_id, 2)
    third_png = page_png(mock_engine, book_id, 3)

    removed = page_service.remove_page(mock_engine, user.id, book_id, 2)
    assert (removed.number, removed.title, removed.scene_id) == (2, books_before[1], second.id)
    assert titles(mock_engine, book_id) == books_before[:1] + books_before[2:]
    assert books.get(db, user.id, book_id).scene_count == 4
    assert page_png(mock_engine, book_id, 2) == third_png
    assert page_png(mock_engine, book_id, 5) is None  # the vacated last number shows nothing
    pictures_follow(mock_engine, user, book_id)
    assert [r.scene.scene for r in books.scene_rows(db, book_id)] == [1, 2, 3, 4]

    assert page_service.undo_remove(mock_engine, user.id, book_id, removed.scene_id) == 2
    assert titles(mock_engine, book_id) == books_before
    back = books.get_scene_row(db, book_id, 2)
    assert (back.id, back.scene, back.status, back.image_version) == \
        (second.id, second.scene, second.status, second.image_version)
    assert [(t.id, t.current) for t in take_service.of_page(mock_engine, user.id, book_id, 2)] == second_takes
    assert page_png(mock_engine, book_id, 2) == second_png
    assert jobs.active_count(db, book_id) == 0  # it had its picture: nothing redrawn
    pictures_follow(mock_engine, user, book_id)
    assert books.get(db, user.id, book_id).scene_count == 5
    assert books.get(db, user.id, book_id).status == BookStatus.READY
    with pytest.raises(NotFound, match="cannot be put back"):
        page_service.undo_remove(mock_engine, user.id, book_id, removed.scene_id)


def test_only_the_last_removed_page_can_be_undone(mock_engine, user):
    book_id = make_book(mock_engine, user.id, scenes=6)
    first_takes = [t.id for t in take_service.of_page(mock_engine, user.id, book_id, 1)]
    first = page_service.remove_page(mock_engine, user.id, book_id, 1)
    second = page_service.remove_page(mock_engine, user.id, book_id, 1)
    with pytest.raises(NotFound):
        page_service.undo_remove(mock_engine, user.id, book_id, first.scene_id)
    assert [row.id for row in books.set_aside(mock_engine.db(), book_id)] == [second.scene_id]
    for take_id in first_takes:  # the purged page's take files went with it
        assert mock_engine.store.get(layout.take_key(book_id, take_id)) is None
    assert page_service.undo_remove(mock_engine, user.id, book_id, second.scene_id) == 1
    assert books.get_scene_row(mock_engine.db(), book_id, 1).id == second.scene_id


def test_the_books_size_limits_say_why(mock_engine, user, book_id):
    with pytest.raises(Invalid, match=f"at least {styles.MIN_SCENES} pages"):
        page_service.remove_page(mock_engine, user.id, book_id, 1)
    big = make_book(mock_engine, user.id, "Big", scenes=styles.MAX_SCENES)
    with pytest.raises(Invalid, match=f"at most {styles.MAX_SCENES} pages"):
        page_service.add_page(mock_engine, user.id, big, 3, NEW)
    removed = page_service.remove_page(mock_engine, user.id, big, 3)
    page_service.add_page(mock_engine, user.id, big, 3, NEW)
    with pytest.raises(Invalid, match="to put this page back"):
        page_service.undo_remove(mock_engine, user.id, big, removed.scene_id)


def test_another_users_pages_are_not_found(mock_engine, user, book_id):
    from storymaker import accounts
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    for attempt in (lambda: page_service.move_page(mock_engine, eve.id, book_id, 2, 1),
                    lambda: page_service.remove_page(mock_engine, eve.id, book_id, 2),
                    lambda: page_service.add_page(mock_engine, eve.id, book_id, 2, NEW)):
        with pytest.raises(NotFound):
            attempt()
    assert books.get(mock_engine.db(), user.id, book_id).scene_count == 4


# ---------------------------------------------------------------- the queue's guarantees


def claim_page(engine, book_id, number):
    jobs.enqueue(engine.db(), book_id, Kind.PAGE, number)
    job = jobs.claim(engine.db(), "by-hand", (Kind.PAGE,))
    assert job is not None and job.scene == number
    return job


def run_claimed(engine, job, gate=None):
    """Run a claimed job's handler as the runner does, `gate` called while it draws."""
    if gate is not None:
        engine.image_model.gate = gate
    try:
        book = books.get_any(engine.db(), job.book_id, engine.store)
        handlers.of(job.kind).run(engine, book, job, lambda: jobs.check(engine.db(), job),
                                  lambda follow_ups: jobs.publishing(engine.db(), job, follow_ups))
    finally:
        engine.image_model.gate = None


def test_a_page_job_claimed_before_a_move_draws_and_publishes_its_own_page(mock_engine, user, book_id):
    db = mock_engine.db()
    third = books.get_scene_row(db, book_id, 3)
    old_second = page_png(mock_engine, book_id, 2)
    job = claim_page(mock_engine, book_id, 3)
    assert books.get_scene_row(db, book_id, 3).status == books.DRAWING
    page_service.move_page(mock_engine, user.id, book_id, 3, -1)
    assert job_rows.scene_of(db, job.id) == 2  # the job follows its page
    run_claimed(mock_engine, job)
    assert mock_engine.image_model.requests[-1].scene == third.scene.illustration  # its own words, not the new page 3
    moved = books.get_scene_row(db, book_id, 2)
    assert moved.id == third.id and moved.status == books.DONE and moved.image_version == third.image_version + 1
    takes_now = take_service.of_page(mock_engine, user.id, book_id, 2)
    assert len(takes_now) == 2 and takes_now[-1].current
    assert page_png(mock_engine, book_id, 2) == current_take_png(mock_engine, user, book_id, 2) != old_second
    other = books.get_scene_row(db, book_id, 3)  # the old page 2, untouched
    assert other.status == books.DONE and len(take_service.of_page(mock_engine, user.id, book_id, 3)) == 1
    pictures_follow(mock_engine, user, book_id)


def test_a_page_job_failing_after_a_move_marks_its_own_page(mock_engine, user, book_id):
    db = mock_engine.db()
    third = books.get_scene_row(db, book_id, 3)
    job = claim_page(mock_engine, book_id, 3)
    page_service.move_page(mock_engine, user.id, book_id, 3, -1)
    jobs.fail(db, job, "The picture service said no.")
    moved, other = books.get_scene_row(db, book_id, 2), books.get_scene_row(db, book_id, 3)
    assert (moved.id, moved.status, moved.error) == (third.id, books.FAILED, "The picture service said no.")
    assert other.status == books.DONE
    assert jobs.errors(db, book_id, Kind.PAGE) == {2: "The picture service said no."}


def test_a_page_moved_while_its_picture_is_drawn_gets_it_under_its_new_number(mock_engine, user, book_id):
    db = mock_engine.db()
    second = books.get_scene_row(db, book_id, 2)
    job = claim_page(mock_engine, book_id, 2)
    moved = []

    def move_while_drawing(request):
        if not moved:
            moved.append(page_service.move_page(mock_engine, user.id, book_id, 2, 1))

    run_claimed(mock_engine, job, move_while_drawing)
    assert moved == [3]
    assert books.get_scene_row(db, book_id, 3).id == second.id
    assert books.get_scene_row(db, book_id, 3).status == books.DONE
    assert len(take_service.of_page(mock_engine, user.id, book_id, 3)) == 2
    assert len(take_service.of_page(mock_engine, user.id, book_id, 2)) == 1
    assert books.get_scene_row(db, book_id, 2).status == books.DONE
    pictures_follow(mock_engine, user, book_id)


def test_a_job_of_a_removed_page_publishes_nothing(mock_engine, user, book_id):
    db = mock_engine.db()
    page_service.add_page(mock_engine, user.id, book_id, 4, NEW)
    Runner(mock_engine).run_until_idle()
    pictures = {n: page_png(mock_engine, book_id, n) for n in range(1, 6)}
    job = claim_page(mock_engine, book_id, 2)
    removed = []

    def remove_while_drawing(request):
        if not removed:
            removed.append(page_service.remove_page(mock_engine, user.id, book_id, 2))

    with pytest.raises(JobLost):
        run_claimed(mock_engine, job, remove_while_drawing)
    assert [page_png(mock_engine, book_id, n) for n in range(1, 5)] == [pictures[1], pictures[3], pictures[4],
                                                                         pictures[5]]
    assert len(take_service.of_page(mock_engine, user.id, book_id, 2)) == 1  # the old page 3's only
    assert books.get(db, user.id, book_id).status == BookStatus.READY  # its canceled job does not count
    # Undo: it was being drawn when removed, so it is drawn again; its earlier take is still there.
    assert page_service.undo_remove(mock_engine, user.id, book_id, removed[0].scene_id) == 2
    assert books.get(db, user.id, book_id).status == BookStatus.GENERATING
    Runner(mock_engine).run_until_idle()
    assert len(take_service.of_page(mock_engine, user.id, book_id, 2)) == 2
    assert books.get(db, user.id, book_id).status == BookStatus.READY
    pictures_follow(mock_engine, user, book_id)


def test_the_last_request_for_a_moved_page_still_wins(mock_engine, user, book_id):
    db = mock_engine.db()
    older = claim_page(mock_engine, book_id, 3)
    page_service.move_page(mock_engine, user.id, book_id, 3, 1)
    newer = jobs.enqueue(db, book_id, Kind.PAGE, 4)  # the same page, asked again under its new number
    with pytest.raises(JobLost):
        run_claimed(mock_engine, older)  # superseded: publishes nothing
    assert len(take_service.of_page(mock_engine, user.id, book_id, 4)) == 1
    Runner(mock_engine).run_until_idle()
    assert [j for j in jobs.latest(db, book_id) if j[:2] == (Kind.PAGE, 4)] == [(Kind.PAGE, 4, JobStatus.SUCCEEDED)]
    assert len(take_service.of_page(mock_engine, user.id, book_id, 4)) == 2
    assert newer > older.id
    pictures_follow(mock_engine, user, book_id)


def test_an_old_book_without_takes_keeps_every_picture_through_a_move(mock_engine, user, book_id):
    with mock_engine.db().write() as conn:  # as made before takes: pictures at the page keys only
        conn.execute(sql_delete(takes_table))
    pictures = [page_png(mock_engine, book_id, n) for n in range(1, 5)]
    page_service.move_page(mock_engine, user.id, book_id, 1, 1)
    assert [page_png(mock_engine, book_id, n) for n in range(1, 5)] == [pictures[1], pictures[0], pictures[2],
                                                                         pictures[3]]
    pictures_follow(mock_engine, user, book_id)


def test_add_move_and_remove_with_pictures_from_an_openai_compatible_server(settings, user):
    with FakeOpenAI(image_size=(64, 64)) as fake:
        engine = Engine(replace(settings, provider="openai", api_key="sk-test", base_url=fake.base_url,
                                      image_timeout=5.0), text_model=MockTextModel())
        book_id = make_book(engine, user.id)
        drawn = len(fake.requests_for("images"))
        assert page_service.add_page(engine, user.id, book_id, 2, NEW) == 3
        Runner(engine).run_until_idle()
        assert len(fake.requests_for("images")) == drawn + 1  # only the new page is drawn
        assert "Pip holding a shell on a beach" in fake.requests_for("images")[-1].json["prompt"]
        new_png = page_png(engine, book_id, 3)
        assert new_png is not None
        assert page_service.move_page(engine, user.id, book_id, 3, 1) == 4
        assert page_png(engine, book_id, 4) == new_png
        removed = page_service.remove_page(engine, user.id, book_id, 4)
        assert "A new page" not in titles(engine, book_id) and page_png(engine, book_id, 5) is None
        assert page_service.undo_remove(engine, user.id, book_id, removed.scene_id) == 4
        assert page_png(engine, book_id, 4) == new_png
        assert len(fake.requests_for("images")) == drawn + 1  # moves, removals and Undo draw nothing
        pictures_follow(engine, user, book_id)
        assert export_book.snapshot(engine, user.id, book_id).pages[3].title == "A new page"
