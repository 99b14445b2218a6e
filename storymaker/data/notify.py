"""Waking idle runners in every process when work is queued: PostgreSQL's LISTEN/NOTIFY.

A unit of work that queues or requeues a job calls `announce`, which sends
`NOTIFY storymaker_jobs`; PostgreSQL delivers it when (and only if) the unit commits, to
every connection listening on the channel, on any machine. A `Listener` holds one such
connection of its own (outside the pool: it sits idle for as long as the process runs)
and calls back on each notification; the runner's callback wakes its dispatcher, so a
job queued anywhere is claimed in milliseconds and the runner's poll is only a safety
net. A lost listening connection is opened again after a pause, and the callback fires
once it is back, since whatever was sent meanwhile was missed.

SQLite has no other processes to tell in this way: `announce` does nothing there and a
`Listener` never starts; the queue wakes runners in its own process (`jobs.wake`) and
runners in other processes find work by polling.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .database import Database

if TYPE_CHECKING:  # the driver loads only in a process that listens (PostgreSQL)
    import psycopg

log = logging.getLogger(__name__)

CHANNEL = "storymaker_jobs"
RECONNECT_S = (0.1, 0.5, 1.0, 2.0, 5.0)  # pauses between attempts to listen again, then the last one
CHECK_S = 0.5  # how often a quiet listener looks at its stop flag (no query: it only wakes up)
# Keepalives notice a connection whose server or network vanished without closing it.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def announce(conn: Connection) -> None:
    """Tell every listener, when this unit commits, that there may be work."""
    # The one statement only PostgreSQL has: SQLite's runners share a process or poll.
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_notify(CHANNEL, "")))


class Listener:
    """Calls `on_notice()` from a thread of its own whenever work is announced on `db`."""

    def __init__(self, db: Database, on_notice: Callable[[], None]) -> None:
        self.db = db
        self.on_notice = on_notice
        self.connects = 0  # how many times the listening connection was opened (tests watch it)
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Listener":
        if self.db.dialect == "postgresql" and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="storymaker-listener", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=CHECK_S * 4)

    def _connect(self) -> "psycopg.Connection":
        import psycopg
        from psycopg import sql

        cargs, cparams = self.db.engine.dialect.create_connect_args(self.db.url)
        params: dict[str, Any] = {**KEEPALIVES, "connect_timeout": 10, **cparams}
        conn = psycopg.connect(*cargs, **params, autocommit=True)
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        return conn

    def _run(self) -> None:
        import psycopg

        failures = 0
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    self.connects += 1
                    failures = 0
                    self.listening.set()
                    self.on_notice()  # whatever was announced before we listened
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=CHECK_S):
                            self.on_notice()
            except psycopg.Error as error:
                self.listening.clear()
                pause = RECONNECT_S[min(failures, len(RECONNECT_S) - 1)]
                failures += 1
                log.warning("job listener: lost its database connection (%s); listening again in %g s",
                            type(error).__name__, pause)
                self._stop.wait(pause)
            except Exception:  # the callback's fault or ours: never let the listener die
                self.listening.clear()
                log.exception("job listener hiccup")
                self._stop.wait(RECONNECT_S[-1])
        self.listening.clear()
