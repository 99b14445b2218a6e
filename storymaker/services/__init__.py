"""Services: the one API that pages, app helpers, the CLI and later HTTP routes call.

Each function takes the `Engine` (and the acting user's id where the data is someone's),
gets the database itself and returns plain dataclasses, so no caller ever holds a
connection and the data layer can change underneath without touching a screen. Errors
are the `StorymakerError` family (`storymaker.errors`).

accounts, characters, books and usage: a user's records; studio: making a book (start,
progress, regenerate, cancel); review: the grid, its edits and story.csv; library: the
shelf and the reader; samples: the first-run sample cast and book.
"""
