"""The scene contract: one row per page, stored as story.csv.

Model output and uploaded files are never trusted. Everything that claims to be a
scene list goes through `parse_answer` (model answers: JSON or CSV, fenced or
wrapped in prose) or `parse_csv` (uploads, strict), and comes out either as valid
`Scene`s or as a `SceneError` listing the problems in words a person can act on
(the first `MAX_SHOWN_PROBLEMS` of them, and how many more there are).

story.csv is written for spreadsheets: UTF-8 with a byte order mark (so Excel reads
it as UTF-8), and a cell a spreadsheet would run as a formula gets a leading
apostrophe, which `parse_csv` removes again, so a downloaded file uploaded unchanged
gives back exactly the same words.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from . import user_text
from .errors import Invalid

_T = TypeVar("_T")

COLUMNS = ("scene", "title", "text", "illustration", "characters")
MAX_FIELD_CHARS = {"title": 120, "text": 2000, "illustration": 1200}
MAX_ANSWER_CHARS = 400_000  # a 16-scene book is ~20 KB; anything near this is junk
MAX_SHOWN_PROBLEMS = 20  # a bad 1 MB upload has ~170,000 problems; nobody reads past the first few


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


class SceneError(Invalid):
    """The scene list breaks the contract.

    `shown` holds the first MAX_SHOWN_PROBLEMS faults, `more` counts the rest, and
    `problems` is what to list for a person: the shown faults, then one line saying
    how many more there are (if any).
    """

    def __init__(self, problems: Sequence[str], more: int = 0):
        problems = list(problems) or ["the scene list is not valid"]
        self.shown = problems[:MAX_SHOWN_PROBLEMS]
        self.more = more + len(problems) - len(self.shown)
        self.problems = self.shown + ([f"... and {self.more:,} more problem{'s' if self.more > 1 else ''}"]
                                      if self.more else [])
        super().__init__("; ".join(self.problems))


class _Problems:
    """Collects faults: keeps the first MAX_SHOWN_PROBLEMS, counts the others."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.more = 0

    def add(self, problem: str) -> None:
        if len(self.shown) < MAX_SHOWN_PROBLEMS:
            self.shown.append(problem)
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.shown)

    def error(self, first: Sequence[str] = ()) -> SceneError:
        """The error, with the `first` problems (about the whole file) ahead of these."""
        return SceneError([*first, *self.shown], self.more)


def json_schema(scene_count: int, names: Sequence[str]) -> dict[str, Any]:
    """The structured-output schema for a story answer of exactly `scene_count` scenes."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["scenes"],
        "properties": {
            "scenes": {"type": "array", "minItems": scene_count, "maxItems": scene_count,
                       "items": page_schema(names)},
        },
    }


def page_schema(names: Sequence[str], fields: Sequence[str] = COLUMNS) -> dict[str, Any]:
    """The structured-output schema of one page with `fields` (a rewrite asks for the title and text only);
    the characters limited to the book's `names`."""
    name_schema: dict[str, Any] = {"type": "string"}
    if names:
        name_schema["enum"] = list(names)
    properties: dict[str, Any] = {
        "scene": {"type": "integer"}, "title": {"type": "string"}, "text": {"type": "string"},
        "illustration": {"type": "string"}, "characters": {"type": "array", "items": name_schema},
    }
    return {"type": "object", "additionalProperties": False, "required": list(fields),
            "properties": {name: properties[name] for name in fields}}


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


def parse_page(text: str, names: Sequence[str], number: int, fixed: Mapping[str, Any] | None = None) -> Scene:
    """One page from a model's answer, numbered `number`, or SceneError.

    The answer is JSON of one scene (bare, under "page" or "scene", or the one item of a "scenes"
    list), fenced or wrapped in prose like any answer; `fixed` fields are taken as given instead of
    the answer's (the picture and cast of a page whose words alone are rewritten). Checked against
    the same contract as a whole story: every field filled in, within its length, the book's names.
    """
    if not isinstance(text, str) or not text.strip():
        raise SceneError(["the answer was empty"])
    if len(text) > MAX_ANSWER_CHARS:
        raise SceneError([f"the answer is too long ({len(text):,} characters)"])
    row = _page_row(text)
    if row is None:
        raise SceneError(["the answer holds no page (expected JSON with a title and a text)"])
    row = {**row, **(fixed or {}), "scene": 1}
    [scene] = validate([row], 1, names, strict_columns=False)
    return replace(scene, scene=number)


def _page_row(text: str) -> dict[str, Any] | None:
    return _first_json(text, _page_in)


def _page_in(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        return _page_in(value[0]) if value else None
    if not isinstance(value, dict):
        return None
    row = {str(k).strip().lower(): v for k, v in value.items()}
    if "title" in row or "text" in row:
        return row
    for key in ("page", "scene", "scenes", "pages"):
        if isinstance(row.get(key), (dict, list)):
            return _page_in(row[key])
    return None


def _candidates(text: str) -> Iterable[str]:
    for match in _FENCE.finditer(text):
        yield match.group(2)
    yield text


def _rows_from_json(text: str) -> list[dict[str, Any]] | None:
    return _first_json(text, _rows_in)


def _first_json(text: str, pick: Callable[[Any], _T | None]) -> _T | None:
    """The first JSON value in the answer (fenced first, then anywhere) that `pick` makes something of."""
    decoder = json.JSONDecoder()
    for candidate in _candidates(text):
        # Try every place a JSON value could start, so prose before it is skipped.
        for start in (m.start() for m in re.finditer(r"[\[{]", candidate)):
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except (ValueError, RecursionError):
                continue
            found = pick(value)
            if found is not None:
                return found
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
    """Strictly validate a story.csv (an upload or the stored file).

    Takes UTF-8 with or without a byte order mark, and comma-, semicolon- or
    tab-separated files (a spreadsheet set to a European locale saves with ';').
    """
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SceneError(["the file is UTF-16 text (in the spreadsheet, save it as 'CSV UTF-8')"])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SceneError(["the file is not UTF-8 text (in the spreadsheet, save it as 'CSV UTF-8')"]) from None
    data = data.lstrip("\ufeff")
    if not data.strip():
        raise SceneError(["the file is empty"])
    try:
        header, rows = _read_csv(data, delimiter=_delimiter(data))
    except (csv.Error, ValueError) as exc:
        raise SceneError([f"the file is not readable CSV ({str(exc)[:200]})"]) from None
    for row in rows:
        for key, value in row.items():
            row[key] = from_spreadsheet(value)
    return validate(rows, scene_count, names, strict_columns=True, header=header)


def _delimiter(data: str) -> str:
    """The separator that splits the header line into the most known column names (',' when in doubt)."""
    first = data[: data.find("\n") if "\n" in data else len(data)]

    def known(sep: str) -> int:
        return sum(cell.strip().strip('"').strip().lower() in COLUMNS for cell in first.split(sep))

    return max((",", ";", "\t"), key=known)  # max keeps the first of equals: ','


def to_spreadsheet(cell: str) -> str:
    """A cell as written to story.csv: an apostrophe before anything a spreadsheet would run as a formula.

    A cell that already starts with apostrophes before such a character gets one
    more, so `from_spreadsheet` can always remove exactly the one added here.
    """
    return "'" + cell if user_text.formula_like(cell.lstrip("'")) else cell


def from_spreadsheet(cell: str) -> str:
    """Undo `to_spreadsheet` (a cell without the added apostrophe is left as it is)."""
    return cell[1:] if cell.startswith("'") and user_text.formula_like(cell.lstrip("'")) else cell


def _read_csv(data: str, delimiter: str = ",") -> tuple[list[str], list[dict[str, Any]]]:
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    rows = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue  # blank lines, e.g. a trailing newline in a spreadsheet export
        row = {header[i] if i < len(header) else f"column {i + 1}": cell for i, cell in enumerate(record)}
        rows.append(row)
    return header, rows


def to_csv(scenes: Iterable[Scene]) -> str:
    """story.csv as text, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for scene in scenes:
        writer.writerow({k: to_spreadsheet(v) if isinstance(v, str) else v for k, v in scene.as_row().items()})
    return out.getvalue()


def csv_bytes(scenes: Iterable[Scene]) -> bytes:
    """story.csv as a file: UTF-8 with a byte order mark, which Excel needs to read it as UTF-8."""
    return to_csv(scenes).encode("utf-8-sig")


# ---------------------------------------------------------------- validation


def validate(
    rows: Sequence[dict[str, Any]],
    scene_count: int,
    names: Sequence[str],
    *,
    strict_columns: bool,
    header: Sequence[str] | None = None,
) -> list[Scene]:
    """Rows (column -> value) to exactly `scene_count` scenes, or SceneError.

    Linear in the number of rows: a 1 MB upload of junk is checked in well under a
    second, and only the first MAX_SHOWN_PROBLEMS problems are kept (the rest counted).
    Problems with the whole list (columns, count, numbering) come first, then each row's.
    """
    problems: list[str] = []  # about the whole list: a handful at most
    row_problems = _Problems()
    present = list(header) if header is not None else sorted({k for row in rows for k in row}, key=_column_order)
    present_set = set(present)
    missing = [c for c in COLUMNS if c not in present_set]
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    extra = [c for c in dict.fromkeys(present) if c not in COLUMNS]
    if extra and strict_columns:
        listed = ", ".join(str(c)[:30] or "(no name)" for c in extra[:8]) + (" ..." if len(extra) > 8 else "")
        problems.append(f"unexpected column{'s' if len(extra) > 1 else ''}: {listed}")
    if len(rows) != scene_count:
        problems.append(f"expected {scene_count} scenes, found {len(rows):,}")
    if missing:
        raise SceneError(problems)

    canonical = {n.casefold(): n for n in names}
    scenes: list[Scene] = []
    for index, row in enumerate(rows, start=1):
        where = f"row {index}"
        number = _as_int(row.get("scene"))
        if number is None:
            row_problems.add(f"{where}: scene number {str(row.get('scene'))[:20]!r} is not a whole number")
            continue
        where = f"row {index} (scene {number})"
        fields = {}
        for column in ("title", "text", "illustration"):
            value = _as_text(row.get(column))
            if not value:
                row_problems.add(f"{where}: {column} is empty")
            elif len(value) > MAX_FIELD_CHARS[column]:
                row_problems.add(f"{where}: {column} is too long ({len(value)} characters, at most {MAX_FIELD_CHARS[column]})")
            fields[column] = value
        cast, unknown = _cast(row.get("characters"), canonical)
        for name in unknown:
            known = ", ".join(names) or "none"
            row_problems.add(f"{where}: unknown character {name!r} (this book's characters: {known})")
        scenes.append(Scene(number, fields["title"], fields["text"], fields["illustration"], cast))

    numbers = [s.scene for s in scenes]
    if len(numbers) == len(rows):
        expected = set(range(1, scene_count + 1))
        counts = Counter(numbers)
        duplicates = sorted(n for n, times in counts.items() if times > 1)
        skipped = sorted(expected - counts.keys())
        outside = sorted(n for n in counts if n not in expected)
        if duplicates:
            problems.append(f"duplicate scene number{'s' if len(duplicates) > 1 else ''}: {_join(duplicates)}")
        if skipped and len(rows) >= scene_count:
            problems.append(f"missing scene number{'s' if len(skipped) > 1 else ''}: {_join(skipped)}")
        if outside:
            problems.append(f"scene numbers must run from 1 to {scene_count}, found {_join(outside)}")
    if problems or row_problems:
        raise row_problems.error(first=problems)
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
    # Paragraphs are kept; control and invisible characters go, and text of nothing but them is empty.
    return user_text.block(value)


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
        name = user_text.line(part)
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
