"""Settings, read from environment variables and an optional secrets TOML file.

Precedence: environment variable, then `.streamlit/secrets.toml` (the file Streamlit
itself reads, so one file configures both the app and the CLI), then the default.
The API key is held in a field that never appears in a repr, so it cannot leak into
logs or tracebacks by accident.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from .errors import Invalid
from .redaction import public_host, public_url

# Current OpenAI defaults, chosen from the installed SDK's model list: the
# `gpt-image-1` and `dall-e-*` image models are retired.
DEFAULT_TEXT_MODEL = "gpt-5.4-mini"
DEFAULT_IMAGE_MODEL = "gpt-image-2"
# The newest text-to-speech model in the installed SDK's list (`openai.types.audio.SpeechModel`);
# "none" turns narration by a voice model off (the browser's own voices still read aloud).
DEFAULT_SPEECH_MODEL = "gpt-4o-mini-tts-2025-12-15"
DEFAULT_SPEECH_VOICE = "coral"
# The newest moderation model in the installed SDK's list (`openai.types.ModerationModel`): it reads
# text and pictures, and OpenAI does not charge for it. "none" leaves the checks to the word list.
DEFAULT_MODERATION_MODEL = "omni-moderation-latest"
# How strict the safety checks are: "strict" (the default) also refuses mild peril; "standard" allows it.
SAFETY_LEVELS = ("strict", "standard")
NO_SPEECH = ("", "none", "off")
NO_MODERATION = ("", "none", "off")
PROVIDERS = ("offline", "openai")


class ConfigError(Invalid):
    """A setting has a value Storymaker cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    provider: str = "offline"
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    text_model: str = DEFAULT_TEXT_MODEL
    image_model: str = DEFAULT_IMAGE_MODEL
    image_size: str = "1024x1024"
    # Narration: the text-to-speech model and the voice a new book is narrated in (each book may
    # choose another in the Studio).
    speech_model: str = DEFAULT_SPEECH_MODEL
    speech_voice: str = DEFAULT_SPEECH_VOICE
    # Safety checks of what people type and what the models make (`storymaker.safety`): the
    # moderation model a remote provider uses, and how strict the checks are.
    moderation_model: str = DEFAULT_MODERATION_MODEL
    safety: str = "strict"
    image_quality: str = "medium"
    # Seconds for one HTTP request; pictures take far longer than text.
    text_timeout: float = 120.0
    image_timeout: float = 240.0
    speech_timeout: float = 120.0
    # Retries done inside the SDK for one call. They count towards the job's HTTP attempts;
    # 0 leaves every retry to the job runner, which frees the worker slot while it waits,
    # caps Retry-After and holds back other jobs of a rate-limited service.
    sdk_max_retries: int = 0
    # A job's retry budget for transient failures (rate limits, timeouts, 5xx): it keeps
    # trying with backoff until `retry_window_s` after its first failure or until it has
    # made `max_http_attempts` failed requests, whichever comes first.
    retry_window_s: float = 180.0
    max_http_attempts: int = 8
    # A longer Retry-After than this fails the job at once, saying when to try again.
    retry_after_cap_s: float = 120.0
    # The first backoff; each later one doubles (with jitter, at most a minute).
    retry_backoff_s: float = 2.0
    data_dir: Path = Path("data")
    # Where accounts, books and jobs live: a postgresql:// URL, or "" for the SQLite file in
    # the data folder. Not in the repr: the URL may carry a password.
    database_url: str = field(default="", repr=False)
    concurrency: int = 4
    # Pictures kept per page (and for the cover); beyond it the oldest one not shown is dropped.
    takes_per_page: int = 10
    # Seconds a running job stays claimed without a heartbeat before another runner may take it.
    lease_s: float = 30.0
    # Pictures, thumbnails, avatars and story.csv in an S3-compatible bucket ("s3://bucket/prefix");
    # None keeps them in the data folder. The AWS_* values reach the bucket; the keys never a repr.
    storage_url: str | None = None
    aws_access_key_id: str | None = field(default=None, repr=False)
    aws_secret_access_key: str | None = field(default=None, repr=False)
    aws_session_token: str | None = field(default=None, repr=False)
    aws_region: str | None = None
    aws_endpoint_url: str | None = None
    # How long a browser stays signed in without being used (days); every use moves it on.
    sign_in_days: float = 30.0
    # The app's address as people outside reach it (https://books.example.org), for share links;
    # None: the address the browser used.
    public_url: str | None = None

    @property
    def is_offline(self) -> bool:
        return self.provider == "offline"

    def describe(self) -> str:
        """One line for people: which models are in use, never the key."""
        if self.is_offline:
            return "offline models (built in, no API key needed)"
        # Only the host: the URL may carry a user name and password (https://user:pass@host).
        where = f" at {public_host(self.base_url)}" if self.base_url else ""
        return f"OpenAI-compatible models{where}: {self.text_model} for text, {self.image_model} for pictures"

    @property
    def narrates(self) -> bool:
        """Does this deployment make narration with a voice model (when a key is there)?"""
        return self.speech_model.strip().lower() not in NO_SPEECH

    @property
    def uses_moderation_model(self) -> bool:
        """Does this deployment ask a moderation model (when the provider has one), not only the word list?"""
        return self.moderation_model.strip().lower() not in NO_MODERATION

    @property
    def server(self) -> str:
        """The OpenAI-compatible server's host, safe to show ("" for OpenAI itself)."""
        return public_host(self.base_url)

    def __repr__(self) -> str:
        # The key is never shown, and a base URL only without its credentials.
        shown = ", ".join(
            f"{f.name}={public_url(getattr(self, f.name)) if f.name in _URLS else getattr(self, f.name)!r}"
            for f in fields(self) if f.repr
        )
        return f"{type(self).__name__}({shown})"

    @property
    def storage(self) -> tuple[str, str] | None:
        """The bucket and the prefix inside it, or None for the data folder."""
        return parse_storage_url(self.storage_url) if self.storage_url else None

    @property
    def books_dir(self) -> Path:
        return self.data_dir / "storymaker"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "storymaker.db"

    @property
    def database(self) -> str:
        """The database's address: the configured URL, else the SQLite file in the data folder."""
        return self.database_url or str(self.db_path)


# Shown without the user name and password an address may carry.
_URLS = ("base_url", "aws_endpoint_url")
_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]")


def parse_storage_url(url: str) -> tuple[str, str]:
    """STORYMAKER_STORAGE_URL ("s3://bucket" or "s3://bucket/some/prefix") as (bucket, prefix);
    the prefix has no leading or trailing "/" ("" for the whole bucket)."""
    scheme, _, rest = url.strip().partition("://")
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    if scheme.lower() != "s3" or not _BUCKET.fullmatch(bucket) or "@" in rest:
        raise ConfigError(f"STORYMAKER_STORAGE_URL must look like s3://bucket/prefix, not {public_url(url)!r} "
                          "(the endpoint goes in AWS_ENDPOINT_URL, the keys in AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY)")
    if prefix and any(part in ("", ".", "..") or "\\" in part for part in prefix.split("/")):
        raise ConfigError(f"STORYMAKER_STORAGE_URL has an unusable prefix: {prefix!r}")
    return bucket, prefix


# Setting name -> (environment variable, secrets.toml key, converter)
_SOURCES: dict[str, tuple[str, str, Any]] = {
    "provider": ("STORYMAKER_PROVIDER", "STORYMAKER_PROVIDER", str),
    "api_key": ("OPENAI_API_KEY", "OPENAI_API_KEY", str),
    "base_url": ("OPENAI_BASE_URL", "OPENAI_BASE_URL", str),
    "text_model": ("STORYMAKER_TEXT_MODEL", "STORYMAKER_TEXT_MODEL", str),
    "image_model": ("STORYMAKER_IMAGE_MODEL", "STORYMAKER_IMAGE_MODEL", str),
    "image_size": ("STORYMAKER_IMAGE_SIZE", "STORYMAKER_IMAGE_SIZE", str),
    "speech_model": ("STORYMAKER_SPEECH_MODEL", "STORYMAKER_SPEECH_MODEL", str),
    "speech_voice": ("STORYMAKER_SPEECH_VOICE", "STORYMAKER_SPEECH_VOICE", str),
    "moderation_model": ("STORYMAKER_MODERATION_MODEL", "STORYMAKER_MODERATION_MODEL", str),
    "safety": ("STORYMAKER_SAFETY", "STORYMAKER_SAFETY", str),
    "speech_timeout": ("STORYMAKER_SPEECH_TIMEOUT", "STORYMAKER_SPEECH_TIMEOUT", float),
    "image_quality": ("STORYMAKER_IMAGE_QUALITY", "STORYMAKER_IMAGE_QUALITY", str),
    "text_timeout": ("STORYMAKER_TEXT_TIMEOUT", "STORYMAKER_TEXT_TIMEOUT", float),
    "image_timeout": ("STORYMAKER_IMAGE_TIMEOUT", "STORYMAKER_IMAGE_TIMEOUT", float),
    "sdk_max_retries": ("STORYMAKER_SDK_MAX_RETRIES", "STORYMAKER_SDK_MAX_RETRIES", int),
    "data_dir": ("STORYMAKER_DATA_DIR", "STORYMAKER_DATA_DIR", Path),
    "database_url": ("STORYMAKER_DATABASE_URL", "STORYMAKER_DATABASE_URL", str),
    "concurrency": ("STORYMAKER_CONCURRENCY", "STORYMAKER_CONCURRENCY", int),
    "takes_per_page": ("STORYMAKER_TAKES_PER_PAGE", "STORYMAKER_TAKES_PER_PAGE", int),
    "lease_s": ("STORYMAKER_LEASE_S", "STORYMAKER_LEASE_S", float),
    "retry_window_s": ("STORYMAKER_RETRY_WINDOW_S", "STORYMAKER_RETRY_WINDOW_S", float),
    "max_http_attempts": ("STORYMAKER_MAX_HTTP_ATTEMPTS", "STORYMAKER_MAX_HTTP_ATTEMPTS", int),
    "retry_after_cap_s": ("STORYMAKER_RETRY_AFTER_CAP_S", "STORYMAKER_RETRY_AFTER_CAP_S", float),
    "retry_backoff_s": ("STORYMAKER_RETRY_BACKOFF_S", "STORYMAKER_RETRY_BACKOFF_S", float),
    "storage_url": ("STORYMAKER_STORAGE_URL", "STORYMAKER_STORAGE_URL", str),
    "aws_access_key_id": ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID", str),
    "aws_secret_access_key": ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", str),
    "aws_session_token": ("AWS_SESSION_TOKEN", "AWS_SESSION_TOKEN", str),
    "aws_region": ("AWS_REGION", "AWS_REGION", str),
    "aws_endpoint_url": ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL", str),
    "sign_in_days": ("STORYMAKER_SIGN_IN_DAYS", "STORYMAKER_SIGN_IN_DAYS", float),
    "public_url": ("STORYMAKER_PUBLIC_URL", "STORYMAKER_PUBLIC_URL", str),
}


def read_secrets(path: Path | None = None) -> dict[str, Any]:
    """The flat top-level values of `.streamlit/secrets.toml`, or {} when absent."""
    path = path or Path(".streamlit") / "secrets.toml"
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return {k: v for k, v in data.items() if not isinstance(v, dict)}


def load_settings(
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from the environment and secrets, then explicit overrides."""
    env = os.environ if env is None else env
    secrets = read_secrets() if secrets is None else secrets
    values: dict[str, Any] = {}
    for name, (env_name, secret_name, convert) in _SOURCES.items():
        raw = env.get(env_name)
        if raw in (None, ""):
            raw = secrets.get(secret_name)
        if raw in (None, ""):
            continue
        try:
            values[name] = convert(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{env_name} must be a {convert.__name__}, not {raw!r}") from None
    values.update({k: v for k, v in overrides.items() if v is not None})

    if "provider" in values:
        values["provider"] = str(values["provider"]).strip().lower()
        if values["provider"] not in PROVIDERS:
            raise ConfigError(f"STORYMAKER_PROVIDER must be one of {', '.join(PROVIDERS)}")
    else:
        # A configured key selects OpenAI; without one the offline models run.
        values["provider"] = "openai" if values.get("api_key") else "offline"
    if values["provider"] == "openai" and not values.get("api_key"):
        if values.get("base_url"):
            # Local OpenAI-compatible servers (Ollama, LM Studio) accept any key.
            values["api_key"] = "not-needed"
        else:
            raise ConfigError("STORYMAKER_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL)")
    if int(values.get("concurrency", 4)) < 1:
        raise ConfigError("STORYMAKER_CONCURRENCY must be at least 1")
    if float(values.get("lease_s", 30.0)) <= 0:
        raise ConfigError("STORYMAKER_LEASE_S must be more than 0 seconds")
    if not 0 < float(values.get("sign_in_days", 30.0)) <= 400:
        raise ConfigError("STORYMAKER_SIGN_IN_DAYS must be more than 0 and at most 400 (browsers keep a cookie 400 days)")
    _check_retry_budget(values)
    if int(values.get("takes_per_page", 10)) < 1:
        raise ConfigError("STORYMAKER_TAKES_PER_PAGE must be at least 1 (the picture the page shows)")
    _check_storage(values)
    _check_speech(values)
    _check_safety(values)
    if values.get("public_url"):
        values["public_url"] = check_public_url(str(values["public_url"]))
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known})


def _check_retry_budget(values: dict[str, Any]) -> None:
    if int(values.get("sdk_max_retries", 0)) < 0:
        raise ConfigError("STORYMAKER_SDK_MAX_RETRIES must be 0 or more")
    if int(values.get("max_http_attempts", 8)) < 1:
        raise ConfigError("STORYMAKER_MAX_HTTP_ATTEMPTS must be at least 1")
    for name, env_name in (("retry_window_s", "STORYMAKER_RETRY_WINDOW_S"),
                           ("retry_after_cap_s", "STORYMAKER_RETRY_AFTER_CAP_S"),
                           ("retry_backoff_s", "STORYMAKER_RETRY_BACKOFF_S")):
        if float(values.get(name, 1.0)) < 0:
            raise ConfigError(f"{env_name} must be 0 seconds or more")


def _check_speech(values: dict[str, Any]) -> None:
    for name, env_name in (("speech_model", "STORYMAKER_SPEECH_MODEL"), ("speech_voice", "STORYMAKER_SPEECH_VOICE")):
        if name in values:
            values[name] = str(values[name]).strip()
            if len(values[name]) > 100 or any(not ch.isprintable() for ch in values[name]):
                raise ConfigError(f"{env_name} must be a model or voice name of at most 100 characters")
    if not values.get("speech_voice", DEFAULT_SPEECH_VOICE):
        raise ConfigError("STORYMAKER_SPEECH_VOICE must name a voice, e.g. coral")


def _check_safety(values: dict[str, Any]) -> None:
    if "safety" in values:
        values["safety"] = str(values["safety"]).strip().lower()
        if values["safety"] not in SAFETY_LEVELS:
            raise ConfigError(f"STORYMAKER_SAFETY must be one of {', '.join(SAFETY_LEVELS)}, not {values['safety']!r}")
    if "moderation_model" in values:
        values["moderation_model"] = str(values["moderation_model"]).strip()
        if len(values["moderation_model"]) > 100 or any(not ch.isprintable() for ch in values["moderation_model"]):
            raise ConfigError("STORYMAKER_MODERATION_MODEL must be a model name of at most 100 characters")


def _check_storage(values: dict[str, Any]) -> None:
    if values.get("storage_url"):
        parse_storage_url(str(values["storage_url"]))
    if values.get("aws_endpoint_url"):
        check_endpoint(str(values["aws_endpoint_url"]))


def check_public_url(url: str) -> str:
    """STORYMAKER_PUBLIC_URL as share links start with it: http(s)://host[:port][/path], without
    a trailing "/", credentials, query or fragment."""
    url = url.strip()
    problem = f"STORYMAKER_PUBLIC_URL must look like https://host or https://host/path, not {public_url(url)!r}"
    _check_web_address(url, problem)
    return url.rstrip("/")


def _check_web_address(url: str, problem: str) -> None:
    """ConfigError(problem) unless `url` is http(s)://host[:port][/path] with no credentials,
    query, fragment or control characters."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise ConfigError(problem) from None
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username or parts.password
            or any(ch.isspace() or ord(ch) < 32 for ch in url) or parts.query or parts.fragment):
        raise ConfigError(problem)


def check_endpoint(url: str) -> str:
    """AWS_ENDPOINT_URL as an S3 client can use it: http(s)://host[:port][/path], no credentials
    (they go in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). The S3 client would crash on less."""
    problem = f"AWS_ENDPOINT_URL must look like https://host or http://host:port, not {public_url(url)!r}"
    _check_web_address(url, problem)
    return url
