"""`python -m storymaker`: make a book headless, export it, run a worker, or copy an install elsewhere."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Sequence, TextIO

from . import accounts, books, characters, exports, jobs, safety, styles, transfer
from .services import exports as export_service, studio
from .avatars import AvatarError
from .books import BookError, BookOptions
from .config import ConfigError, load_settings
from .engine import Engine
from .errors import Invalid, NotFound, StorymakerError
from .files import layout
from .runner import Runner
from .services import accounts as account_service, characters as cast_service

EPILOG = """\
configuration (environment variables, or the same keys in .streamlit/secrets.toml):
  OPENAI_API_KEY           use OpenAI models (without it the built-in offline models run)
  OPENAI_BASE_URL          any OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama
  STORYMAKER_PROVIDER      offline | openai, to force one
  STORYMAKER_TEXT_MODEL, STORYMAKER_IMAGE_MODEL, STORYMAKER_IMAGE_SIZE, STORYMAKER_IMAGE_QUALITY
  STORYMAKER_DATA_DIR      where books and the database live (default: ./data)
  STORYMAKER_CONCURRENCY   pages drawn at once (default: 4); the cover is drawn alongside
                           in a slot of its own, so up to N+1 pictures are in flight
  STORYMAKER_RETRY_WINDOW_S, STORYMAKER_MAX_HTTP_ATTEMPTS, STORYMAKER_RETRY_AFTER_CAP_S
                           how long (180 s) and how often (8 requests) a job rides out rate
                           limits and outages; a longer Retry-After than the cap (120 s) fails
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m storymaker",
        description="Storymaker: a title and a few characters in, an illustrated picture book out.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    make = commands.add_parser(
        "make-book",
        help="make a whole illustrated book and print its folder",
        description="Write the story, draw every page and the cover, and print the book folder as the last line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    make.add_argument("--title", required=True, help="the book's title")
    make.add_argument("--character", action="append", required=True, metavar='"NAME: LOOK"',
                      help='a character and how they look, e.g. "Pip: a tiny grey cat" (repeat for more)')
    make.add_argument("--scenes", type=int, default=styles.DEFAULT_SCENES, metavar="N",
                      help=f"number of pages, {styles.MIN_SCENES} to {styles.MAX_SCENES} (default {styles.DEFAULT_SCENES})")
    make.add_argument("--age", choices=list(styles.AGE_BANDS), default=styles.DEFAULT_AGE_BAND, help="the reader's age band")
    make.add_argument("--style", choices=list(styles.ART_STYLES), default=styles.DEFAULT_STYLE, help="the art style")
    make.add_argument("--language", default="English", help="the language of the story text (default English)")
    make.add_argument("--premise", default="", metavar="TEXT", help="a premise or lesson to weave in")
    make.add_argument("--avatar", action="append", default=[], metavar="NAME=PATH",
                      help="a reference picture (PNG, JPEG or WebP) for a character")
    make.add_argument("--user", default=accounts.LOCAL_USER, metavar="NAME",
                      help="file the book under this account (default: a local account)")
    make.add_argument("--concurrency", type=int, default=None, metavar="N",
                      help="pages drawn at once (the cover is drawn alongside)")

    worker = commands.add_parser(
        "worker",
        help="run queued jobs from the database until stopped",
        description="Run the same jobs as the app, in a separate process against the same database. "
                    "Stop it with Ctrl-C or SIGTERM; unfinished jobs are picked up again by the next runner.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    worker.add_argument("--concurrency", type=int, default=None, metavar="N", help="jobs run in parallel")

    migrate = commands.add_parser(
        "migrate-data",
        help="copy every account, book and picture into another database and store",
        description="Copy this install (the configured database and data folder) into another database, "
                    "e.g. PostgreSQL, and another store. Rows keep their ids; whatever the target already "
                    "has is left as it is, so the command can be run again safely.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    migrate.add_argument("--to-database", metavar="URL",
                         help="the target database: postgresql://user:password@host/name (or a SQLite file)")
    migrate.add_argument("--to-storage", metavar="URL", help="the target store: an s3://bucket/prefix or a folder")

    export = commands.add_parser(
        "export",
        help="write a finished book as a PDF, a print-ready PDF, an EPUB or a ZIP",
        description="Write one of your finished books to a file and print its path and size. An export is "
                    "made once per version of the book and kept; exporting again unchanged is instant.",
        epilog="formats: " + "; ".join(f"{f.name}: {f.label}" for f in exports.FORMATS.values()),
    )
    export.add_argument("book_id", metavar="BOOK_ID", help="the book's number (the ?book=ID of its Studio address)")
    export.add_argument("--format", choices=list(exports.FORMATS), default="pdf", help="what to write (default pdf)")
    export.add_argument("--out", metavar="PATH", help="the file to write, or a folder for it (default: the book's "
                                                      "name in the current folder)")
    export.add_argument("--trim", choices=list(exports.TRIMS), default=exports.ExportOptions.trim,
                        help="print trim size in inches (print, cover, zip)")
    export.add_argument("--layout", choices=list(exports.LAYOUTS), default=exports.ExportOptions.layout,
                        help="print layout: spread (picture facing its words) or single (print, cover, zip)")
    export.add_argument("--paper", choices=list(exports.PAPERS), default=exports.ExportOptions.paper,
                        help="print paper, for the spine width (cover, zip)")
    export.add_argument("--user", default=accounts.LOCAL_USER, metavar="NAME",
                        help="the account the book belongs to (default: the local account make-book uses)")
    return parser


class UserError(Invalid):
    """A problem with the command's input; printed without a traceback."""


def _cast(engine: Engine, user_id: int, specs: Sequence[str], avatar_specs: Sequence[str]) -> list[int]:
    avatar_files: dict[str, Path] = {}
    for spec in avatar_specs:
        name, sep, path = spec.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UserError(f"--avatar takes NAME=PATH, not {spec!r}")
        avatar_files[name.strip().casefold()] = Path(path.strip()).expanduser()
    existing = {c.name.casefold(): c for c in cast_service.list_for(engine, user_id)}
    ids = []
    for spec in specs:
        name, look = characters.parse_spec(spec)
        character = existing.get(name.casefold())
        if character is None or (look and look != character.look):
            character = cast_service.create(engine, user_id, name, look)
            existing[name.casefold()] = character
        avatar_file = avatar_files.pop(name.casefold(), None)
        if avatar_file is not None:
            try:
                data = avatar_file.read_bytes()
            except OSError as exc:
                raise UserError(f"cannot read the avatar for {name}: {exc.strerror} ({avatar_file})") from None
            try:
                cast_service.set_avatar(engine, user_id, character.id, data)
            except AvatarError as exc:
                raise UserError(f"the avatar for {name} cannot be used: {exc}") from None
        ids.append(character.id)
    if avatar_files:
        raise UserError(f"--avatar names a character that is not in the book: {', '.join(avatar_files)}")
    return ids


def _show_progress(engine: Engine, user_id: int, book_id: int, out: TextIO) -> studio.Progress:
    tty = out.isatty()
    last = ""
    while True:
        now = studio.progress(engine, user_id, book_id)
        line = progress_line(now)
        if tty:
            filled = int(now.fraction * 30)
            out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {line:<100}")
            out.flush()
        elif (key := progress_line(now, countdown=False)) != last:  # a log gets no line per second of a wait
            out.write(line + "\n")
            out.flush()
            last = key
        if not now.running:
            if tty:
                out.write("\n")
            return now
        time.sleep(0.1)


_WORDS = {"story": {"queued": "queued", "running": "writing", "succeeded": "written"},
          "cover": {"queued": "queued", "running": "drawing", "succeeded": "drawn"}}


def progress_line(now: studio.Progress, *, countdown: bool = True) -> str:
    """One line of progress; a job waiting out a rate limit or an outage says so, and for how long."""
    story = _WORDS["story"].get(now.story or "", now.story or "not started")
    cover = _WORDS["cover"].get(now.cover or "", now.cover or "not started")
    line = f"story {story}; pages {now.pages_done}/{now.book.scene_count}; cover {cover}"
    waiting = jobs.waiting_text(now.waits, countdown=countdown)
    return f"{line}; {waiting}" if waiting else line


def make_book(args: argparse.Namespace) -> int:
    engine = Engine(load_settings(concurrency=args.concurrency))
    user = account_service.local_user(engine, args.user)
    options = BookOptions(args.title, args.premise, args.age, args.style, args.language, args.scenes).cleaned()
    # Checked before any character is made: a refused book leaves nothing behind.
    studio.check_book_inputs(engine, user.id, options)
    for spec in args.character:
        name, look = characters.parse_spec(spec)
        try:
            cast_service.check_words(engine, user.id, name, look)
        except safety.InputRefused as refused:
            raise UserError(f"--character {spec!r}: " + " ".join(refused.fields.values())) from None
    ids = _cast(engine, user.id, args.character, args.avatar)
    print(f"Making \"{options.title}\" with the {engine.settings.describe()}", file=sys.stderr)
    if not engine.text_model.writes(options.language):
        print(f"Note: the offline writer writes in English, not {options.language}; "
              "configure OpenAI for other languages.", file=sys.stderr)
    runner = Runner(engine).start()
    try:
        book_id = studio.start_book(engine, user.id, options, ids)
        final = _show_progress(engine, user.id, book_id, sys.stderr)
    finally:
        runner.stop()
    prefix = layout.book_prefix(book_id)
    folder, stored = engine.store.location(prefix), bool(engine.store.list(prefix))
    if final.book.status != books.READY:
        # stdout stays empty: scripts read the last line as a finished book's folder.
        print(f"error: the book is not finished: {final.book.error or final.book.status}", file=sys.stderr)
        if stored:
            print(f"What was made so far is in {folder}", file=sys.stderr)
        return 1
    if not stored:
        print(f"error: the book was made but its folder {folder} is missing", file=sys.stderr)
        return 1
    print(folder)
    return 0


def worker(args: argparse.Namespace) -> int:
    engine = Engine(load_settings(concurrency=args.concurrency))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner = Runner(engine).start()
    print(f"Worker {runner.worker_id} running jobs from {engine.database_address} "
          f"with the {engine.settings.describe()} (Ctrl-C stops)", file=sys.stderr)
    stop.wait()
    runner.stop()
    return 0


def migrate_data(args: argparse.Namespace) -> int:
    report = transfer.migrate(load_settings(), args.to_database, args.to_storage,
                              progress=lambda line: print(line, file=sys.stderr))
    print(report.summary())
    return 0


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.0f} KB"


def export(args: argparse.Namespace) -> int:
    engine = Engine(load_settings())
    user = account_service.find(engine, args.user)
    if user is None:
        raise UserError(f"there is no account named {args.user!r} (--user names the book's owner)")
    options = exports.ExportOptions(args.trim, args.layout, args.paper)
    try:
        made = export_service.export(engine, user.id, args.book_id, args.format, options)
    except exports.NotReady as exc:
        print(f"error: book {args.book_id} cannot be exported yet: {exc}", file=sys.stderr)
        return 1
    except NotFound:
        raise UserError(f"{args.user} has no book {args.book_id} (python -m storymaker export BOOK_ID "
                        "--user NAME exports another account's book)") from None
    except ModuleNotFoundError as missing:  # a partial install: say which format, not a traceback
        if not (missing.name or "").startswith(f"{exports.__name__}."):
            raise
        raise UserError(f"this installation of Storymaker cannot write {args.format}") from None
    path = Path(args.out).expanduser() if args.out else Path(made.filename)
    if path.is_dir():
        path = path / made.filename
    part = path.with_name(path.name + ".part")  # a file at `path` is always whole
    try:
        part.write_bytes(made.data)
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    print("Made now." if made.made else "Unchanged since the last export: the kept copy.", file=sys.stderr)
    print(f"{path} ({_size(len(made.data))})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        return {"make-book": make_book, "worker": worker, "migrate-data": migrate_data,
                "export": export}[args.command](args)
    except BookError as exc:
        print("error: " + "; ".join(f"{field.replace('_', ' ')}: {msg}" for field, msg in exc.fields.items()), file=sys.stderr)
    except (ConfigError, StorymakerError) as exc:  # UserError and every core error a person can act on
        print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 2
