"""Where pictures, story files and avatars are kept: a key-based store.

Everything outside this package names a file by its key (see `layout`) and asks the
store (`engine.store`) to put, get, list or delete it; only the store knows whether
a key is a file in a folder (`local`) or, later, an object in a bucket.
"""

from __future__ import annotations

from pathlib import Path

from .local import LocalStore
from .store import BadStoreKey, Store, StoredFile, check_key

__all__ = ["BadStoreKey", "LocalStore", "Store", "StoredFile", "as_store", "check_key"]


def as_store(where: Store | Path | str) -> Store:
    """The store itself, or the local folder store over a data folder (callers that still pass one)."""
    return where if isinstance(where, Store) else LocalStore(Path(where))
