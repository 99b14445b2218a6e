"""The API key a model call is made with when it is not the process's own: a person's session key.

One Engine serves everybody, so a key typed in for one session cannot live in the
settings or the models. It travels with the work done for that person instead, in a
context variable (like the running job's retry budget): `using` around a job, `bind`
for one Streamlit script run (each run has its own thread, hence its own context).
It is never written anywhere; the OpenAI adapter reads it per call.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_session_key: ContextVar[str | None] = ContextVar("storymaker_session_key", default=None)


def current() -> str | None:
    """The session key the model calls made here use, or None for the process's own key."""
    return _session_key.get()


def _checked(api_key: str | None) -> str | None:
    if api_key is None:
        return None
    if not api_key.strip():
        raise ValueError("an API key is needed")
    return api_key.strip()


@contextmanager
def using(api_key: str | None) -> Iterator[None]:
    """Model calls inside the block use `api_key` (None: the process's own key)."""
    token = _session_key.set(_checked(api_key))
    try:
        yield
    finally:
        _session_key.reset(token)


def bind(api_key: str | None) -> None:
    """The rest of this context (a Streamlit script run: its own thread) uses `api_key`."""
    _session_key.set(_checked(api_key))
