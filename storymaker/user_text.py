"""Text a person typed or uploaded, made safe to store and show.

Control characters (NUL and the like) and invisible format characters (zero-width
spaces, byte order marks, bidi overrides) are removed; what is left is either text
with something visible in it or "". The few format characters that change how
visible text looks are kept: the zero-width joiner and non-joiner (emoji sequences,
Persian, Indic scripts), the left-to-right and right-to-left marks, and emoji tags
(the flags of Scotland and Wales).
"""

from __future__ import annotations

import re
import unicodedata

# Format characters (category Cf) that are part of how visible text is written.
_KEPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c") | frozenset(map(chr, range(0xE0020, 0xE0080)))
# Letters and symbols that draw nothing (used to fake an empty name or title).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"); the full-width forms count too, as Excel in East Asian locales reads them so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _dropped(char: str, keep: str) -> bool:
    if char in keep:
        return False
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (category == "Cf" and char not in _KEPT_FORMAT)


def _strip_invisible(text: str, keep: str) -> str:
    # Most text has nothing to drop: test first, rebuild only when needed (linear either way).
    if text.isprintable():
        return text
    return "".join(c for c in text if not _dropped(c, keep))


def has_visible(text: str) -> bool:
    """True when something in `text` would show on the page."""
    return any(
        c not in _BLANK_LOOKING and unicodedata.category(c) not in _INVISIBLE_CATEGORIES and not c.isspace()
        for c in text
    )


def line(value: object) -> str:
    """One line of text (a name, a title): invisible characters removed, runs of spaces made one."""
    text = "" if value is None else str(value)
    text = " ".join(_strip_invisible(_LINE_BREAKS.sub(" ", text), keep="\t").split())
    return text if has_visible(text) else ""


def block(value: object) -> str:
    """Text that may hold paragraphs: line breaks made '\\n', invisible characters removed, ends trimmed."""
    text = "" if value is None else str(value)
    text = _strip_invisible(_LINE_BREAKS.sub("\n", text), keep="\n\t").strip()
    return text if has_visible(text) else ""


def only_invisible(value: object) -> bool:
    """True when `value` holds characters but none that show: worth its own message, not "it is empty"."""
    text = "" if value is None else str(value)
    return bool(text.strip()) and not has_visible(text)


def formula_like(text: str) -> bool:
    """True when a spreadsheet would run `text` as a formula."""
    return text.startswith(FORMULA_STARTS)
