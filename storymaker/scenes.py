"""The scene contract: one row per page, stored as story.csv.

Model output and uploaded files are never trusted. Everything that claims to be a
scene list goes through `parse_answer` (model answers: JSON or CSV, fenced or
wrapped in prose) or `parse_csv` (uploads, strict), and comes out either as valid
`Scene`s or as a `SceneError` listing every problem in words a person can act on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

COLUMNS = ("scene", "title", "text", "illustration", "characters")
MAX_FIELD_CHARS = {"title": 120, "text": 2000, "illustration": 1200}
MAX_ANSWER_CHARS = 400_000  # a 16-scene book is ~20 KB; anything near this is junk


@dataclass(frozen=True)
class Scene:
    scene: int
    title: str
    text: str
    illustration: str
    characters: tuple[str, ...]

    def as_row(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "title": self.title,
            "text": self.text,
            "illustration": self.illustration,
            "characters": ";".join(self.characters),
        }


class SceneError(ValueError):
    """The scene list breaks the contract. `problems` lists each fault on its own."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems) or ["the scene list is not valid"]
        super().__init__("; ".join(self.problems))


def json_schema(scene_count: int, names: Sequence[str]) -> dict[str, Any]:
    """The structured-output schema for a story answer of exactly `scene_count` scenes."""
    name_schema: dict[str, Any] = {"type": "string"}
    if names:
        name_schema["enum"] = list(names)
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["scenes"],
        "properties": {
            "scenes": {
                "type": "array",
                "minItems": scene_count,
                "maxItems": scene_count,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": list(COLUMNS),
                    "properties": {
                        "scene": {"type": "integer"},
                        "title": {"type": "string"},
                        "text": {"type": "string"},
                        "illustration": {"type": "string"},
                        "characters": {"type": "array", "items": name_schema},
                    },
                },
            }
        },
    }


# ---------------------------------------------------------------- model answers

_FENCE = re.compile(r"```[ \t]*([A-Za-z]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


def parse_answer(text: str, scene_count: int, names: Sequence[str]) -> list[Scene]:
    """Turn a model's answer into exactly `scene_count` valid scenes, or raise SceneError.

    Tolerant of what models do: code fences, prose around the data, JSON or CSV,
    keys in another case, extra keys, scenes out of order, character names in
    another case. Everything else is reported, never guessed.
    """
    if not isinstance(text, str) or not text.strip():
        raise SceneError(["the answer was empty"])
    if len(text) > MAX_ANSWER_CHARS:
        raise SceneError([f"the answer is too long ({len(text):,} characters)"])
    rows = _rows_from_json(text)
    if rows is None:
        rows = _rows_from_csv_text(text)
    if rows is None:
        raise SceneError(["the answer holds no scene list (expected JSON with a 'scenes' list, or CSV)"])
    return validate(rows, scene_count, names, strict_columns=False)


def _candidates(text: str) -> Iterable[str]:
    for match in _FENCE.finditer(text):
        yield match.group(2)
    yield text


def _rows_from_json(text: str) -> list[dict[str, Any]] | None:
    decoder = json.JSONDecoder()
    for candidate in _candidates(text):
        # Try every place a JSON value could start, so prose before it is skipped.
        for start in (m.start() for m in re.finditer(r"[\[{]", candidate)):
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except (ValueError, RecursionError):
                continue
            rows = _rows_in(value)
            if rows is not None:
                return rows
    return None


def _rows_in(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if str(key).lower() in ("scenes", "pages", "story") and isinstance(inner, list):
                value = inner
                break
        else:
            return None
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [{str(k).strip().lower(): v for k, v in row.items()} for row in value]
    return None


def _rows_from_csv_text(text: str) -> list[dict[str, Any]] | None:
    for candidate in _candidates(text):
        lines = candidate.splitlines(keepends=True)
        for i, line in enumerate(lines):
            header = line.lower()
            if "scene" in header and "title" in header and "," in header:
                try:
                    return _read_csv("".join(lines[i:]))[1]
                except (csv.Error, ValueError):
                    return None
    return None


# ---------------------------------------------------------------- CSV files


def parse_csv(data: str | bytes, scene_count: int, names: Sequence[str]) -> list[Scene]:
    """Strictly validate a story.csv (an upload or the stored file)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SceneError(["the file is not UTF-8 text (save it as 'CSV UTF-8')"]) from None
    if not data.strip():
        raise SceneError(["the file is empty"])
    try:
        header, rows = _read_csv(data)
    except (csv.Error, ValueError) as exc:
        raise SceneError([f"the file is not readable CSV ({exc})"]) from None
    return validate(rows, scene_count, names, strict_columns=True, header=header)


def _read_csv(data: str) -> tuple[list[str], list[dict[str, Any]]]:
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    rows = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue  # blank lines, e.g. a trailing newline in a spreadsheet export
        row = {header[i] if i < len(header) else f"column {i + 1}": cell for i, cell in enumerate(record)}
        rows.append(row)
    return header, rows


def to_csv(scenes: Iterable[Scene]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for scene in scenes:
        writer.writerow(scene.as_row())
    return out.getvalue()


# ---------------------------------------------------------------- validation


def validate(
    rows: Sequence[dict[str, Any]],
    scene_count: int,
    names: Sequence[str],
    *,
    strict_columns: bool,
    header: Sequence[str] | None = None,
) -> list[Scene]:
    problems: list[str] = []
    present = list(header) if header is not None else sorted({k for row in rows for k in row}, key=_column_order)
    missing = [c for c in COLUMNS if c not in present]
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    extra = [c for c in present if c not in COLUMNS]
    if extra and strict_columns:
        problems.append(f"unexpected column{'s' if len(extra) > 1 else ''}: {', '.join(map(str, extra))}")
    if len(rows) != scene_count:
        problems.append(f"expected {scene_count} scenes, found {len(rows)}")
    if missing:
        raise SceneError(problems)

    canonical = {n.casefold(): n for n in names}
    scenes: list[Scene] = []
    for index, row in enumerate(rows, start=1):
        where = f"row {index}"
        number = _as_int(row.get("scene"))
        if number is None:
            problems.append(f"{where}: scene number {str(row.get('scene'))[:20]!r} is not a whole number")
            continue
        where = f"row {index} (scene {number})"
        fields = {}
        for column in ("title", "text", "illustration"):
            value = _as_text(row.get(column))
            if not value:
                problems.append(f"{where}: {column} is empty")
            elif len(value) > MAX_FIELD_CHARS[column]:
                problems.append(f"{where}: {column} is too long ({len(value)} characters, at most {MAX_FIELD_CHARS[column]})")
            fields[column] = value
        cast, unknown = _cast(row.get("characters"), canonical)
        for name in unknown:
            known = ", ".join(names) or "none"
            problems.append(f"{where}: unknown character {name!r} (this book's characters: {known})")
        scenes.append(Scene(number, fields["title"], fields["text"], fields["illustration"], cast))

    numbers = [s.scene for s in scenes]
    if len(numbers) == len(rows):
        expected = set(range(1, scene_count + 1))
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        skipped = sorted(expected - set(numbers))
        outside = sorted({n for n in numbers if n not in expected})
        if duplicates:
            problems.append(f"duplicate scene number{'s' if len(duplicates) > 1 else ''}: {_join(duplicates)}")
        if skipped and len(rows) >= scene_count:
            problems.append(f"missing scene number{'s' if len(skipped) > 1 else ''}: {_join(skipped)}")
        if outside:
            problems.append(f"scene numbers must run from 1 to {scene_count}, found {_join(outside)}")
    if problems:
        raise SceneError(problems)
    return sorted(scenes, key=lambda s: s.scene)


def _column_order(name: str) -> tuple[int, str]:
    return (COLUMNS.index(name) if name in COLUMNS else len(COLUMNS), str(name))


def _join(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers[:12]) + (" ..." if len(numbers) > 12 else "")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(?:scene\s*)?#?\s*(\d{1,4})\s*", value, re.IGNORECASE)
        if match:
            return int(match.group(1))
    return None


def _as_text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    # Normalise line endings; keep paragraphs, drop whitespace at the ends.
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _cast(value: Any, canonical: dict[str, str]) -> tuple[tuple[str, ...], list[str]]:
    """The scene's cast in the book's spelling, and any names the book does not have."""
    if value is None:
        parts: list[str] = []
    elif isinstance(value, list):
        parts = [str(v) for v in value if not isinstance(v, (dict, list))]
    else:
        parts = str(value).replace("\n", ";").split(";")
    cast: list[str] = []
    unknown: list[str] = []
    for part in parts:
        name = part.strip()
        if not name:
            continue
        found = [canonical.get(name.casefold())]
        if found[0] is None:
            # Models often write "Mia, Pip" or "Mia and Pip"; a name may hold a comma itself.
            pieces = [p.strip() for p in re.split(r",|\band\b|&", name) if p.strip()]
            found = [canonical.get(p.casefold()) for p in pieces]
        if None in found:
            unknown.append(name[:60])
            continue
        cast.extend(n for n in found if n is not None and n not in cast)
    return tuple(cast), unknown
