"""The store as a folder on this computer (the data folder).

Every file is written to a temporary name in its folder and renamed into place, so a
reader (or a crash) never sees half a file and rerunning a step overwrites instead of
duplicating; temporaries a crash left behind are cleaned up by `remove_unfinished`.
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from pathlib import Path

from . import layout
from .store import Store, check_key, check_prefix

TEMP_MARK = ".tmp-"


class LocalStore(Store):
    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    @property
    def name(self) -> str:
        return f"local:{self.root}"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{path.name}{TEMP_MARK}{uuid.uuid4().hex[:8]}")
        try:
            with open(temp, "wb") as f:
                f.write(data)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:  # not there (or a folder)
            return None

    def version(self, key: str) -> int | None:
        try:
            found = self._path(key).stat()
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        # Every put renames a new file into place, so its inode tells two writes apart even
        # within one tick of the file system's clock (which the time alone would not).
        return hash((found.st_mtime_ns, found.st_ino, found.st_size))

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        prefix = check_prefix(prefix)
        if prefix.endswith("/"):
            shutil.rmtree(self._path(prefix.rstrip("/")), ignore_errors=True)
        else:  # a name prefix within a folder ("book_3/scene_" ...)
            for key in self.list(prefix):
                self.delete(key)

    def list(self, prefix: str) -> list[str]:
        prefix = check_prefix(prefix)
        folder, _, start = prefix.rpartition("/")
        top = self._path(folder) if folder else self.root
        keys = []
        for dirpath, dirnames, filenames in os.walk(top):
            base = Path(dirpath).relative_to(self.root).as_posix()
            for filename in filenames:
                key = filename if base == "." else f"{base}/{filename}"
                if key.startswith(prefix) and TEMP_MARK not in filename:
                    keys.append(key)
            if dirpath == str(top) and start:  # only the subfolders the name prefix allows
                dirnames[:] = [d for d in dirnames if d.startswith(start)]
        return sorted(keys)

    def location(self, prefix: str) -> str:
        prefix = check_prefix(prefix).rstrip("/")
        return str((self._path(prefix) if prefix else self.root).resolve())

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def remove_unfinished(self, prefix: str) -> int:
        prefix = check_prefix(prefix)
        folder = self._path(prefix.rstrip("/")) if prefix else self.root
        removed = 0
        if folder.is_dir():
            for path in folder.rglob(f"*{TEMP_MARK}*"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed


# The folder's layout as paths, for tests and tools that look at the folder itself
# (the same layout as the keys of `layout`, as `test_files` checks).

def book_dir(books_dir: Path, book_id: int) -> Path:
    return Path(books_dir) / f"book_{int(book_id)}"


def page_path(folder: Path, scene: int) -> Path:
    return folder / f"{layout.scene_name(scene)}.png"


def thumb_path(folder: Path, stem: str) -> Path:
    return folder / layout.THUMBS / f"{stem}.webp"


def cover_path(folder: Path) -> Path:
    return folder / "cover.png"


def story_path(folder: Path) -> Path:
    return folder / "story.csv"
