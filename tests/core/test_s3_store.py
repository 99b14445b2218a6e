"""The bucket store beyond the shared contract (see test_files.py): presigned addresses,
prefixes kept apart, plain errors, its settings, and a whole book made into a real bucket."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import pytest

from storymaker import storage
from storymaker.config import ConfigError, Settings, load_settings, parse_storage_url
from storymaker.engine import Engine
from storymaker.errors import Busy, StorymakerError
from storymaker.files import LocalStore, layout, open_store
from storymaker.files import StoreRefused, StoreUnavailable
from storymaker.files.s3 import S3Store

from tests.conftest import SEAWEED_BUCKET, make_book, wait_until


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


# ---------------------------------------------------------------- presigned addresses

def test_a_presigned_address_fetches_the_bytes_then_expires(s3_store, seaweed_server):
    s3_store.put("storymaker/book_1/cover.png", b"the cover")
    file = s3_store.stat("storymaker/book_1/cover.png")
    assert file is not None
    url = file.url(expires_s=1)
    assert url is not None and seaweed_server.secret_key not in url
    assert fetch(url) == (200, b"the cover")
    wait_until(lambda: fetch(url)[0] == 403, timeout=10, what="the address to expire")
    assert fetch(s3_store.url("storymaker/book_1/cover.png", 60)) == (200, b"the cover")  # a new one works


def test_without_a_signature_nothing_is_served(s3_store, seaweed_server):
    s3_store.put("storymaker/book_1/cover.png", b"the cover")
    plain = f"{seaweed_server.endpoint}/{SEAWEED_BUCKET}/{s3_store.prefix}/storymaker/book_1/cover.png"
    assert fetch(plain)[0] == 403


def test_the_folder_has_no_addresses(tmp_path):
    store = LocalStore(tmp_path)
    store.put("a/b.png", b"x")
    assert store.url("a/b.png", 60) is None and store.stat("a/b.png").url() is None


# ---------------------------------------------------------------- one prefix never sees another's

def test_a_store_sees_only_its_own_prefix(seaweed_server):
    args = seaweed_server.store_args()
    mine, next_door, longer = (S3Store(SEAWEED_BUCKET, prefix, **args) for prefix in ("apart/p1", "apart/p2", "apart/p10"))
    mine.put("storymaker/book_1/cover.png", b"mine")
    next_door.put("storymaker/book_1/cover.png", b"theirs")
    longer.put("storymaker/book_1/scene_01.png", b"a longer name")
    assert mine.list("") == ["storymaker/book_1/cover.png"]  # not p10's, whose name starts with p1
    assert mine.get("storymaker/book_1/cover.png") == b"mine" and mine.get("storymaker/book_1/scene_01.png") is None
    for key in ("../p2/storymaker/book_1/cover.png", "storymaker/../../p2/storymaker/book_1/cover.png"):
        with pytest.raises(StorymakerError):
            mine.get(key)
    mine.delete_prefix("")
    assert mine.list("") == [] and next_door.get("storymaker/book_1/cover.png") == b"theirs"
    assert longer.list("storymaker/") == ["storymaker/book_1/scene_01.png"]
    assert mine.location("storymaker/book_1/") == f"s3://{SEAWEED_BUCKET}/apart/p1/storymaker/book_1"


def test_nothing_is_left_unfinished(s3_store):
    s3_store.put("storymaker/book_1/cover.png", b"x")
    assert s3_store.remove_unfinished("storymaker/book_1/") == 0 and s3_store.exists("storymaker/book_1/cover.png")


def test_the_version_is_the_same_in_every_process(s3_store, seaweed_server):
    s3_store.put("a.png", b"one")
    again = S3Store(SEAWEED_BUCKET, s3_store.prefix, **seaweed_server.store_args())
    assert again.version("a.png") == s3_store.version("a.png") > 0


# ---------------------------------------------------------------- plain errors, never the keys

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _plain(error: BaseException, secret: str) -> str:
    message = str(error)
    assert secret not in message and "Traceback" not in message and "Error performing" not in message
    assert error.__cause__ is None and error.__suppress_context__
    return message


def test_an_unreachable_bucket_is_a_plain_busy_error(seaweed_server):
    args = {**seaweed_server.store_args(), "endpoint": f"http://127.0.0.1:{_closed_port()}"}
    store = S3Store(SEAWEED_BUCKET, "p", **args)
    for call in (lambda: store.put("a.png", b"x"), lambda: store.get("a.png"), lambda: store.list("")):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            call()
        assert time.monotonic() - started < 30
        assert isinstance(caught.value, Busy)
        assert "cannot be reached" in _plain(caught.value, args["secret_access_key"])


def test_a_wrong_secret_or_a_missing_bucket_is_a_plain_error(seaweed_server):
    args = seaweed_server.store_args()
    wrong = S3Store(SEAWEED_BUCKET, "p", **{**args, "secret_access_key": "not-the-secret-at-all"})
    for call in (lambda: wrong.put("a.png", b"x"), lambda: wrong.get("a.png"), lambda: wrong.list("")):
        with pytest.raises(StoreRefused) as caught:
            call()
        assert "refused access" in _plain(caught.value, "not-the-secret-at-all")
    # (SeaweedFS, like some others, makes a missing bucket on the first write: reads tell.)
    missing = S3Store("no-such-bucket-here", "p", **args)
    for call in (lambda: missing.get("a.png"), lambda: missing.list("")):
        with pytest.raises(StoreRefused) as caught:
            call()
        assert "does not exist" in _plain(caught.value, args["secret_access_key"])


def test_the_store_never_shows_its_keys(seaweed_server):
    args = seaweed_server.store_args()
    store = S3Store(SEAWEED_BUCKET, "p", **args)
    for shown in (repr(store), store.name, store.location("")):
        assert args["secret_access_key"] not in shown and args["access_key_id"] not in shown


# ---------------------------------------------------------------- settings

AWS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEKEYID", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMIsecretKEY",
       "AWS_REGION": "eu-west-3", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"}


def test_the_storage_url_and_the_aws_settings_are_read():
    settings = load_settings(env={"STORYMAKER_STORAGE_URL": "s3://pictures/shelf/one/", **AWS}, secrets={})
    assert settings.storage == ("pictures", "shelf/one")
    assert (settings.aws_access_key_id, settings.aws_secret_access_key, settings.aws_region,
            settings.aws_endpoint_url) == tuple(AWS.values())
    assert "AKIAEXAMPLEKEYID" not in repr(settings) and "secretKEY" not in repr(settings)
    assert "s3://pictures/shelf/one/" in repr(settings) and "127.0.0.1:9000" in repr(settings)
    store = open_store(settings)
    assert isinstance(store, S3Store) and (store.bucket, store.prefix) == ("pictures", "shelf/one")
    engine = Engine(settings)
    assert engine.store.location("") == "s3://pictures/shelf/one"
    for shown in (repr(store), store.name, repr(engine)):
        assert "secretKEY" not in shown and "AKIAEXAMPLE" not in shown


def test_the_secrets_file_works_and_the_environment_wins():
    secrets = {"STORYMAKER_STORAGE_URL": "s3://from-file", "AWS_ACCESS_KEY_ID": "file-key",
               "AWS_SECRET_ACCESS_KEY": "file-secret"}
    settings = load_settings(env={"AWS_ACCESS_KEY_ID": "env-key"}, secrets=secrets)
    assert settings.storage == ("from-file", "") and settings.aws_access_key_id == "env-key"
    assert settings.aws_secret_access_key == "file-secret"


def test_without_a_storage_url_the_data_folder_is_the_store(tmp_path):
    settings = load_settings(env={"STORYMAKER_DATA_DIR": str(tmp_path), **AWS}, secrets={})
    assert settings.storage is None
    store = open_store(settings)
    assert isinstance(store, LocalStore) and store.root == tmp_path


@pytest.mark.parametrize("url", ["pictures/shelf", "http://host/pictures", "s3://", "s3://a", "s3:///prefix",
                                 "s3://user:secretpw@bucket/p", "s3://bucket/../up", "s3://bucket/a//b"])
def test_a_bad_storage_url_is_refused_plainly(url):
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"STORYMAKER_STORAGE_URL": url}, secrets={})
    assert "STORYMAKER_STORAGE_URL" in str(caught.value) and "secretpw" not in str(caught.value)


@pytest.mark.parametrize("endpoint", ["127.0.0.1:9000", "ftp://host", "http://", "http://exa mple.com",
                                      "https://robot:hunter2pw@host:9000", "http://host:port", "https://host/?x=1"])
def test_the_endpoint_must_be_a_plain_http_address(endpoint):
    """The S3 client crashes the process on an address it cannot read: refused before it sees one."""
    with pytest.raises(ConfigError, match="AWS_ENDPOINT_URL") as caught:
        load_settings(env={"STORYMAKER_STORAGE_URL": "s3://b-1", "AWS_ENDPOINT_URL": endpoint}, secrets={})
    assert "hunter2pw" not in str(caught.value)
    with pytest.raises(ConfigError):
        S3Store("b-1", endpoint=endpoint)


def test_good_endpoints_and_urls_are_kept():
    for endpoint in ("https://abc.r2.cloudflarestorage.com", "http://127.0.0.1:9000", "https://s3.eu-west-3.amazonaws.com"):
        assert load_settings(env={"STORYMAKER_STORAGE_URL": "s3://b-1", "AWS_ENDPOINT_URL": endpoint},
                             secrets={}).aws_endpoint_url == endpoint
    assert parse_storage_url("S3://Bucket-1") == ("Bucket-1", "")


# ---------------------------------------------------------------- a whole book into the bucket

def test_an_offline_book_is_stored_in_the_bucket_and_nothing_in_the_folder(seaweed_server, tmp_path, monkeypatch):
    prefix = f"books-{int(time.time() * 1000)}"
    env = {"STORYMAKER_STORAGE_URL": f"s3://{SEAWEED_BUCKET}/{prefix}", "STORYMAKER_DATA_DIR": str(tmp_path / "data"),
           **seaweed_server.environment()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    engine = Engine.from_environment()
    assert isinstance(engine.store, S3Store) and engine.uses_offline_models
    from storymaker import accounts

    user = accounts.get_or_create(engine.db(), "ada")
    book_id = make_book(engine, user.id, scenes=4)

    keys = engine.store.list(layout.book_prefix(book_id))
    stems = {"cover", "scene_01", "scene_02", "scene_03", "scene_04"}
    assert storage.pictures_in_store(engine.store, book_id) == stems
    assert set(keys) == ({layout.picture_key(book_id, stem) for stem in stems}
                         | {layout.thumb_key(book_id, stem) for stem in stems} | {layout.story_key(book_id)}
                         | {key for key in keys if key.startswith(layout.book_prefix(book_id) + "takes/")})
    assert len([key for key in keys if "/takes/" in key]) == 2 * len(stems)  # each picture kept as a take too
    assert engine.store.get(layout.page_key(book_id, 1)).startswith(b"\x89PNG")
    assert engine.store.get(layout.story_key(book_id)).startswith("scene,title,text".encode("utf-8-sig"))
    left = sorted(path.relative_to(tmp_path / "data").as_posix() for path in (tmp_path / "data").rglob("*")
                  if path.is_file())
    assert left and all(name.startswith("storymaker.db") for name in left), left


def test_settings_default_has_no_bucket():
    assert Settings().storage is None and Settings().storage_url is None


# ---------------------------------------------------------------- the app shows bucket pictures by address

def test_the_app_shows_a_bucket_picture_by_a_presigned_address_kept_per_version(s3_store, tmp_path):
    from app_ui import render

    render._browser_url.clear()
    key = layout.cover_key(1)
    s3_store.put(key, b"first cover")
    first = s3_store.stat(key)
    url = render._browser_url(s3_store.name, key, first.version, first)
    assert url is not None and fetch(url) == (200, b"first cover")
    assert render._browser_url(s3_store.name, key, first.version, first) == url  # the browser's cache holds
    s3_store.put(key, b"redrawn cover")
    second = s3_store.stat(key)
    fresh = render._browser_url(s3_store.name, key, second.version, second)
    assert fetch(fresh) == (200, b"redrawn cover")
    # A new address, or the browser would show the picture it cached (the same second's signature
    # is told apart by the version's extra seconds of life; equal only if they match modulo 600).
    assert fresh != url or first.version % 600 == second.version % 600
    folder = LocalStore(tmp_path)
    folder.put(key, b"x")
    assert render._browser_url(folder.name, key, folder.version(key), folder.stat(key)) is None  # bytes, as before


# ---------------------------------------------------------------- the command line

CAST = ["--character", "Mia: a curious girl with red boots", "--character", "Pip: a tiny grey cat"]


def test_make_book_from_the_command_line_names_the_book_in_the_bucket(seaweed_server, tmp_path, monkeypatch, capsys):
    from storymaker.cli import main

    prefix = f"cli-{tmp_path.name}"
    for name, value in {"STORYMAKER_STORAGE_URL": f"s3://{SEAWEED_BUCKET}/{prefix}",
                        "STORYMAKER_DATA_DIR": str(tmp_path / "data"), **seaweed_server.environment()}.items():
        monkeypatch.setenv(name, value)
    assert main(["make-book", "--title", "The Lighthouse Cat", "--scenes", "4", *CAST]) == 0
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1] == f"s3://{SEAWEED_BUCKET}/{prefix}/storymaker/book_1"
    assert seaweed_server.secret_key not in out + err


def test_make_book_with_an_unreachable_bucket_says_so_plainly(seaweed_server, tmp_path, monkeypatch, capsys):
    from storymaker.cli import main

    for name, value in {"STORYMAKER_STORAGE_URL": f"s3://{SEAWEED_BUCKET}/cli", "STORYMAKER_DATA_DIR": str(tmp_path),
                        "STORYMAKER_MAX_HTTP_ATTEMPTS": "1", **seaweed_server.environment(),
                        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}"}.items():
        monkeypatch.setenv(name, value)
    assert main(["make-book", "--title", "The Lighthouse Cat", "--scenes", "4", *CAST]) != 0
    out, err = capsys.readouterr()
    assert out == "" and "cannot be reached just now" in err
    assert "Traceback" not in err and seaweed_server.secret_key not in err
