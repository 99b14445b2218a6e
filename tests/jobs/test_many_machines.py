"""Many machines: three `python -m storymaker worker` processes and the app share one
database and one picture store, and one worker is SIGKILLed mid-book.

Two deployments: the embedded one (a SQLite file and the data folder, which every
process shares, as processes on one machine do) and the scaled one (PostgreSQL and an
S3-compatible bucket on SeaweedFS; each worker has a data folder of its own, as on a
machine of its own, and nothing is shared but the database and the bucket).

The app's side is this test process: it queues five books through `studio.start_book`,
as the Studio does, and afterwards only reads. Each worker has a fake OpenAI-compatible
server of its own, so every model request is known to come from one worker. Pictures
take 0.4 s, so a draw is always in flight.

Midway (three pages stored, one of them by the victim), the victim's picture requests
are held, never to be answered; once it is drawing a page whose job it holds, it is
SIGKILLed. It dies holding claimed jobs whose draws never published. The survivors'
sweep takes those over once their lease (5 s here) has run out.

The rule asserted, per target (each book's story, cover and pages):

    requests for it, over all workers == 1 + (1 if the victim held its job at the kill
                                              and had already sent the request)

A model call costs money and time, so a target is asked for once. The one exception is a
draw whose job was lost mid-draw: it never published (publishing is the step that stores
the picture and marks the job done, and a dead process publishes nothing), so nobody has
the picture and the only way to finish the book is to ask again, once. A picture that was
published before the kill is never asked for again, and the dead worker's claims are the
only ones ever lost (every job's attempts are 1, or 2 for the victim's). On top of that,
each page is published exactly once (`image_version` 1), every stored object is a
finished, decodable picture or story file that belongs to a book's row, and nothing else
is stored (no temporary files or objects, no orphans).
"""

from __future__ import annotations

import importlib.util
import io
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from storymaker.books import BookOptions
from storymaker.config import load_settings
from storymaker.data import schema
from storymaker.engine import Engine
from storymaker.files import layout
from storymaker.services import accounts as account_service, characters as cast_service, studio
from storymaker.status import BookStatus, JobStatus, PageStatus

from tests.conftest import wait_until
from tests.fakes.openai_server import FakeOpenAI, RecordedRequest
from tests.infra.postgres import under_ci
from tests.worker_processes import WorkerProcess, stop_all, worker_environment

TITLES = ("The Lighthouse Cat", "The Moon Garden", "Pip and the Paper Boat", "The Snowy Owl", "A Kite for Mia")
SCENES = 4
WORKERS = 3
CONCURRENCY = 2
PICTURE_S, STORY_S = 0.4, 0.2
LEASE_S = 5  # how soon the survivors may take the dead worker's jobs over
STORED_BEFORE_KILL = 3
BUCKET_PREFIX = "library"

Target = tuple[str, str, "int | None"]  # (book title, job kind, scene)
TITLED = re.compile(r'titled "([^"]+)"')
PAGE = re.compile(r"illustration for page (\d+) of")
STORY_TITLE = re.compile(r"^Title: (.+)$", re.MULTILINE)


def target_of(request: RecordedRequest) -> Target | None:
    """Which book's story, cover or page a model request is for (from its prompt)."""
    if request.endpoint == "chat":
        messages = (request.json or {}).get("messages", [])
        text = "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))
        found = STORY_TITLE.search(text)
        return (found.group(1).strip(), "story", None) if found else None
    if request.endpoint in ("generations", "edits"):
        fields = request.json if request.endpoint == "generations" else request.form
        prompt = str((fields or {}).get("prompt", ""))
        title, page = TITLED.search(prompt), PAGE.search(prompt)
        if title is None:
            return None
        return (title.group(1), "page", int(page.group(1))) if page else (title.group(1), "cover", None)
    return None


def model_requests(fake: FakeOpenAI) -> list[RecordedRequest]:
    return fake.requests_for("chat") + fake.requests_for("images")


# ---------------------------------------------------------------- the two deployments


@dataclass
class Deployment:
    """Where the data lives, and a way to see every stored byte without the app's store
    (which hides unfinished writes)."""

    name: str
    root: Path
    database_url: str = ""  # "" = the SQLite file in the shared data folder
    storage: dict[str, str] = field(default_factory=dict)  # STORYMAKER_STORAGE_URL and AWS_*; {} = the data folder
    bucket: Any = None  # obstore's client over the whole bucket

    def data_dir(self, machine: str) -> Path:
        # SQLite and a folder work only on one machine's disk; with a server and a bucket
        # each machine keeps a folder of its own, which must stay free of pictures.
        return self.root / (f"{machine}-data" if self.storage else "data")

    def stored(self) -> dict[str, bytes]:
        """Every stored file or object under the books' part of the store, by key (a
        temporary name or anything outside the configured prefix included)."""
        if self.bucket is None:
            top = self.data_dir("shared") / layout.BOOKS
            return {path.relative_to(top.parent).as_posix(): path.read_bytes()
                    for path in sorted(top.rglob("*")) if path.is_file()}
        import obstore

        found = {}
        for batch in obstore.list(self.bucket, None, chunk_size=1000):
            for meta in batch:
                path = str(meta["path"])
                key = path[len(BUCKET_PREFIX) + 1:] if path.startswith(BUCKET_PREFIX + "/") else f"(outside)/{path}"
                found[key] = bytes(obstore.get(self.bucket, path).bytes())
        return found


@pytest.fixture(params=["sqlite+folder", "postgresql+bucket"])
def deployment(request, tmp_path) -> Deployment:
    if request.param == "sqlite+folder":
        return Deployment(request.param, tmp_path)
    if importlib.util.find_spec("storymaker.files.s3") is None:
        missing = "the S3 picture store (storymaker.files.s3) is not in this checkout"
        if under_ci():  # a skipped deployment there would hide a broken set-up
            pytest.fail(f"CI runs every deployment: {missing}", pytrace=False)
        pytest.skip(missing)
    seaweed = request.getfixturevalue("seaweed_server")
    database_url = request.getfixturevalue("postgres_database")
    bucket = seaweed.create_bucket(f"machines-{uuid.uuid4().hex[:12]}")  # this test's alone: every object counts
    from obstore.store import S3Store

    client = S3Store(bucket, client_options={"allow_http": True}, **seaweed.store_args())
    storage = {"STORYMAKER_STORAGE_URL": f"s3://{bucket}/{BUCKET_PREFIX}", **seaweed.environment()}
    return Deployment(request.param, tmp_path, database_url, storage, client)


# ---------------------------------------------------------------- reading the database


def rows(engine: Engine, statement) -> list[tuple]:
    with engine.db().read() as conn:
        return [tuple(row) for row in conn.execute(statement)]


def job_rows(engine: Engine, book_ids) -> list[tuple]:
    """(book_id, kind, scene, status, attempts, worker) of every job of these books."""
    jobs = schema.jobs.c
    return rows(engine, select(jobs.book_id, jobs.kind, jobs.scene, jobs.status, jobs.attempts, jobs.worker)
                .where(jobs.book_id.in_(list(book_ids))))


def stored_pages(engine: Engine, book_ids) -> set[tuple[int, int]]:
    scenes = schema.scenes.c
    return set(rows(engine, select(scenes.book_id, scenes.scene)
                    .where(scenes.book_id.in_(list(book_ids)), scenes.status == PageStatus.DONE)))


def book_statuses(engine: Engine, book_ids) -> dict[int, str]:
    books = schema.books.c
    return dict(rows(engine, select(books.id, books.status).where(books.id.in_(list(book_ids)))))


# ---------------------------------------------------------------- the test


def test_three_workers_and_the_app_make_five_books_while_one_worker_is_killed_mid_book(deployment, tmp_path):
    fakes = [FakeOpenAI(image_size=(96, 96)) for _ in range(WORKERS)]
    workers: list[WorkerProcess] = []
    try:
        for fake in fakes:
            fake.latency.update(chat=STORY_S, images=PICTURE_S)
            fake.start()

        def environment(machine: str, fake: FakeOpenAI) -> dict[str, str]:
            return worker_environment(data_dir=deployment.data_dir(machine), base_url=fake.base_url,
                                      database_url=deployment.database_url, storage=deployment.storage,
                                      lease_s=str(LEASE_S), image_timeout="30", text_timeout="30")

        # The app's process: the same settings, no runner. Opening the database first
        # creates (or migrates) it before any worker races to.
        engine = Engine(load_settings(env=environment("app", fakes[0]), secrets={}))
        user = account_service.local_user(engine, "ada")
        for n, fake in enumerate(fakes):
            workers.append(WorkerProcess(environment(f"machine{n}", fake), tmp_path / f"machine{n}.log",
                                         concurrency=CONCURRENCY, cwd=tmp_path / f"machine{n}"))
        for worker in workers:
            worker.wait_ready()
        victim, victim_fake = workers[0], fakes[0]

        def logs() -> str:
            return "\n".join(f"--- worker {n} (pid {w.pid}):\n{w.log_text()[-2500:]}" for n, w in enumerate(workers))

        cast = [cast_service.create(engine, user.id, "Mia", "a curious girl with red boots").id,
                cast_service.create(engine, user.id, "Pip", "a tiny grey cat").id]
        titles = {studio.start_book(engine, user.id, BookOptions(title, scene_count=SCENES), cast): title
                  for title in TITLES}
        book_of = {title: book_id for book_id, title in titles.items()}

        def mid_book() -> bool:
            published_by_victim = [kind for _, kind, _, status, _, owner in job_rows(engine, titles)
                                   if kind == "page" and status == JobStatus.SUCCEEDED and victim.owns(owner)]
            return bool(published_by_victim) and len(stored_pages(engine, titles)) >= STORED_BEFORE_KILL

        wait_until(mid_book, timeout=30, what=f"{STORED_BEFORE_KILL} pages to be stored, one of them by the victim")
        victim_fake.hold("images")  # from now on none of the victim's draws can finish

        def victim_drawing_a_page_it_holds() -> bool:
            held = {(book, kind, scene) for book, kind, scene, status, _, owner in job_rows(engine, titles)
                    if status == JobStatus.RUNNING and victim.owns(owner)}
            drawing = {target_of(r) for r in victim_fake.requests_for("images") if r.status is None}
            return any(t is not None and t[1] == "page" and (book_of[t[0]], "page", t[2]) in held for t in drawing)

        wait_until(victim_drawing_a_page_it_holds, timeout=20, what="the victim to be drawing a page whose job it holds")
        victim.kill()

        # A dead process changes nothing more: this is what it held and what was stored.
        at_kill = job_rows(engine, titles)
        seen_at = time.monotonic()  # a survivor may have published since the kill, not yet asked again
        held = {(titles[book], kind, scene) for book, kind, scene, status, _, owner in at_kill
                if status == JobStatus.RUNNING and victim.owns(owner)}
        published = {(titles[book], kind, scene) for book, kind, scene, status, *_ in at_kill
                     if status == JobStatus.SUCCEEDED}
        assert any(kind == "page" for _, kind, _ in held), held
        assert len([t for t in published if t[1] == "page"]) < len(TITLES) * SCENES, "the kill came after the last page"

        wait_until(lambda: BookStatus.GENERATING not in book_statuses(engine, titles).values(), timeout=45,
                   what="the survivors to finish every book")
        assert stop_all(workers[1:]) == [0] * (WORKERS - 1), logs()
    finally:
        for worker in workers:
            worker.kill()
        for fake in fakes:
            fake.stop()

    assert book_statuses(engine, titles) == {book_id: BookStatus.READY for book_id in titles}, logs()

    # ---- every target asked for once, and once more only if the victim's draw of it was cut off
    by_victim = Counter(target_of(r) for r in model_requests(victim_fake))
    by_survivors = Counter(target_of(r) for fake in fakes[1:] for r in model_requests(fake))
    targets = [(title, kind, scene) for title in TITLES
               for kind, scene in [("story", None), ("cover", None)] + [("page", n) for n in range(1, SCENES + 1)]]
    assert set(by_victim) | set(by_survivors) <= set(targets), "a request for no known target"
    asked = {t: by_victim[t] + by_survivors[t] for t in targets}
    allowed = {t: 1 + (t in held and by_victim[t] > 0) for t in targets}
    assert asked == allowed, ({t: (asked[t], allowed[t]) for t in targets if asked[t] != allowed[t]}, held, logs())
    cut_off = [t for t in targets if allowed[t] == 2]
    assert any(kind == "page" for _, kind, _ in cut_off)
    asked_later = [target_of(r) for fake in fakes[1:] for r in model_requests(fake) if r.at > seen_at]
    assert not set(asked_later) & published, "a published picture was asked for again"

    # ---- the dead worker's claims are the only ones lost; one job per target, all done
    jobs_now = job_rows(engine, titles)
    assert sorted((titles[b], k, s, status, attempts) for b, k, s, status, attempts, _ in jobs_now) == sorted(
        (*t, JobStatus.SUCCEEDED, 2 if t in held else 1) for t in targets), logs()

    # ---- each page published exactly once
    scenes = schema.scenes.c
    versions = rows(engine, select(scenes.book_id, scenes.scene, scenes.status, scenes.image_version)
                    .where(scenes.book_id.in_(list(titles))))
    assert sorted(versions) == sorted((b, n, PageStatus.DONE, 1) for b in titles for n in range(1, SCENES + 1))

    # ---- the store holds exactly the finished books: nothing half-written, nothing orphaned
    stored = deployment.stored()
    expected = set()  # from the rows: a book's story and cover, a scene row's page
    for book_id in book_statuses(engine, titles):
        expected |= {layout.story_key(book_id), layout.cover_key(book_id), layout.thumb_key(book_id, layout.COVER)}
    for book_id, scene, *_ in versions:
        expected |= {layout.page_key(book_id, scene), layout.thumb_key(book_id, layout.scene_name(scene))}
    for picture_key, thumb_key in rows(engine, select(schema.takes.c.picture_key, schema.takes.c.thumb_key)):
        expected |= {picture_key, thumb_key}  # every picture kept as a take, by its row
    assert sorted(set(stored) - expected) == [], "temporary or orphaned files in the store"
    assert sorted(expected - set(stored)) == [], "pictures missing from the store"
    for key, data in stored.items():
        if key.endswith((".png", ".webp")):
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()  # a truncated file raises here
                assert picture.format == ("PNG" if key.endswith(".png") else "WEBP"), key
        else:
            assert data.decode("utf-8").count("\n") > SCENES, key  # a header and a row per page
    if deployment.storage:  # a machine's own folder holds no book
        for n in range(WORKERS):
            folder = deployment.data_dir(f"machine{n}")
            assert not [p for p in folder.rglob("*") if p.suffix in (".png", ".webp", ".csv")], folder
