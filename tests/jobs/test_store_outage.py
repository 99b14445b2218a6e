"""The picture store fails under a running book: an unreachable bucket is ridden out within the
retry budget like a flaky model service; a bucket that refuses the keys fails the book at once;
either way the book says so in a sentence, never with a traceback or a key."""

from __future__ import annotations

import logging
import socket
from dataclasses import replace

from storymaker import accounts, books
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.files import LocalStore, StoreUnavailable
from storymaker.runner import Runner

from tests.conftest import SEAWEED_BUCKET, make_book
from tests.fakes.models import MockImageModel, MockTextModel


def bucket_engine(tmp_path, server, **overrides) -> Engine:
    args = server.store_args()
    values = dict(provider="offline", data_dir=tmp_path / "data", concurrency=2, retry_backoff_s=0.01,
                  storage_url=f"s3://{SEAWEED_BUCKET}/outage-{tmp_path.name}", aws_endpoint_url=args["endpoint"],
                  aws_region=args["region"], aws_access_key_id=args["access_key_id"],
                  aws_secret_access_key=args["secret_access_key"]) | overrides
    return Engine(Settings(**values), text_model=MockTextModel(), image_model=MockImageModel())


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def made(engine: Engine) -> books.Book:
    user = accounts.get_or_create(engine.db(), "ada")
    book_id = make_book(engine, user.id)
    book = books.get(engine.db(), user.id, book_id)
    assert book is not None
    return book


def test_an_unreachable_bucket_is_retried_then_the_book_says_so(tmp_path, seaweed_server, caplog):
    engine = bucket_engine(tmp_path, seaweed_server, aws_endpoint_url=f"http://127.0.0.1:{closed_port()}",
                           max_http_attempts=2)
    with caplog.at_level(logging.DEBUG):
        book = made(engine)
    assert book.status == books.NEEDS_ATTENTION
    assert "cannot be reached just now" in book.error and "tried 2 times" in book.error
    assert seaweed_server.secret_key not in book.error and "Traceback" not in book.error
    assert not any(record.exc_info for record in caplog.records)  # an outage is no crash
    assert seaweed_server.secret_key not in caplog.text and seaweed_server.access_key not in caplog.text


def test_a_bucket_that_refuses_the_keys_fails_the_book_at_once(tmp_path, seaweed_server):
    engine = bucket_engine(tmp_path, seaweed_server, aws_secret_access_key="not-the-secret-at-all")
    book = made(engine)
    assert book.status == books.NEEDS_ATTENTION and "refused access" in book.error
    assert "tried" not in book.error and "not-the-secret" not in book.error


class FlakyStore(LocalStore):
    """The data folder, failing its first `failures` writes as an unreachable bucket would."""

    def __init__(self, root, failures: int) -> None:
        super().__init__(root)
        self.failures = failures

    def put(self, key: str, data: bytes) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailable("The picture store cannot be reached just now; try again in a moment.")
        super().put(key, data)


def test_a_few_failed_writes_do_not_lose_the_book(mock_engine, user):
    mock_engine.settings = replace(mock_engine.settings, retry_backoff_s=0.01)
    mock_engine.store = FlakyStore(mock_engine.data_dir, failures=3)
    book_id = make_book(mock_engine, user.id)
    book = books.get(mock_engine.db(), user.id, book_id)
    assert book is not None and book.status == books.READY and mock_engine.store.failures == 0
    assert Runner(mock_engine).run_until_idle() == 0
