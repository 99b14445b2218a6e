"""Secrets kept out of messages and shown URLs."""

import pytest
from hypothesis import given, strategies as st

from storymaker.redaction import public_host, public_url, redact_secret

KEY = "sk-proj-Secret0123456789abcdefXYZ"


@pytest.mark.parametrize("echo", [
    KEY,
    KEY.upper(),
    KEY.lower(),
    KEY[:8],  # cut short
    KEY[5:19],  # a piece from the middle
    KEY.upper()[:-3],
])
def test_any_piece_of_eight_or_more_characters_is_hidden(echo):
    message = f"Invalid key {echo} was provided."
    redacted = redact_secret(message, KEY)
    assert redacted == "Invalid key *** was provided."


def test_short_pieces_and_other_text_stay():
    assert redact_secret("sk-proj is a prefix, 0123 a number", KEY) == "sk-proj is a prefix, 0123 a number"
    assert redact_secret("nothing here", None) == "nothing here"
    assert redact_secret("", KEY) == ""


@given(
    before=st.text(max_size=40),
    after=st.text(max_size=40),
    start=st.integers(0, len(KEY) - 8),
    length=st.integers(8, len(KEY)),
    upper=st.booleans(),
)
def test_no_piece_survives(before, after, start, length, upper):
    piece = KEY[start:start + length]
    piece = piece.upper() if upper else piece
    redacted = redact_secret(before + piece + after, KEY).lower()
    assert not any(KEY.lower()[i:i + 8] in redacted for i in range(len(KEY) - 7))


@pytest.mark.parametrize("url, host, shown", [
    ("https://user:pa55word@llm.example.com:8443/v1?key=abc#x", "llm.example.com:8443", "https://llm.example.com:8443/v1"),
    ("http://127.0.0.1:11434/v1", "127.0.0.1:11434", "http://127.0.0.1:11434/v1"),
    ("http://token@[::1]:8000/v1", "[::1]:8000", "http://[::1]:8000/v1"),
    ("https://api.example.com", "api.example.com", "https://api.example.com"),
    ("https://user:pass@:99999/", "a custom server", "a custom server"),
])
def test_urls_are_shown_without_credentials(url, host, shown):
    assert public_host(url) == host
    assert public_url(url) == shown
    assert "pa55word" not in public_url(url) and "token" not in public_url(url)
