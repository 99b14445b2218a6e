"""Stored pictures at signed addresses, for the <img> tags a screen writes itself (My Books' covers,
which the browser loads only as they near the screen).

    GET /pictures/{key}?v={version}&until={epoch s}&sig={signature}

A bucket hands out presigned addresses of its own (`StoredFile.url`); a folder has none, so the app
signs one: HMAC-SHA256 over the key, the file's version and the expiry, with a key kept in the data
folder (made once, so every process serving that folder, and the next one after a restart, accepts
the same addresses). Only screens that checked ownership ask for an address, so an address reaches
nobody else, like a presigned one. A forged, altered or expired address answers 404, as a missing
file does: nothing says which.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storymaker.errors import StorymakerError
from storymaker.files import StoredFile

from app_web.sign_in import engine

PREFIX = "/pictures"
LIFETIME_S = 3600
# An address is handed out again for half its life, so every rerun in that time writes the same one
# (the browser keeps the picture it has) and the last one handed out still has half an hour to load.
RENEW_S = LIFETIME_S // 2
KEY_FILE = "picture-addresses.key"
TYPES = {".webp": "image/webp", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

_keys: dict[Path, bytes] = {}
_keys_lock = threading.Lock()


def _signing_key(data_dir: Path) -> bytes:
    """The data folder's signing key, made the first time any process asks (published whole by a
    hard link, so a second process never reads half of it)."""
    path = Path(data_dir).absolute() / KEY_FILE
    with _keys_lock:
        if path not in _keys:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                temp = path.with_name(f"{KEY_FILE}.{secrets.token_hex(4)}")
                temp.write_bytes(secrets.token_bytes(32))
                temp.chmod(0o600)
                try:
                    os.link(temp, path)
                except FileExistsError:  # another process made it first: theirs is the key
                    pass
                finally:
                    temp.unlink(missing_ok=True)
            _keys[path] = path.read_bytes()
        return _keys[path]


def _signature(data_dir: Path, key: str, version: int, until: int) -> str:
    message = f"{key}\n{version}\n{until}".encode()
    digest = hmac.new(_signing_key(data_dir), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


def address(file: StoredFile, data_dir: Path, now: float | None = None) -> str:
    """An address this app serves the file at, signed with `data_dir`'s key (for a folder, which has no
    addresses of its own). A redrawn picture has a new version, so a new address."""
    until = (int(time.time() if now is None else now) // RENEW_S + 2) * RENEW_S
    return (f"{PREFIX}/{file.key}?v={file.version}&until={until}"
            f"&sig={_signature(data_dir, file.key, file.version, until)}")


def _valid(data_dir: Path, key: str, version: str, until: str, signature: str, now: float) -> bool:
    try:
        version_number, until_s = int(version), int(until)
    except ValueError:
        return False
    if until_s < now or until_s > now + LIFETIME_S + RENEW_S:
        return False
    return hmac.compare_digest(signature, _signature(data_dir, key, version_number, until_s))


async def picture(request: Request) -> Response:
    key = request.path_params["key"]
    query = request.query_params
    now = time.time()
    found = engine()
    suffix = os.path.splitext(key)[1].lower()
    if suffix not in TYPES or not _valid(found.settings.data_dir, key, query.get("v", ""), query.get("until", ""),
                                         query.get("sig", ""), now):
        return Response("Not found.", status_code=404, media_type="text/plain")
    try:
        data = await run_in_threadpool(found.store.get, key)
    except (StorymakerError, ValueError):  # the store is down, or a key no store would accept
        data = None
    if data is None:
        return Response("Not found.", status_code=404, media_type="text/plain")
    # Kept by this browser until the address expires: a redrawn picture comes at a new address.
    return Response(data, media_type=TYPES[suffix], headers={
        "Cache-Control": f"private, max-age={max(0, int(query['until']) - int(now))}, immutable",
        "X-Content-Type-Options": "nosniff",
    })


routes = [Route(PREFIX + "/{key:path}", picture, methods=["GET"])]
