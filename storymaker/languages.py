"""A book's language, as people name it ("English", "Español", "Spanish (Mexico)"), to the
BCP 47 tag that EPUB, HTML and speech synthesis want ("en", "es").

The names are the ones the Studio's language field is likely to hold, in English and in
the language itself; a tag typed as such ("pt-BR") is taken as it is, and a name with more
words ("Mexican Spanish") by the first word we know. Anything else is "und" (undetermined),
which is true and leaves a reader or a browser to its own choice.
"""

from __future__ import annotations

import re

# Languages as people type them in the Studio ("Spanish", "español") -> BCP 47 tags.
LANGUAGES = {
    "en": ("english",), "es": ("spanish", "español", "espanol", "castellano"),
    "fr": ("french", "français", "francais"), "de": ("german", "deutsch"), "it": ("italian", "italiano"),
    "pt": ("portuguese", "português", "portugues"), "pt-BR": ("brazilian portuguese", "português do brasil"),
    "nl": ("dutch", "nederlands"), "sv": ("swedish", "svenska"), "da": ("danish", "dansk"),
    "nb": ("norwegian", "norsk", "bokmål"), "fi": ("finnish", "suomi"), "pl": ("polish", "polski"),
    "cs": ("czech", "čeština", "cestina"), "el": ("greek", "ελληνικά"), "tr": ("turkish", "türkçe"),
    "ru": ("russian", "русский"), "uk": ("ukrainian", "українська"), "ca": ("catalan", "català"),
    "eu": ("basque", "euskara"), "gl": ("galician", "galego"), "ga": ("irish", "gaeilge"),
    "cy": ("welsh", "cymraeg"), "hu": ("hungarian", "magyar"), "ro": ("romanian", "română"),
    "ar": ("arabic", "العربية"), "he": ("hebrew", "עברית"), "fa": ("persian", "farsi", "فارسی"),
    "ur": ("urdu", "اردو"), "hi": ("hindi", "हिन्दी"), "bn": ("bengali", "bangla", "বাংলা"),
    "zh": ("chinese", "mandarin", "中文"), "ja": ("japanese", "日本語"), "ko": ("korean", "한국어"),
    "id": ("indonesian", "bahasa indonesia"), "ms": ("malay", "bahasa melayu"), "vi": ("vietnamese", "tiếng việt"),
    "th": ("thai", "ไทย"), "sw": ("swahili", "kiswahili"), "tl": ("tagalog", "filipino"),
}
_BY_NAME = {name: tag for tag, names in LANGUAGES.items() for name in names}
_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur"})


def tag_for(language: str) -> str:
    """The BCP 47 tag for a language as a person named it; "und" (undetermined) for one we
    cannot name, which is true and leaves a reader to its own choice."""
    spoken = " ".join(language.split()).casefold()
    if spoken in _BY_NAME:
        return _BY_NAME[spoken]
    if _TAG.fullmatch(spoken):  # already a tag: "es", "pt-br"
        head, _, rest = spoken.partition("-")
        return head + ("-" + rest.upper() if len(rest) == 2 else "-" + rest if rest else "")
    for word in re.findall(r"\w+", spoken):  # "Spanish (Mexico)", "Mexican Spanish"
        if word in _BY_NAME:
            return _BY_NAME[word]
    return "und"


def right_to_left(tag: str) -> bool:
    return tag.split("-")[0].lower() in RIGHT_TO_LEFT
