"""A book's language, as people name it ("English", "Español"), to the BCP 47 tag that
speech synthesis, EPUB and HTML want ("en", "es").

The names are the ones the Studio's language field is likely to hold, in English and in
the language itself; a tag typed as such ("pt-BR") is taken as it is. Anything else falls
back to English, the offline writer's only language, rather than to a wrong guess.
"""

from __future__ import annotations

import re

_TAGS = {
    "en": ("english", "anglais", "inglés", "ingles", "englisch"),
    "es": ("spanish", "español", "espanol", "castellano"),
    "fr": ("french", "français", "francais"),
    "de": ("german", "deutsch"),
    "it": ("italian", "italiano"),
    "pt": ("portuguese", "português", "portugues"),
    "nl": ("dutch", "nederlands"),
    "sv": ("swedish", "svenska"),
    "da": ("danish", "dansk"),
    "nb": ("norwegian", "norsk", "bokmål"),
    "fi": ("finnish", "suomi"),
    "pl": ("polish", "polski"),
    "cs": ("czech", "čeština", "cestina"),
    "tr": ("turkish", "türkçe", "turkce"),
    "el": ("greek", "ελληνικά"),
    "ru": ("russian", "русский"),
    "uk": ("ukrainian", "українська"),
    "ar": ("arabic", "العربية"),
    "he": ("hebrew", "עברית"),
    "hi": ("hindi", "हिन्दी"),
    "zh": ("chinese", "mandarin", "中文"),
    "ja": ("japanese", "日本語"),
    "ko": ("korean", "한국어"),
    "id": ("indonesian", "bahasa indonesia"),
    "vi": ("vietnamese", "tiếng việt"),
    "ga": ("irish", "gaeilge"),
    "cy": ("welsh", "cymraeg"),
}
_BY_NAME = {name: tag for tag, names in _TAGS.items() for name in names}
_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def tag_for(language: str) -> str:
    """The BCP 47 tag for a language as a person named it; "en" when it is not one we know."""
    name = " ".join((language or "").split()).casefold()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if _TAG.fullmatch((language or "").strip()) and (language or "").strip().split("-")[0].lower() in _TAGS:
        return (language or "").strip()
    return "en"
