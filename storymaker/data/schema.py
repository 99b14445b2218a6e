"""The one schema, as SQLAlchemy tables: what every repository builds its statements from.

The numbered migrations (`migrations/versions/`) are how a database gets here; a test
keeps the two equal on SQLite and PostgreSQL. Times people read are ISO-8601 text in
UTC (they sort as text on both databases); times the queue computes with are unix
seconds (`not_before`, `lease_until`, `retry_deadline`, `last_at`).
"""

from __future__ import annotations

from sqlalchemy import (BigInteger, Column, Float, ForeignKey, Index, Integer, MetaData,
                        PrimaryKeyConstraint, Table, Text, UniqueConstraint)

# Row ids: 64-bit on PostgreSQL; on SQLite "INTEGER PRIMARY KEY" is the 64-bit rowid itself.
ID = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", ID, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text),  # NULL for the CLI's local account and OpenID Connect accounts
    Column("created_at", Text, nullable=False),
    # NFKC + case folded, one account per name; skeleton: the TR39 look-alike key
    Column("canonical", Text),
    Column("skeleton", Text),
    Index("idx_users_canonical", "canonical", unique=True),
    Index("idx_users_skeleton", "skeleton"),
)

characters = Table(
    "characters", metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("look", Text, nullable=False, server_default=""),
    Column("personality", Text, nullable=False, server_default=""),
    Column("avatar_path", Text),  # the avatar's key in the picture store
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("pronoun", Text, nullable=False, server_default=""),  # he, she, they, name; "" reads it from the look
    Index("idx_characters_user", "user_id"),
)

books = Table(
    "books", metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", Text, nullable=False),
    Column("premise", Text, nullable=False, server_default=""),
    Column("age_band", Text, nullable=False),
    Column("style", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("scene_count", Integer, nullable=False),
    Column("status", Text, nullable=False, server_default="draft"),
    Column("error", Text),
    Column("text_model", Text),
    Column("image_model", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("author", Text),  # the title page's "by ..." line; NULL: the account's name
    Column("narration_voice", Text),  # the voice model's voice for this book; NULL: the setting's
    # The first book of the series this one continues; NULL for a first book or one of no series. Deleting
    # a first book hands the role to the next one first (`data.series.regroup`); no ON DELETE rule, so a
    # delete that skipped that is refused rather than silently splitting the series.
    Column("series_id", ID, ForeignKey("books.id")),
    # When the book was first ready; NULL while it is being made (again, after a new story). A page
    # added to a made book is drawn with the grid on screen, not the progress of a book being made.
    Column("made_at", Text),
    Index("idx_books_user", "user_id", "created_at"),
    Index("idx_books_series", "series_id"),
)

book_characters = Table(
    "book_characters", metadata,
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("character_id", ID, ForeignKey("characters.id", ondelete="SET NULL")),
    Column("position", Integer, nullable=False),
    # a copy, so a book keeps its cast when a character is edited or deleted
    Column("name", Text, nullable=False),
    Column("look", Text, nullable=False, server_default=""),
    Column("personality", Text, nullable=False, server_default=""),
    Column("avatar_path", Text),
    Column("pronoun", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("book_id", "position"),
)

scenes = Table(
    "scenes", metadata,
    Column("id", ID, primary_key=True),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("scene", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("illustration", Text, nullable=False),
    Column("characters", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("error", Text),
    Column("image_version", Integer, nullable=False, server_default="0"),
    Column("updated_at", Text, nullable=False),
    Column("note", Text),  # Regenerate's note for the page's next take; cleared when that take is stored
    UniqueConstraint("book_id", "scene"),
)

jobs = Table(
    "jobs", metadata,
    Column("id", ID, primary_key=True),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("scene", Integer),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("attempts", Integer, nullable=False, server_default="0"),  # claims (crash recovery counts them)
    Column("max_attempts", Integer, nullable=False, server_default="3"),
    Column("error", Text),
    Column("not_before", Float, nullable=False, server_default="0"),
    Column("lease_until", Float),
    Column("worker", Text),
    Column("created_at", Text, nullable=False),
    Column("started_at", Text),
    Column("finished_at", Text),
    # the transient-failure budget: requeues, failed HTTP requests spent, when the window closes,
    # and why a requeued job waits (for screens)
    Column("retries", Integer, nullable=False, server_default="0"),
    Column("http_tries", Integer, nullable=False, server_default="0"),
    Column("retry_deadline", Float),
    Column("waiting", Text),
    Index("idx_jobs_claim", "status", "not_before", "id"),
    Index("idx_jobs_book", "book_id", "kind", "scene"),
)

usage = Table(
    "usage", metadata,
    Column("id", ID, primary_key=True),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),  # 'text' or 'image'
    Column("model", Text, nullable=False),
    Column("input_tokens", Integer, nullable=False, server_default="0"),
    Column("output_tokens", Integer, nullable=False, server_default="0"),
    Column("images", Integer, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
    Column("characters", Integer, nullable=False, server_default="0"),  # narrated by a voice model
    Index("idx_usage_book", "book_id"),
)

# Failed sign-ins, shared by every process serving sign-ins.
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("key", Text, primary_key=True),  # 'user:<canonical name>' or 'client:<address>'
    Column("failures", Integer, nullable=False),
    Column("last_at", Float, nullable=False),  # unix time of the last failure counted
    Index("idx_sign_in_failures_last", "last_at"),
)

# Where people are signed in: one row per sign-in, in a browser that keeps its cookie or in
# a tab that could not. The cookie holds a random token; only its SHA-256 is kept here.
sessions = Table(
    "sessions", metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", Text),  # NULL until a browser took its cookie (and for a tab that cannot)
    Column("browser", Text, nullable=False, server_default=""),  # the User-Agent, cut short
    Column("created_at", Text, nullable=False),
    Column("last_seen", Float, nullable=False),  # unix seconds, moved on at most every few minutes
    Column("expires_at", Float, nullable=False),  # last_seen + the sign-in length (sliding)
    Column("cookie_set_at", Float),  # when the browser last got its cookie (renewed once a day of use)
    Index("idx_sessions_token", "token_hash", unique=True),
    Index("idx_sessions_user", "user_id"),
)

# Single-use tickets a signed-in page hands to the cookie route; they live under a minute.
session_tickets = Table(
    "session_tickets", metadata,
    Column("ticket_hash", Text, primary_key=True),
    Column("session_id", ID, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("idx_session_tickets_expiry", "expires_at"),
)

# Unsaved grid edits, per person and book, so a reload or another device can offer them back.
drafts = Table(
    "drafts", metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("edits", Text, nullable=False),  # JSON: {"scene": {"column": "text"}}
    Column("updated_at", Text, nullable=False),
    PrimaryKeyConstraint("user_id", "book_id"),
)

# Read-only links to one book for people without an account. Only the token's SHA-256 is
# kept; revoking a link deletes its row, so a revoked and a wrong link read alike.
share_links = Table(
    "share_links", metadata,
    Column("id", ID, primary_key=True),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Float),  # unix seconds; NULL: until revoked
    Column("opens", Integer, nullable=False, server_default="0"),
    Column("last_opened_at", Text),
    Index("idx_share_links_token", "token_hash", unique=True),
    Index("idx_share_links_book", "book_id"),
)

# A page's narration from a voice model, found by what it was made from (`narration.fingerprint`:
# the words, the voice, the model), so a page moved elsewhere keeps its audio and an edited one
# gets new audio; the audio itself is in the store under `audio_key`.
narrations = Table(
    "narrations", metadata,
    Column("id", ID, primary_key=True),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("voice", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("audio_key", Text, nullable=False),
    Column("mime", Text, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("idx_narrations_book", "book_id", "fingerprint", unique=True),
)

# Every picture drawn for a page (scene_id) or the cover (scene_id NULL): a take. Its files are
# keyed by the take's id (`layout.take_key`), so a page moved elsewhere keeps its takes unrenamed;
# the current take is also copied to the page's own keys, which every reader uses.
takes = Table(
    "takes", metadata,
    Column("id", ID, primary_key=True),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("scene_id", ID, ForeignKey("scenes.id", ondelete="CASCADE")),
    Column("number", Integer, nullable=False),  # 1, 2, ... per page, as people count them
    Column("picture_key", Text, nullable=False),
    Column("thumb_key", Text, nullable=False),
    Column("note", Text),  # the note Regenerate carried for this take only
    Column("style", Text, nullable=False),
    Column("seed", Text, nullable=False, server_default=""),  # the request's seed: a redraw at print size repeats it
    Column("bytes", Integer, nullable=False),  # picture + thumbnail
    Column("current", Integer, nullable=False, server_default="0"),  # 1 for the one the book shows
    # The newest job id of the book when this take became current: a page job at or below it was
    # requested earlier, so its take is kept but not made current (the last request wins).
    Column("current_since_job", ID, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
    # What the picture was drawn from, but for its style and note (`illustrate.page_fit`): a take fits
    # its page while this equals the page's fit now, so a restyle back reuses only pictures of the
    # words as they are. NULL for takes from before it was kept.
    Column("fit", Text),
    Index("idx_takes_page", "book_id", "scene_id"),
)

# Why the safety checks refused something (`storymaker.safety`): an input before anything was made
# (no book yet, or a book's edits), a page of a story, a picture. The categories and the checker's
# scores are kept, so the owner can see why; `outcome` says whether it was refused or rewritten.
safety_refusals = Table(
    "safety_refusals", metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("book_id", ID, ForeignKey("books.id", ondelete="CASCADE")),
    Column("stage", Text, nullable=False),  # input, story, picture
    Column("subject", Text, nullable=False),  # what was refused, for people: "title", "page 3"
    Column("checker", Text, nullable=False),  # the moderation model, or "word list"
    Column("outcome", Text, nullable=False),  # refused, rewritten
    Column("categories", Text, nullable=False),  # JSON list, worst first
    Column("scores", Text, nullable=False),  # JSON object: category -> 0..1
    Column("excerpt", Text, nullable=False, server_default=""),  # the words checked, cut short
    Column("created_at", Text, nullable=False),
    Index("idx_safety_refusals_user", "user_id", "id"),
    Index("idx_safety_refusals_book", "book_id"),
)
