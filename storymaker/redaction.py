"""Keeping secrets out of what people and logs see: API keys in messages, credentials in URLs.

A service may echo the key it was sent in another case, cut short or inside other
text, so replacing the whole key is not enough: every stretch of a message that
matches 8 or more characters of the key (ignoring case) is hidden.
"""

from __future__ import annotations

from urllib.parse import urlsplit

FRAGMENT = 8  # the shortest piece of a key that is hidden
HIDDEN = "***"
UNKNOWN_SERVER = "a custom server"  # what is shown for a URL that cannot be read


def redact_secret(text: str, secret: str | None) -> str:
    """`text` with every piece of `secret` of FRAGMENT or more characters, in any case, replaced."""
    if not text or not secret:
        return text
    secret_folded = _fold(secret)
    size = min(FRAGMENT, len(secret_folded))
    if size < 4:  # too short to tell from ordinary words
        return text
    pieces = {secret_folded[i:i + size] for i in range(len(secret_folded) - size + 1)}
    folded = _fold(text)
    hidden = [False] * len(text)
    for start in range(len(folded) - size + 1):
        if folded[start:start + size] in pieces:
            hidden[start:start + size] = [True] * size
    out: list[str] = []
    for ch, hide in zip(text, hidden, strict=True):
        if not hide:
            out.append(ch)
        elif not out or out[-1] is not HIDDEN:
            out.append(HIDDEN)
    return "".join(out)


def _fold(text: str) -> str:
    # One character in, one out, so positions in the folded text are positions in the original.
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def public_host(url: str | None) -> str:
    """The host (and port) of `url`: never its user name, password, path or query."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip() if "://" in url else f"//{url.strip()}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return UNKNOWN_SERVER
    if not host:
        return UNKNOWN_SERVER
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


def public_url(url: str | None) -> str | None:
    """`url` without the user name, password, query and fragment it may carry."""
    if not url:
        return url
    host = public_host(url)
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        parts = None
    if parts is None or host == UNKNOWN_SERVER:
        return UNKNOWN_SERVER
    scheme = f"{parts.scheme}://" if parts.scheme else ""
    return f"{scheme}{host}{parts.path}"
