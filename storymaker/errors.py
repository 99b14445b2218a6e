"""One family of errors for everything a person can be told.

Every error the core raises for people to read is a `StorymakerError`: its message
is written for them, so a screen or the CLI catches the family and shows `str(error)`.
The subclasses say what kind of trouble it is, so a caller can react without knowing
which module raised it. Model failures keep their own family (`models.errors.ModelError`),
which the job runner classifies for retries.
"""

from __future__ import annotations


class StorymakerError(Exception):
    """Something went wrong that a person can understand; the message says what."""


class NotFound(StorymakerError, LookupError):
    """No such thing for this user (it may exist, but not for them)."""


class Invalid(StorymakerError, ValueError):
    """Bad input; the message says what to fix (subclasses may also name the fields)."""


class Busy(StorymakerError):
    """The library is busy for now; nothing was written and the same step can be tried again."""
