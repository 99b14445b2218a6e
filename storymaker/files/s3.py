"""The store as an S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO, SeaweedFS).

Keys are the same layout as the data folder's, under the configured prefix
(`s3://bucket/prefix/storymaker/book_3/scene_01.png`). Built on obstore, a small
Rust-backed client that signs URLs itself, so there is no boto3 stack to install.

- Atomic writes: every object is written whole by one PUT (multipart uploads are never
  used; one PUT takes up to 5 GB, far beyond any picture), and S3 shows an object only
  once its PUT has finished. A killed worker therefore leaves nothing half-written, and
  `remove_unfinished` has nothing to clean up (obstore cannot list multipart uploads
  anyway; a bucket lifecycle rule that aborts incomplete uploads covers other writers).
- Versions: a number derived from the object's ETag and last-modified time. The ETag of
  a single-PUT object is a hash of its bytes, so the version changes whenever the
  contents change (even twice within the same second); the same bytes written again
  may keep their version, which is harmless for a cache keyed on it. The number is the
  same in every process.
- Trouble with the bucket (unreachable, refused, no such bucket) is a `StoreUnavailable`
  or `StoreRefused` with a plain message that names the bucket, never the keys; a missing
  object is None.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Iterator

import obstore
from obstore.exceptions import (
    BaseError,
    NotFoundError,
    PermissionDeniedError,
    UnauthenticatedError,
)
from obstore.store import S3Store as _Bucket

from ..config import ConfigError, Settings, check_endpoint
from ..redaction import public_host
from .store import Store, StoreRefused, StoreUnavailable, check_key, check_prefix

__all__ = ["S3Store", "StoreRefused", "StoreUnavailable"]

DEFAULT_REGION = "us-east-1"
# A slow or unreachable bucket fails a step within seconds (the job runner retries it), not minutes.
CONNECT_TIMEOUT = "5s"
REQUEST_TIMEOUT = "60s"
RETRIES = 3
RETRY_WINDOW = timedelta(seconds=20)
DELETE_BATCH = 1000  # S3's limit for one DeleteObjects request
# How a refusal shows in the errors obstore reports as generic (listing reports every failure so).
REFUSALS = ("AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "403 Forbidden", "401 Unauthorized")


class S3Store(Store):
    def __init__(self, bucket: str, prefix: str = "", *, endpoint: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None,
                 session_token: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if self.prefix:
            check_prefix(self.prefix)
        self.endpoint = check_endpoint(endpoint) if endpoint else None
        config: dict[str, Any] = {"region": region or DEFAULT_REGION}
        if endpoint:
            config["endpoint"] = endpoint
        # Given explicitly (they may come from secrets.toml); without them obstore uses the
        # usual AWS chain (environment, profile, instance role).
        for name, value in (("access_key_id", access_key_id), ("secret_access_key", secret_access_key),
                            ("session_token", session_token)):
            if value:
                config[name] = value
        client = {"connect_timeout": CONNECT_TIMEOUT, "timeout": REQUEST_TIMEOUT,
                  "allow_http": bool(endpoint and endpoint.lower().startswith("http://"))}
        try:
            self._bucket = _Bucket(bucket, prefix=self.prefix or None, config=config,  # type: ignore[arg-type]
                                   client_options=client,  # type: ignore[arg-type]
                                   retry_config={"max_retries": RETRIES, "retry_timeout": RETRY_WINDOW})
        except BaseError:
            raise ConfigError(f"The picture store {self.address} cannot be set up with these settings "
                              "(check AWS_ENDPOINT_URL and AWS_REGION).") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> "S3Store":
        where = settings.storage
        if where is None:
            raise ConfigError("STORYMAKER_STORAGE_URL is not set")
        bucket, prefix = where
        return cls(bucket, prefix, endpoint=settings.aws_endpoint_url, region=settings.aws_region,
                   access_key_id=settings.aws_access_key_id, secret_access_key=settings.aws_secret_access_key,
                   session_token=settings.aws_session_token)

    @property
    def address(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def __repr__(self) -> str:  # never the keys
        at = f", endpoint={public_host(self.endpoint)!r}" if self.endpoint else ""
        return f"S3Store({self.address!r}{at})"

    @property
    def name(self) -> str:
        return f"s3:{public_host(self.endpoint) or 'aws'}/{self.bucket}/{self.prefix}"

    @contextmanager
    def _talking(self) -> Iterator[None]:
        """obstore's errors as ours. Theirs carry request details; ours say what to do, and are
        raised `from None` so no log line repeats theirs. A missing object passes through (the
        caller makes it None); a missing bucket does not."""
        try:
            yield
        except (FileNotFoundError, NotFoundError) as error:
            if "NoSuchBucket" in str(error):
                raise self._missing_bucket() from None
            raise
        except (PermissionDeniedError, UnauthenticatedError):
            raise self._refused() from None
        except (BaseError, OSError) as error:
            # Listing reports every failure as a generic one; the S3 error code tells them apart.
            text = str(error)
            if "NoSuchBucket" in text:
                raise self._missing_bucket() from None
            if any(code in text for code in REFUSALS):
                raise self._refused() from None
            where = f" at {public_host(self.endpoint)}" if self.endpoint else ""
            raise StoreUnavailable(f"The picture store {self.address}{where} cannot be reached just now; "
                                   "try again in a moment.") from None

    def _refused(self) -> StoreRefused:
        return StoreRefused(f"The picture store {self.address} refused access: check AWS_ACCESS_KEY_ID, "
                            "AWS_SECRET_ACCESS_KEY and the bucket's permissions.")

    def _missing_bucket(self) -> StoreRefused:
        return StoreRefused(f"The picture store's bucket {self.bucket!r} does not exist "
                            "(check STORYMAKER_STORAGE_URL and AWS_ENDPOINT_URL).")

    def put(self, key: str, data: bytes) -> None:
        key = check_key(key)
        with self._talking():
            obstore.put(self._bucket, key, bytes(data), use_multipart=False)

    def get(self, key: str) -> bytes | None:
        key = check_key(key)
        try:
            with self._talking():
                return bytes(obstore.get(self._bucket, key).bytes())
        except (FileNotFoundError, NotFoundError):
            return None

    def version(self, key: str) -> int | None:
        key = check_key(key)
        try:
            with self._talking():
                meta = obstore.head(self._bucket, key)
        except (FileNotFoundError, NotFoundError):
            return None
        stamp = f"{meta['e_tag']}|{meta['last_modified'].isoformat()}|{meta['size']}"
        return int.from_bytes(hashlib.blake2b(stamp.encode(), digest_size=8).digest(), "big") >> 1

    def delete(self, key: str) -> None:
        key = check_key(key)
        try:
            with self._talking():
                obstore.delete(self._bucket, key)
        except (FileNotFoundError, NotFoundError):
            pass

    def delete_prefix(self, prefix: str) -> None:
        keys = self.list(prefix)
        with self._talking():
            for start in range(0, len(keys), DELETE_BATCH):
                obstore.delete(self._bucket, keys[start:start + DELETE_BATCH])

    def list(self, prefix: str) -> list[str]:
        prefix = check_prefix(prefix)
        # obstore lists whole path segments ("book_1" would not find "book_12"), so a name
        # prefix is listed from its folder and filtered.
        folder = prefix.rstrip("/") if prefix.endswith("/") else prefix.rpartition("/")[0]
        keys = []
        try:
            with self._talking():
                for batch in obstore.list(self._bucket, folder or None, chunk_size=1000):
                    keys += [meta["path"] for meta in batch]
        except (FileNotFoundError, NotFoundError):
            return []
        return sorted(key for key in keys if key.startswith(prefix) and not key.endswith("/"))

    def location(self, prefix: str) -> str:
        prefix = check_prefix(prefix).rstrip("/")
        return f"{self.address}/{prefix}" if prefix else self.address

    def url(self, key: str, expires_s: float = 300) -> str | None:
        """A presigned GET address, valid for `expires_s` seconds, that the browser fetches directly."""
        key = check_key(key)
        with self._talking():
            return obstore.sign(self._bucket, "GET", key, timedelta(seconds=expires_s))

    def remove_unfinished(self, prefix: str) -> int:
        """Nothing to do: objects are written by single PUTs, which S3 shows whole or not at all
        (see the module's docstring)."""
        check_prefix(prefix)
        return 0
