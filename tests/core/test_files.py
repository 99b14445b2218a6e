"""The picture store: keys, atomic writes, listing and deleting, and that nothing else touches the files."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from storymaker import books, storage
from storymaker.services import studio
from storymaker.errors import Invalid
from storymaker.files import BadStoreKey, LocalStore, Store, as_store, layout
from storymaker.files.local import TEMP_MARK

from tests.conftest import make_cast

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> Store:
    """The contract holds for every store: the data folder, and a bucket on a real SeaweedFS."""
    if request.param == "s3":
        return request.getfixturevalue("s3_store")
    return LocalStore(tmp_path / "data")


@pytest.fixture
def local_store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "data")


def test_put_then_get_exists_and_version(store):
    assert store.get("a/b.png") is None and not store.exists("a/b.png") and store.version("a/b.png") is None
    store.put("a/b.png", b"one")
    assert store.get("a/b.png") == b"one" and store.exists("a/b.png")
    first = store.stat("a/b.png")
    assert first is not None and first.key == "a/b.png" and first.name == "b.png" and first.read() == b"one"
    store.put("a/b.png", b"two")  # at once: within the same tick of the file system's clock
    assert store.version("a/b.png") != first.version and store.get("a/b.png") == b"two"


def test_a_folder_is_not_a_file(store):
    store.put("a/b/c.png", b"x")
    assert not store.exists("a/b") and store.get("a/b") is None and store.stat("a/b") is None


def test_a_crash_mid_write_leaves_the_old_file_and_no_temporary(local_store, monkeypatch):
    store = local_store
    store.put("book/scene_01.png", b"old picture")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.put("book/scene_01.png", b"new pic")
    monkeypatch.undo()
    assert store.get("book/scene_01.png") == b"old picture"
    assert os.listdir(store.root / "book") == ["scene_01.png"]


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../outside.png", "a/../../b.png", "a//b.png", "a/./b.png",
                                 "a\\..\\b.png", "a/", ".", "..", "a/b\x00.png"])
def test_keys_that_could_leave_the_store_are_refused(store, key):
    for call in (lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.exists(key),
                 lambda: store.delete(key)):
        with pytest.raises(BadStoreKey):
            call()
    assert issubclass(BadStoreKey, Invalid)  # one error family: a clear message, never a traceback
    assert store.list("") == []
    if isinstance(store, LocalStore):
        assert not (store.root.parent / "outside.png").exists()


def test_prefixes_are_checked_too(store):
    for prefix in ("../", "/", "a/../"):
        with pytest.raises(BadStoreKey):
            store.delete_prefix(prefix)
        with pytest.raises(BadStoreKey):
            store.list(prefix)


def test_list_and_delete_prefix(store):
    for key in ("storymaker/book_1/cover.png", "storymaker/book_1/thumbs/cover.webp",
                "storymaker/book_12/cover.png", "avatars/user_1/x.png"):
        store.put(key, b"x")
    assert store.list("storymaker/book_1/") == ["storymaker/book_1/cover.png", "storymaker/book_1/thumbs/cover.webp"]
    assert store.list("storymaker/book_1") == ["storymaker/book_1/cover.png", "storymaker/book_1/thumbs/cover.webp",
                                               "storymaker/book_12/cover.png"]  # a name prefix, as in S3
    assert store.list("storymaker/book_7/") == [] and store.list("nothing/") == []
    assert len(store.list("")) == 4
    store.delete_prefix("storymaker/book_1/")
    assert store.list("storymaker/") == ["storymaker/book_12/cover.png"]
    store.delete_prefix("storymaker/book_1/")  # nothing left: nothing happens
    store.delete("avatars/user_1/x.png")
    store.delete("avatars/user_1/x.png")
    assert store.list("avatars/") == []


def test_unfinished_writes_are_never_listed(local_store):
    store = local_store
    store.put("storymaker/book_1/cover.png", b"x")
    (store.root / "storymaker" / "book_1" / f"scene_01.png{TEMP_MARK}0badf00d").write_bytes(b"half")
    assert store.list("") == ["storymaker/book_1/cover.png"]
    store.delete_prefix("storymaker/book_1/")
    assert not (store.root / "storymaker" / "book_1").exists()


def test_unfinished_writes_are_cleaned_up_under_a_prefix_only(local_store):
    store = local_store
    store.put("storymaker/book_1/cover.png", b"x")
    mine = store.root / "storymaker" / "book_1" / "thumbs" / f"cover.webp{TEMP_MARK}0badf00d"
    other = store.root / "storymaker" / "book_2" / f"cover.png{TEMP_MARK}0badf00d"
    for stray in (mine, other):
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"half")
    assert store.remove_unfinished("storymaker/book_1/") == 1
    assert not mine.exists() and other.exists() and store.exists("storymaker/book_1/cover.png")
    assert store.remove_unfinished("storymaker/book_9/") == 0


def test_the_layout_is_the_folder_layout_it_always_was(tmp_path):
    store = LocalStore(tmp_path)
    books_dir = tmp_path / "storymaker"
    folder = storage.book_dir(books_dir, 3)
    assert store.local_path(layout.page_key(3, 4)) == storage.page_path(folder, 4) == folder / "scene_04.png"
    assert store.local_path(layout.cover_key(3)) == storage.cover_path(folder)
    assert store.local_path(layout.thumb_key(3, "scene_04")) == folder / "thumbs" / "scene_04.webp"
    assert store.local_path(layout.story_key(3)) == storage.story_path(folder)
    assert layout.avatar_key(5, "abc") == "avatars/user_5/abc.png"
    assert store.location(layout.book_prefix(3)) == str(folder.resolve())


def test_a_picture_counts_only_with_its_thumbnail(store):
    storage.write_picture(store, 4, "cover", (b"png", b"webp"))
    storage.write_picture(store, 4, layout.scene_name(1), (b"png", b"webp"))
    store.put(layout.page_key(4, 2), b"png")  # its thumbnail is lost
    store.put(layout.thumb_key(4, layout.scene_name(3)), b"webp")  # its picture is lost
    assert storage.pictures_in_store(store, 4) == {"cover", "scene_01"}
    assert storage.pictures_in_store(store, 5) == set()


def test_as_store_takes_a_store_or_a_data_folder(tmp_path):
    store = LocalStore(tmp_path)
    assert as_store(store) is store
    assert as_store(tmp_path).root == store.root and as_store(str(tmp_path)).name == store.name


def test_the_engine_builds_one_store_over_its_data_folder(mock_engine):
    assert isinstance(mock_engine.store, LocalStore) and mock_engine.store.root == mock_engine.data_dir
    assert mock_engine.store is mock_engine.store


def test_deleting_a_book_deletes_its_files_through_the_store(mock_engine, user):
    book_id = studio.start_book(mock_engine, user.id, books.BookOptions("The Lighthouse Cat"),
                                make_cast(mock_engine, user.id))
    mock_engine.store.put(layout.cover_key(book_id), b"png")
    other = layout.cover_key(book_id + 10)
    mock_engine.store.put(other, b"png")
    assert books.delete(mock_engine.db(), user.id, book_id, mock_engine.store)
    assert mock_engine.store.list(layout.book_prefix(book_id)) == [] and mock_engine.store.exists(other)


# ---------------------------------------------------------------- nothing but the store touches the files

FILE_ACCESS = {"shutil", "pathlib", "glob", "tempfile"}
# `os` for the process (os.getpid, os.environ) is fine; these are its file functions.
OS_FILES = {"open", "replace", "rename", "remove", "unlink", "listdir", "scandir", "walk", "makedirs", "mkdir",
            "rmdir", "stat", "path"}
# Modules that may use the file system for something other than pictures, story files and avatars:
# the store itself, the settings file, the database file, the prompt templates (package data) and
# the CLI's --avatar upload.
ALLOWED = {"storymaker/files/local.py", "storymaker/files/store.py", "storymaker/files/__init__.py",
           "storymaker/config.py", "storymaker/data/database.py", "storymaker/data/migrate.py", "storymaker/cli.py", "storymaker/prompts.py"}
PATH_CALLS = {"is_file", "is_dir", "unlink", "read_bytes", "write_bytes", "read_text", "write_text", "rglob", "rmtree",
              "listdir", "scandir", "mkdir", "iterdir", "walk"}


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for folder in ("storymaker", "app_ui", "app_pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found.append((path.relative_to(ROOT).as_posix(), ast.parse(path.read_text("utf-8"))))
    return found


def file_access(name: str, tree: ast.Module) -> list[str]:
    """Where a module imports shutil or pathlib (beyond `Path` as a type), uses os's file
    functions, opens a file, builds a `Path`, or calls a path's file-system methods."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{name}: import {a.name}" for a in node.names if a.name.split(".")[0] in FILE_ACCESS]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FILE_ACCESS:
            if not (node.module == "pathlib" and [a.name for a in node.names] == ["Path"]):
                found.append(f"{name}: from {node.module} import ...")
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"
              and node.attr in OS_FILES):
            found.append(f"{name}:{node.lineno}: os.{node.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("open", "Path"):
                found.append(f"{name}:{node.lineno}: {func.id}()")
            elif isinstance(func, ast.Attribute) and func.attr in PATH_CALLS:
                found.append(f"{name}:{node.lineno}: .{func.attr}()")
    return found


def test_no_module_outside_the_store_reaches_for_files():
    """Pictures, story files and avatars are read, written, checked and deleted by the store
    only: no other module of the core, the pages or their helpers touches the file system."""
    offenders = [hit for name, tree in _sources() if name not in ALLOWED for hit in file_access(name, tree)]
    assert offenders == []


@pytest.mark.parametrize("source", [
    "import shutil\nshutil.rmtree(folder)",
    "from pathlib import PurePath",
    "import os\nos.listdir(folder)",
    "import os\nos.replace(a, b)",
    "data = path.read_bytes()",
    "if thumb.is_file(): pass",
    "with open(name, 'rb') as f: pass",
    "from pathlib import Path\nfolder = Path(data_dir) / 'storymaker'",
    "for p in folder.rglob('*'): p.unlink()",
])
def test_the_check_finds_each_way_of_touching_files(source):
    assert file_access("m.py", ast.parse(source))


def test_the_check_lets_the_process_and_types_be():
    source = "import os\nfrom pathlib import Path\npid = os.getpid()\ndef f(p: Path) -> None: store.exists(k)"
    assert file_access("m.py", ast.parse(source)) == []


# ---------------------------------------------------------------- display caching by key and version

def _jpeg_of(color: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_display_cache_follows_key_and_version_not_paths(tmp_path):
    import io

    from PIL import Image

    from app_ui import render
    render._browser_jpeg.clear()
    store, elsewhere = LocalStore(tmp_path / "a"), LocalStore(tmp_path / "b")
    key = layout.cover_key(1)

    def shown(file) -> tuple[int, int, int]:
        with Image.open(io.BytesIO(render._browser_jpeg(file.store.name, file.key, file.version, file))) as image:
            return image.convert("RGB").getpixel((4, 4))

    store.put(key, _jpeg_of((250, 0, 0)))
    first = store.stat(key)
    assert shown(first)[0] > 200
    store.put(key, _jpeg_of((0, 0, 250)))  # redrawn: a new version, shown anew
    assert store.stat(key).version != first.version and shown(store.stat(key))[2] > 200
    elsewhere.put(key, _jpeg_of((0, 250, 0)))  # the same key in another store is another picture
    assert shown(elsewhere.stat(key))[1] > 200
    store.delete(key)
    with pytest.raises(render._Gone):  # deleted meanwhile: nothing cached, nothing shown
        render._browser_jpeg(store.name, key, 12345, first)
