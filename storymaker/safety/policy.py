"""What the safety checks refuse, by strictness, and how a refusal is said to people.

A moderation model gives scores per category (OpenAI's names; the word list adds "profanity" and
"peril"); this module alone decides which refuse. `strict` (the default) refuses at lower scores
and also refuses mild peril ("a scary storm"); `standard` allows mild peril and refuses what the
service itself flags, plus anything sexual at a lower score than the service's own line.
"""

from __future__ import annotations

from typing import Iterable

from ..models.base import ModerationResult

# Worst first: a refusal names its worst category first.
ORDER = ("sexual/minors", "sexual", "self-harm/instructions", "self-harm/intent", "self-harm", "violence/graphic",
         "hate/threatening", "hate", "illicit/violent", "illicit", "harassment/threatening", "harassment",
         "violence", "profanity", "peril")

# Plain words for each category, as they end "This premise mentions ...".
WORDS = {
    "sexual/minors": "sexual content involving children",
    "sexual": "sexual content",
    "self-harm/instructions": "self-harm",
    "self-harm/intent": "self-harm",
    "self-harm": "self-harm",
    "violence/graphic": "graphic violence",
    "hate/threatening": "hateful threats",
    "hate": "hateful language",
    "illicit/violent": "weapons or violent crime",
    "illicit": "drugs or crime",
    "harassment/threatening": "threats",
    "harassment": "bullying or insults",
    "violence": "violence",
    "profanity": "swearing",
    "peril": "frightening scenes",
}

# The lowest score that refuses, per category and strictness (None: never by score). The service's
# own flags refuse too, whatever the score, except peril under `standard`.
THRESHOLDS: dict[str, dict[str, float | None]] = {
    "strict": {
        "sexual/minors": 0.01, "sexual": 0.05, "self-harm/instructions": 0.05, "self-harm/intent": 0.05,
        "self-harm": 0.1, "violence/graphic": 0.1, "hate/threatening": 0.05, "hate": 0.1, "illicit/violent": 0.1,
        "illicit": 0.2, "harassment/threatening": 0.1, "harassment": 0.3, "violence": 0.4, "profanity": 0.5,
        "peril": 0.5,
    },
    "standard": {
        "sexual/minors": 0.01, "sexual": 0.2, "self-harm/instructions": 0.2, "self-harm/intent": 0.2,
        "self-harm": 0.3, "violence/graphic": 0.3, "hate/threatening": 0.2, "hate": 0.3, "illicit/violent": 0.3,
        "illicit": 0.5, "harassment/threatening": 0.3, "harassment": 0.6, "violence": 0.7, "profanity": 0.5,
        "peril": None,
    },
}

# What a field is called at the start of its message ("This premise mentions ...").
NOUNS = {
    "title": "This title", "premise": "This premise", "author": "This author line", "name": "This name",
    "look": "This look", "personality": "This personality", "note": "This note", "instruction": "This instruction",
    "characters": "A chosen character", "text": "This text", "illustration": "This illustration",
}


def refused(result: ModerationResult, level: str) -> tuple[str, ...]:
    """The categories of `result` that refuse it at this strictness, worst first (empty: it passes)."""
    thresholds = THRESHOLDS.get(level, THRESHOLDS["strict"])
    found = set()
    for category, score in result.scores.items():
        line = thresholds.get(category)
        if line is not None and score >= line:
            found.add(category)
    for category in result.flagged:
        if not (category == "peril" and thresholds.get("peril") is None):
            found.add(category)
    return ordered(found)


def ordered(categories: Iterable[str]) -> tuple[str, ...]:
    rank = {name: n for n, name in enumerate(ORDER)}
    return tuple(sorted(set(categories), key=lambda c: (rank.get(c, len(ORDER)), c)))


def in_words(categories: Iterable[str]) -> str:
    """"graphic violence and swearing": each category's words once, worst first."""
    words = list(dict.fromkeys(WORDS.get(c, c.replace("/", " ").replace("-", " ")) for c in ordered(categories)))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def message(subject: str, categories: Iterable[str], matched: Iterable[str] = ()) -> str:
    """"This premise mentions graphic violence, which Storymaker does not put in children's books.";
    with the word list's matches, they are quoted, so a person sees what to change."""
    noun = NOUNS.get(subject, subject)
    categories = tuple(categories)
    said = f"{noun} mentions {in_words(categories)}, which Storymaker does not put in children's books."
    if categories == ("peril",):
        said = (f"{noun} mentions {in_words(categories)}, which Storymaker's strict safety setting keeps "
                "out of children's books.")
    quoted = list(dict.fromkeys(m.strip() for m in matched if m.strip()))[:3]
    if quoted:
        said += " (It found " + ", ".join(f"\u201c{m}\u201d" for m in quoted) + ".)"
    return said
