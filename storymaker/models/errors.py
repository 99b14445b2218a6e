"""What can go wrong when a model is asked for something.

Errors are classified once, here, so the job runner can decide what to retry
without knowing which provider raised them.
"""

from __future__ import annotations

from contextvars import ContextVar

# Failed HTTP requests the running job may still spend (None outside a job). The job
# runner sets it; a model whose client retries inside one call retries at most this
# many times minus one, so its retries are spent from the job's budget, never on top.
http_attempts_left: ContextVar[int | None] = ContextVar("http_attempts_left", default=None)


class ModelError(Exception):
    """A model call failed; `str(error)` is a message a user can read."""

    retryable: bool = False

    def __init__(self, message: str, *, retry_after: float | None = None, tries: int = 1):
        super().__init__(message)
        self.retry_after = retry_after
        # HTTP requests this call really made, the SDK's own retries included, so the
        # job runner can spend them from its retry budget instead of multiplying it.
        self.tries = tries


class TransientModelError(ModelError):
    """Rate limit, timeout, connection error or server error: worth trying again later."""

    retryable = True


class RateLimitedError(TransientModelError):
    """The service said "too many requests": other jobs for the same service should hold back too."""


class RefusedError(ModelError):
    """The service refused the request (content policy). Not retried."""


class ModelConfigError(ModelError):
    """Wrong key, unknown model, bad request: retrying cannot help; the user must act."""
