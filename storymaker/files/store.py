"""The store's interface: bytes under keys, each with a version for display caching.

A key is a relative POSIX path ("storymaker/book_3/scene_01.png"): no leading slash,
no empty, "." or ".." segment, no backslash. Anything else is refused before any
backend sees it, so no key can reach outside the store.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Busy, Invalid, StorymakerError


class BadStoreKey(Invalid):
    pass


class StoreUnavailable(Busy):
    """The store could not be reached just now (a bucket's service down or slow); trying the
    same step again later may well work."""


class StoreRefused(StorymakerError):
    """The store refused the request or does not exist: its settings need fixing."""


def check_key(key: str) -> str:
    parts = key.split("/") if isinstance(key, str) else [""]
    if (not key or "\\" in key or "\x00" in key
            or any(part in ("", ".", "..") for part in parts)):
        raise BadStoreKey(f"Not a valid file key: {key!r}.")
    return key


def check_prefix(prefix: str) -> str:
    """A prefix is a key, or a key ending in "/" (a folder), or "" (everything)."""
    return prefix if prefix == "" else check_key(prefix.rstrip("/")) + ("/" if prefix.endswith("/") else "")


@dataclass(frozen=True)
class StoredFile:
    """A file as the app is handed it: its key and version, and the store to read it from.
    The version changes whenever the file is rewritten, so a cache keyed on (key, version)
    never shows a stale picture."""

    key: str
    version: int
    store: "Store" = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    def read(self) -> bytes | None:
        return self.store.get(self.key)

    def exists(self) -> bool:
        return self.store.exists(self.key)

    def local_path(self) -> Path | None:
        """The file on this computer, when the store keeps it in a folder."""
        return self.store.local_path(self.key)

    def url(self, expires_s: float = 300) -> str | None:
        """A short-lived address a browser can fetch it from, when the store gives one."""
        return self.store.url(self.key, expires_s)


class Store(abc.ABC):
    """Bytes under keys. `put` is atomic: a reader (or a crash) never sees half a file."""

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """Which store this is, as display caches tell two stores apart (e.g. two data folders)."""

    @abc.abstractmethod
    def put(self, key: str, data: bytes) -> None: ...

    @abc.abstractmethod
    def get(self, key: str) -> bytes | None:
        """The bytes, or None when there is no such file."""

    @abc.abstractmethod
    def version(self, key: str) -> int | None:
        """A number that changes whenever the file is rewritten; None when there is no such file."""

    def exists(self, key: str) -> bool:
        return self.version(key) is not None

    def stat(self, key: str) -> StoredFile | None:
        """The file as the app is handed it, or None when it is not there."""
        version = self.version(key)
        return None if version is None else StoredFile(key, version, self)

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Delete one file (nothing happens when it is not there)."""

    @abc.abstractmethod
    def delete_prefix(self, prefix: str) -> None:
        """Delete every file under `prefix` ("book_3/" deletes the book's folder)."""

    @abc.abstractmethod
    def list(self, prefix: str) -> list[str]:
        """The keys under `prefix`, sorted (unfinished writes are never listed)."""

    @abc.abstractmethod
    def location(self, prefix: str) -> str:
        """Where the files under `prefix` are, in words a person can follow (a folder, an address)."""

    def local_path(self, key: str) -> Path | None:
        """The file on this computer, for a backend that has one (None otherwise)."""
        return None

    def url(self, key: str, expires_s: float = 300) -> str | None:
        """A short-lived address (valid `expires_s` seconds) a browser can fetch the file from
        without the app passing its bytes on; None for a backend that has none (the folder)."""
        return None

    def remove_unfinished(self, prefix: str) -> int:
        """Clean up writes a crash left half done under `prefix`; returns how many."""
        return 0
