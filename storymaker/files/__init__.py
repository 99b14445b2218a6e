"""Where pictures, story files and avatars are kept: a key-based store.

Everything outside this package names a file by its key (see `layout`) and asks the
store (`engine.store`) to put, get, list or delete it; only the store knows whether
a key is a file in a folder (`local`) or an object in an S3-compatible bucket (`s3`).
`open_store` picks one from the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .local import LocalStore
from .store import BadStoreKey, Store, StoredFile, StoreRefused, StoreUnavailable, check_key

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["BadStoreKey", "LocalStore", "Store", "StoreRefused", "StoreUnavailable", "StoredFile", "as_store",
           "check_key", "open_store"]


def open_store(settings: "Settings") -> Store:
    """The bucket of STORYMAKER_STORAGE_URL when it is set, else the data folder."""
    if settings.storage_url:
        from .s3 import S3Store  # only a bucket needs the S3 client

        return S3Store.from_settings(settings)
    return LocalStore(settings.data_dir)


def as_store(where: Store | Path | str) -> Store:
    """The store itself, or the local folder store over a data folder (callers that still pass one)."""
    return where if isinstance(where, Store) else LocalStore(Path(where))
