BEGIN TRANSACTION;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO "_sqlite_migrations" VALUES(1,'storymaker','0001_initial','2026-12-02 08:15:34.810633+00:00');
INSERT INTO "_sqlite_migrations" VALUES(2,'storymaker','0002_retry_budget','2026-12-02 08:15:34.811812+00:00');
INSERT INTO "_sqlite_migrations" VALUES(3,'storymaker','0003_sign_in_throttle','2026-12-02 08:15:35.100660+00:00');
INSERT INTO "_sqlite_migrations" VALUES(4,'storymaker','0004_illustration_without_boilerplate','2026-12-02 08:15:35.101248+00:00');
CREATE TABLE book_characters (
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            character_id INTEGER REFERENCES characters(id) ON DELETE SET NULL,
            position INTEGER NOT NULL,
            -- a copy, so a book keeps its cast when a character is edited or deleted
            name TEXT NOT NULL,
            look TEXT NOT NULL DEFAULT '',
            personality TEXT NOT NULL DEFAULT '',
            avatar_path TEXT,
            PRIMARY KEY (book_id, position)
        );
CREATE TABLE books (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            premise TEXT NOT NULL DEFAULT '',
            age_band TEXT NOT NULL,
            style TEXT NOT NULL,
            language TEXT NOT NULL,
            scene_count INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            error TEXT,
            text_model TEXT,
            image_model TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
CREATE TABLE characters (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            look TEXT NOT NULL DEFAULT '',
            personality TEXT NOT NULL DEFAULT '',
            avatar_path TEXT,              -- relative to the data folder
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            scene INTEGER,
            status TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL DEFAULT 3,
            error TEXT,
            not_before REAL NOT NULL DEFAULT 0,
            lease_until REAL,
            worker TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        , retries INTEGER NOT NULL DEFAULT 0, http_tries INTEGER NOT NULL DEFAULT 0, retry_deadline REAL, waiting TEXT);
CREATE TABLE scenes (
            id INTEGER PRIMARY KEY,
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            scene INTEGER NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            illustration TEXT NOT NULL,
            characters TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending',
            error TEXT,
            image_version INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            UNIQUE (book_id, scene)
        );
CREATE TABLE sign_in_failures (
            key TEXT PRIMARY KEY,          -- 'user:<canonical name>' or 'client:<address>'
            failures INTEGER NOT NULL,
            last_at REAL NOT NULL          -- unix time of the last failure counted
        );
CREATE TABLE usage (
            id INTEGER PRIMARY KEY,
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,            -- 'text' or 'image'
            model TEXT NOT NULL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            images INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT,            -- NULL for the CLI's local account
            created_at TEXT NOT NULL
        , canonical TEXT, skeleton TEXT);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE INDEX idx_characters_user ON characters(user_id);
CREATE INDEX idx_books_user ON books(user_id, created_at);
CREATE INDEX idx_jobs_claim ON jobs(status, not_before, id);
CREATE INDEX idx_jobs_book ON jobs(book_id, kind, scene);
CREATE INDEX idx_usage_book ON usage(book_id);
CREATE INDEX idx_sign_in_failures_last ON sign_in_failures(last_at);
CREATE UNIQUE INDEX idx_users_canonical ON users(canonical);
CREATE INDEX idx_users_skeleton ON users(skeleton);
COMMIT;
